import ArgumentParser
import Foundation
import NPLM

#if DEBUG
private let debugBuild = true
#else
private let debugBuild = false
#endif

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time full training epochs (loss, gradient, Adam, clipping) on every backend.",
        discussion: """
        Workloads: 1d is [1,4,1] over N_R = \(BenchWorkload.oneD.defaultReferenceSize) reference events and Poisson(\(Int(BenchWorkload.oneD.expectedData))) data events \
        per fit; 5d is [5,5,5,5,1] over N_R = \(BenchWorkload.fiveD.defaultReferenceSize) and Poisson(\(Int(BenchWorkload.fiveD.expectedData))); 1d-nuisance is 1d with a \
        shape nuisance (quadratic, two basis columns) and a normalisation nuisance, the tau and Delta \
        fits of each toy side by side, nu trained by the same Adam. For each backend, \
        workload, T (--fits), N_R (--reference-sizes) and thread count, it runs --warmup epochs, \
        then --repeats timed runs, and reports the median: point-epochs/s (events × fits × epochs \
        per second), seconds per epoch, and the projected seconds per toy at 300000 epochs. \
        The reference engine is slow: it runs only at T <= --reference-max-fits. \
        The kernel workload (--workloads kernel) times whole kernel-model toys instead: seconds per \
        toy for every --kernel-reference-sizes × --kernel-centres (BenchKernel.swift). \
        Release builds only (swift build -c release).
        """)

    @Option(name: [.customLong("backends"), .customLong("backend")],
            help: "Backends to time, comma-separated: cpu, reference, opencl (default: cpu, reference and every OpenCL device).")
    var backends: String?

    @Option(help: "Workloads, comma-separated: 1d, 5d, 1d-nuisance (1d with a quadratic shape and a normalisation nuisance), kernel (whole kernel-model toys).")
    var workloads: String = "1d,5d"

    @OptionGroup var kernel: KernelBenchOptions

    @Option(help: "Fits trained together (T), comma-separated.")
    var fits: String = "1,16,64"

    @Option(help: "Reference sizes N_R, comma-separated (default: \(BenchWorkload.oneD.defaultReferenceSize) for 1d, \(BenchWorkload.fiveD.defaultReferenceSize) for 5d).")
    var referenceSizes: String?

    @Option(help: "Thread counts for the cpu backend, comma-separated (default: every core).")
    var threads: String?

    @Option(help: "Kernel variant of the cpu backend: baseline, avx2, avx512 (default: the widest this CPU has).")
    var instructionSet: String?

    @Flag(help: "Use the general kernel of the cpu backend for every shape (to compare with the unrolled [1,4,1] kernel).")
    var generalKernel = false

    @Option(help: "Epochs run before timing.")
    var warmup: Int = 3

    @Option(help: "Epochs per timed run (0: as many as fill --seconds).")
    var epochs: Int = 0

    @Option(help: "Target length of a timed run in seconds, when --epochs is 0.")
    var seconds: Double = 1

    @Option(help: "Timed runs per measurement; the median is reported.")
    var repeats: Int = 3

    @Option(help: "The reference backend runs only for T up to this.")
    var referenceMaxFits: Int = 1

    @Flag(help: "Write one JSON object per measurement (one per line) instead of the table.")
    var json = false

    @Option(help: ArgumentHelp(
        "A compiled tools/cloop/five_d.c (the hand-written C loop): run it on the 5d workload right after each cpu measurement, with the same T, threads, N_R and timing, and print nplm cpu / C loop.",
        valueName: "path"))
    var cLoop: String?

    func validate() throws {
        _ = try parsedBackends()
        _ = try parsedWorkloads()
        _ = try Self.positiveList(fits, option: "--fits")
        if let referenceSizes { _ = try Self.positiveList(referenceSizes, option: "--reference-sizes") }
        if let threads { _ = try Self.positiveList(threads, option: "--threads") }
        _ = try parsedInstructionSet()
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or positive, got \(warmup)") }
        guard epochs >= 0 else { throw ValidationError("--epochs must be 0 (automatic) or positive, got \(epochs)") }
        guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be a positive number, got \(seconds)") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        guard referenceMaxFits >= 0 else { throw ValidationError("--reference-max-fits must be 0 or positive, got \(referenceMaxFits)") }
        if let cLoop {
            guard try parsedWorkloads().contains(.fiveD), try parsedBackends().contains(.cpu) else {
                throw ValidationError("--c-loop compares with the cpu backend on the 5d workload: add cpu to --backends and 5d to --workloads")
            }
            guard FileManager.default.isExecutableFile(atPath: cLoop) else {
                throw ValidationError("--c-loop \(cLoop) is not an executable file; compile tools/cloop/five_d.c as its first lines say")
            }
        }
    }

    func run() throws {
        if debugBuild {
            throw NPLMError.invalidArgument(
                "nplm bench: this is a debug build, whose hot loops run about 100 times slower; build with `swift build -c release` and run `.build/release/nplm bench`")
        }
        let fitCounts = try Self.positiveList(fits, option: "--fits")
        let threadCounts = try threads.map { try Self.positiveList($0, option: "--threads") }
            ?? [ProcessInfo.processInfo.activeProcessorCount]
        let instructionSet = try parsedInstructionSet()
        let networkWorkloads = try parsedWorkloads()
        if !json {
            print("machine: \(Machine.description)")
            if !networkWorkloads.isEmpty { print(BenchTable.header) }
        }
        let kinds = try parsedBackends()
        for workload in networkWorkloads {
            let sizes = try referenceSizes.map { try Self.positiveList($0, option: "--reference-sizes") } ?? [workload.defaultReferenceSize]
            for size in sizes {
                for T in fitCounts {
                    try workload.checkSize(fits: T, referenceSize: size)
                    let (batch, initial) = workload.batch(fits: T, referenceSize: size)
                    for kind in kinds {
                        for (backend, threadCount) in try makeBackends(kind, batch: batch, fits: T, workload: workload,
                                                                        threadCounts: threadCounts, instructionSet: instructionSet) {
                            let slow = kind == .reference
                            let measurement = try BenchMeasurement.measure(
                                backend: backend, kind: kind, workload: workload, threads: threadCount, initialParameters: initial,
                                warmup: slow ? min(warmup, 1) : warmup, epochs: epochs, seconds: seconds,
                                repeats: slow ? 1 : repeats)
                            if json {
                                FileHandle.standardOutput.write(try NPLMJSON.line(measurement))
                            } else {
                                print(BenchTable.row(measurement))
                            }
                            if let cLoop, kind == .cpu, workload == .fiveD {
                                try compare(measurement, withCLoop: cLoop, referenceSize: size)
                            }
                        }
                    }
                }
            }
        }
        if workloads.split(separator: ",").contains(where: Self.isKernelWorkload) {
            try runKernelWorkload(kinds: kinds, threadCounts: threadCounts)
        }
    }

    /// Runs the C loop at `path` with the measurement's T, threads and N_R, and prints its row and
    /// the ratio (or one JSON object with both measurements and the ratios).
    private func compare(_ cpu: BenchMeasurement, withCLoop path: String, referenceSize: Int) throws {
        let cLoop = try CLoopMeasurement.measure(executable: path, fits: cpu.fits, threads: cpu.threads ?? 1,
                                                 referenceSize: referenceSize, warmup: warmup, epochs: epochs,
                                                 seconds: seconds, repeats: repeats)
        let comparison = CLoopComparison(cpu: cpu, cLoop: cLoop)
        if json {
            FileHandle.standardOutput.write(try NPLMJSON.line(comparison))
        } else {
            print(BenchTable.row(cLoop))
            print(String(format: "  nplm cpu / C loop: %.2f (point-epochs/s), %.2f (per CPU-second)",
                         comparison.ratio, comparison.ratioPerCPUSecond))
        }
    }

    /// The backends of one kind to time on `batch` (every engine of the kind, `EngineChoice.every`;
    /// the reference only up to --reference-max-fits), with their thread counts.
    private func makeBackends(_ kind: BackendKind, batch: FitBatch, fits: Int, workload: BenchWorkload, threadCounts: [Int],
                              instructionSet: FastCPUInstructionSet?) throws -> [(TrainingBackend, Int?)] {
        if kind == .reference && fits > referenceMaxFits { return [] }
        return try EngineChoice.every(kind, threadCounts: threadCounts, instructionSet: instructionSet, unrolledKernels: !generalKernel)
            .map { choice in
                (try workload.trainingBackend(on: choice, batch: batch, notice: note), kind == .reference ? 1 : choice.threads)
            }
    }

    private func parsedBackends() throws -> [BackendKind] {
        guard let backends else { return [.cpu, .reference, .opencl] }
        return try backends.split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let kind = BackendKind(rawValue: trimmed), kind != .auto else {
                throw ValidationError("--backends: '\(trimmed)' is not one of cpu, reference, opencl")
            }
            return kind
        }
    }

    private func parsedWorkloads() throws -> [BenchWorkload] {
        try workloads.split(separator: ",").filter { !Self.isKernelWorkload($0) }.map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let workload = BenchWorkload(rawValue: trimmed) else {
                throw ValidationError("--workloads: '\(trimmed)' is not one of \(BenchWorkload.allCases.map(\.rawValue).joined(separator: ", ")), kernel")
            }
            return workload
        }
    }

    private func parsedInstructionSet() throws -> FastCPUInstructionSet? {
        guard let instructionSet else { return nil }
        let names: [String: FastCPUInstructionSet] = ["baseline": .baseline, "sse2": .baseline, "avx2": .avx2, "avx512": .avx512]
        guard let set = names[instructionSet.lowercased()] else {
            throw ValidationError("--instruction-set: '\(instructionSet)' is not one of baseline, avx2, avx512")
        }
        guard set.isSupported else {
            throw ValidationError("--instruction-set \(instructionSet): this CPU supports up to \(FastCPUInstructionSet.best)")
        }
        return set
    }

    /// "1,16,64" → [1, 16, 64], every value ≥ 1.
    static func positiveList(_ text: String, option: String) throws -> [Int] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw ValidationError("\(option) must be a comma-separated list of positive integers such as 1,16,64, got '\(text)'")
        }
        return values.map { $0! }
    }
}

