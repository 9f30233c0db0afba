import ArgumentParser
import Foundation
import NPLM

struct ToysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toys",
        abstract: "Run a toy campaign on the built-in 1-D benchmark (no input files needed).",
        discussion: """
        Background e^-x with N(R0) expected events, a reference sample of N_R events with weights \
        N(R0)/N_R shared by every toy, and Poisson data with an optional NP1, NP2 or NP3 signal. \
        Writes one JSON line per toy and prints a summary. Every toy is reproducible from \
        (seed, toy index) alone.
        """)

    @Option(help: "Number of toys.")
    var toys: Int = 100

    @Option(help: "Campaign seed.")
    var seed: UInt64 = 1

    @Option(help: "N(R0): expected background events in a data sample.")
    var expected: Double = 2000

    @Option(help: "N_R: events in the reference sample.")
    var referenceSize: Int = 200_000

    @Option(help: "Signal injected in the data: none, NP1, NP2 or NP3.")
    var signal: Signal1D = .none

    @Option(help: "N_S: expected signal events (default: the seeds' value for the signal).")
    var signalEvents: Double?

    @Option(help: "Toys trained together in one batch.")
    var batch: Int = 64

    @Option(help: "Write one JSON line per toy to this file.")
    var output: String?

    @OptionGroup var training: TrainingOptionGroup

    func validate() throws {
        guard toys >= 1 else { throw ValidationError("--toys must be at least 1, got \(toys)") }
        guard toys <= Int(UInt32.max) else { throw ValidationError("--toys must be below 2^32") }
        guard expected > 0, expected.isFinite else { throw ValidationError("--expected must be a positive number, got \(expected)") }
        guard referenceSize >= 1 else { throw ValidationError("--reference-size must be at least 1, got \(referenceSize)") }
        if let signalEvents, !(signalEvents >= 0 && signalEvents.isFinite) {
            throw ValidationError("--signal-events must be 0 or positive, got \(signalEvents)")
        }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
        let architecture = try training.parsedArchitecture()
        guard architecture.inputDimension == 1 else {
            throw ValidationError("--architecture: the 1-D benchmark needs an input width of 1, got \(architecture)")
        }
    }

    func run() throws {
        let architecture = try training.parsedArchitecture()
        let benchmark = Benchmark1D(expectedBackground: expected, referenceSize: referenceSize,
                                    signal: signal, signalEvents: signalEvents)
        let options = training.trainingOptions
        let dof = architecture.parameterCount
        let reference = benchmark.reference(seed: seed)
        let weights = [Float](repeating: Float(benchmark.referenceWeight), count: reference.count)

        var sink: FileHandle?
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil) else {
                throw NPLMError.invalidArgument("--output \(output): cannot create the file (does its folder exist and is it writable?)")
            }
            sink = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        }
        defer { try? sink?.close() }

        var statistics: [Double] = []
        var divergedCount = 0
        for start in stride(from: 0, to: toys, by: batch) {
            let indices = start..<min(start + batch, toys)
            let samples = indices.map { benchmark.data(seed: seed, toy: UInt32($0)) }
            let fitBatch = FitBatch.nplm(architecture: architecture, reference: reference, referenceWeights: weights,
                                         data: samples.map(\.events))
            let backend = try BackendFactory.make(training.backendRequest, batch: fitBatch, clipping: options.clipping,
                                                  notice: note)
            let initial = indices.flatMap { architecture.initialParameters(seed: seed, toy: UInt32($0)) }
            let outcomes = try Trainer.train(backend: backend, initialParameters: initial, options: options)
            for (j, toy) in indices.enumerated() {
                let record = FitRecord(outcome: outcomes[j], dof: dof, epochs: options.epochs,
                                       dataEvents: samples[j].events.count, referenceEvents: reference.count,
                                       toy: toy, seed: seed, backgroundEvents: samples[j].background,
                                       signalEvents: samples[j].signal)
                try sink?.write(contentsOf: NPLMJSON.line(record))
                if outcomes[j].diverged { divergedCount += 1 } else { statistics.append(outcomes[j].t) }
            }
            note("trained toys \(indices.upperBound)/\(toys) on \(backend.name)")
        }
        print(CampaignSummary(statistics: statistics, diverged: divergedCount, dof: dof).text)
    }
}

/// The few numbers printed at the end of a campaign.
struct CampaignSummary {
    let statistics: [Double]
    let diverged: Int
    let dof: Int

    var text: String {
        let n = statistics.count
        guard n > 0 else { return "toys: \(diverged) (all diverged)" }
        let mean = statistics.reduce(0, +) / Double(n)
        let variance = n > 1 ? statistics.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1) : 0
        let sorted = statistics.sorted()
        let median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
        let chi2 = ChiSquared(degreesOfFreedom: Double(dof))
        return """
        toys: \(n + diverged) (\(diverged) diverged)
        mean t: \(String(format: "%.3f", mean)) ± \(String(format: "%.3f", (variance / Double(n)).squareRoot())) (χ²_\(dof) mean: \(dof))
        median t: \(String(format: "%.3f", median)) (median p under χ²_\(dof): \(String(format: "%.3g", chi2.survival(median))))
        """
    }
}
