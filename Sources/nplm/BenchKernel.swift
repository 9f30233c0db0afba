import ArgumentParser
import Foundation
import NPLM

/// Options of the kernel workload of `nplm bench` (`--workloads kernel`).
struct KernelBenchOptions: ParsableArguments {
    @Option(help: "Kernel workload: reference sizes N_R, comma-separated.")
    var kernelReferenceSizes: String = "\(KernelBenchMeasurement.defaultReferenceSize)"

    @Option(help: "Kernel workload: Nyström centres M, comma-separated.")
    var kernelCentres: String = "\(KernelBenchMeasurement.defaultCentres)"

    @Option(help: "Kernel workload: toys per timed run (fitted as one batch on OpenCL).")
    var kernelToys: Int = 1

    func validate() throws {
        _ = try BenchCommand.positiveList(kernelReferenceSizes, option: "--kernel-reference-sizes")
        _ = try BenchCommand.positiveList(kernelCentres, option: "--kernel-centres")
        guard kernelToys >= 1 else { throw ValidationError("--kernel-toys must be at least 1, got \(kernelToys)") }
    }
}

extension BenchCommand {
    /// Whether a name of --workloads is the kernel workload.
    static func isKernelWorkload(_ name: Substring) -> Bool { name.trimmingCharacters(in: .whitespaces) == "kernel" }

    /// The kernel workload: seconds per toy of the 1-D kernel benchmark for every N_R × M, on the
    /// cpu engine (each thread count) and every OpenCL device; the reference only where N_R·M ≤ 1e7.
    func runKernelWorkload(kinds: [BackendKind], threadCounts: [Int]) throws {
        let sizes = try Self.positiveList(kernel.kernelReferenceSizes, option: "--kernel-reference-sizes")
        let centres = try Self.positiveList(kernel.kernelCentres, option: "--kernel-centres")
        if !json {
            if let advice = BLASDenseAlgebra.kernelsAdvice { note(advice) }
            print("kernel workload: \(KernelBenchMeasurement.workloadText)")
            print(KernelBenchTable.header)
        }
        for size in sizes {
            for m in centres {
                for kind in kinds {
                    if kind == .reference && Double(size) * Double(m) > KernelBenchMeasurement.referenceLimit {
                        note("kernel workload: reference skipped at N_R = \(size), M = \(m) (N_R·M above 1e7)")
                        continue
                    }
                    for choice in EngineChoice.every(kind, threadCounts: threadCounts) {
                        let measurement = try KernelBenchMeasurement.measure(engine: choice, referenceSize: size, centres: m,
                                                                             toys: kernel.kernelToys, repeats: repeats)
                        if json { FileHandle.standardOutput.write(try NPLMJSON.line(measurement)) }
                        else {
                            print(KernelBenchTable.row(measurement))
                            if let line = measurement.precisionCost { print("  " + line) }
                        }
                    }
                }
            }
        }
    }
}

/// The text table of the kernel workload.
enum KernelBenchTable {
    static let header = [
        pad("engine", 38), pad("N_R", 8, right: true), pad("M", 5, right: true), pad("toys", 5, right: true),
        pad("s/toy", 9, right: true), pad("CG its", 7, right: true), pad("s/product pass", 15, right: true),
        pad("cpu use", 8, right: true), pad("cpu s/toy", 10, right: true),
    ].joined(separator: " ")

    static func row(_ m: KernelBenchMeasurement) -> String {
        [
            pad(m.engine, 38), pad("\(m.referenceEvents)", 8, right: true), pad("\(m.centres)", 5, right: true),
            pad("\(m.toys)", 5, right: true), pad(String(format: "%.2f", m.secondsPerToy), 9, right: true),
            pad(String(format: "%.1f", m.cgIterations), 7, right: true),
            pad(String(format: "%.3f", m.secondsPerProductPass), 15, right: true),
            pad(String(format: "%.0f%%", 100 * m.cpuUtilization), 8, right: true),
            pad(String(format: "%.2f", m.cpuSecondsPerToy), 10, right: true),
        ].joined(separator: " ")
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String { BenchTable.pad(text, width, right: right) }
}