/// The text table of `nplm bench`.
enum BenchTable {
    static let header = [
        pad("backend", 38), pad("work", 11), pad("T", 4, right: true), pad("N_R", 8, right: true),
        pad("points/epoch", 13, right: true), pad("point-epochs/s", 15, right: true), pad("s/epoch", 10, right: true),
        pad("s/toy@300k", 11, right: true), pad("epochs", 8, right: true), pad("warm-up", 12, right: true),
        pad("cpu use", 8, right: true), pad("kernels ms", 14, right: true),
    ].joined(separator: " ")

    static func row(_ m: BenchMeasurement) -> String {
        [
            pad(m.backend, 38), pad(m.workload.rawValue, 11), pad("\(m.fits)", 4, right: true),
            pad("\(m.referenceEvents)", 8, right: true), pad("\(m.pointsPerEpoch)", 13, right: true),
            pad(String(format: "%.3e", m.pointEpochsPerSecond), 15, right: true),
            pad(String(format: "%.3e", m.secondsPerEpoch), 10, right: true),
            pad(String(format: "%.1f", m.projectedSecondsPerToy), 11, right: true),
            pad("\(m.repeats)×\(m.epochs)", 8, right: true),
            pad("\(m.warmupEpochs) in \(String(format: "%.2f", m.warmupSeconds))s", 12, right: true),
            pad(String(format: "%.0f%%", 100 * m.cpuUtilization), 8, right: true),
            // loss + gradient / combine, from profiling events (OpenCL only).
            pad(m.lossKernelSeconds.map { String(format: "%.3f/%.3f", 1000 * $0, 1000 * (m.combineKernelSeconds ?? 0)) } ?? "—",
                14, right: true),
        ].joined(separator: " ")
    }

    /// The C loop's row, in the columns of the others (no warm-up time, no kernels).
    static func row(_ c: CLoopMeasurement) -> String {
        [
            pad("c-loop (\(c.threads) thread\(c.threads == 1 ? "" : "s"))", 38), pad("5d", 11), pad("\(c.fits)", 4, right: true),
            pad("\(c.referenceEvents)", 8, right: true), pad("\(c.pointsPerEpoch)", 13, right: true),
            pad(String(format: "%.3e", c.pointEpochsPerSecond), 15, right: true),
            pad(String(format: "%.3e", c.secondsPerEpoch), 10, right: true),
            pad(String(format: "%.1f", c.secondsPerEpoch * 300_000 / Double(c.fits)), 11, right: true),
            pad("\(c.repeats)×\(c.epochs)", 8, right: true), pad("—", 12, right: true),
            pad(String(format: "%.0f%%", 100 * c.cpuUtilization), 8, right: true), pad("—", 14, right: true),
        ].joined(separator: " ")
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}
