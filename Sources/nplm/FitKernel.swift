import Foundation
import NPLM

extension FitCommand {
    /// What `nplm fit --model kernel` prints: every width's t, with --null its empirical p-value.
    func printKernel(_ result: KernelFit.Result, run: FitRun) {
        let kernelRecord = result.kernel
        print("kernel model: M = \(kernelRecord.centres) centres, λ = \(Format.number(kernel.lambda)), \(kernel.kernelPrecision.rawValue) kernel values, engine \(result.engineName)")
        for w in kernelRecord.widths.indices {
            let p = kernelRecord.empiricalP.map { ", empirical p = \(Format.number($0[w])), Z = \(Format.number(Significance.z(p: $0[w])))" } ?? ""
            let cg = kernelRecord.cg[w].map { "\($0.iterations)" }.joined(separator: "+")
            print("σ = \(Format.number(kernelRecord.widths[w])): t = \(Format.number(kernelRecord.t[w]))\(p) (CG iterations \(cg), jitter \(Format.number(kernelRecord.jitter[w]))·M)")
        }
        if kernelRecord.empiricalP == nil { print("(no asymptotic χ² for the kernel t: give --null with a kernel null campaign for p-values)") }
    }
}
