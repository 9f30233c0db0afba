import ArgumentParser
import Foundation
import NPLM

extension FitCommand {
    /// `nplm fit --model kernel`: the kernel model on the user's data against the reference, every
    /// width of --widths; with --null, each width's empirical p-value (`KernelFit`).
    func runKernel(dataPath: String, referencePath: String, results: ResultFiles) throws {
        let data = try SampleFile.events(path: dataPath, parameter: .data)
        let reference = try SampleFile.events(path: referencePath, parameter: .reference)
        guard data.dimension == reference.dimension else {
            throw NPLMError.invalidInput(file: "--data \(dataPath)",
                "has \(data.dimension) feature(s) per event but --reference \(referencePath) has \(reference.dimension)")
        }
        let perEvent = try referenceWeights.map {
            try SampleFile.weights(path: $0, parameter: .referenceWeights, count: reference.count, sampleLabel: "--reference \(referencePath)")
        }
        let weights = ReferenceWeights.choose(perEvent: perEvent, expected: expected, dataCount: data.count, referenceCount: reference.count)
        let fit = KernelFit(data: data, reference: reference, weights: weights, options: try kernel.options(), seed: seed,
                            backend: training.backendRequest)
        try fit.checkMemory()
        let nullRecords = try null.map { (records: try CampaignFile.read($0), file: $0) }
        let result = try fit.run(null: nullRecords, notice: note)
        let kernelRecord = result.kernel
        print("kernel model: M = \(kernelRecord.centres) centres, λ = \(Format.number(fit.options.lambda)), engine \(result.engineName)")
        for w in kernelRecord.widths.indices {
            let p = kernelRecord.empiricalP.map { ", empirical p = \(Format.number($0[w])), Z = \(Format.number(Significance.z(p: $0[w])))" } ?? ""
            let cg = kernelRecord.cg[w].map { "\($0.iterations)" }.joined(separator: "+")
            print("σ = \(Format.number(kernelRecord.widths[w])): t = \(Format.number(kernelRecord.t[w]))\(p) (CG iterations \(cg))")
        }
        if kernelRecord.empiricalP == nil { print("(no asymptotic χ² for the kernel t: give --null with a kernel null campaign for p-values)") }
        try results.write(record: result.record, model: nil)
    }
}
