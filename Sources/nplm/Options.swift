import ArgumentParser
import Foundation
import NPLM

/// Options of every command that trains.
struct TrainingOptionGroup: ParsableArguments {
    @Option(help: "Network layer widths, input first, output (1) last.")
    var architecture: String = "1,4,1"

    @Option(help: "Full-batch training epochs (Adam steps).")
    var epochs: Int = 300_000

    @Option(help: "Clip weights to [-W, W] after every step (no clipping when absent).")
    var clip: Double?

    @Flag(help: "Clip biases too (the reference Keras package clips weights only).")
    var clipBiases = false

    @Option(help: "Record the loss every K epochs (0: final loss only).")
    var historyEvery: Int = 0

    @Option(help: "Adam learning rate.")
    var learningRate: Double = 1e-3

    @Option(help: "Adam beta1.")
    var beta1: Double = 0.9

    @Option(help: "Adam beta2.")
    var beta2: Double = 0.999

    @Option(help: "Adam epsilon.")
    var epsilon: Double = 1e-7

    @Option(help: "Backend: reference, cpu, opencl or auto.")
    var backend: BackendKind = .auto

    @Option(help: "Worker threads for the CPU backend (default: every core).")
    var threads: Int?

    @Option(help: "OpenCL device index, as `nplm devices` lists them.")
    var device: Int?

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        guard historyEvery >= 0 else { throw ValidationError("--history-every must be 0 or positive, got \(historyEvery)") }
        if let clip, !(clip > 0 && clip.isFinite) {
            throw ValidationError("--clip must be a positive number, got \(clip)")
        }
        if clipBiases && clip == nil { throw ValidationError("--clip-biases needs --clip W") }
        guard learningRate > 0, beta1 >= 0, beta1 < 1, beta2 >= 0, beta2 < 1, epsilon > 0 else {
            throw ValidationError("Adam needs --learning-rate > 0, 0 <= --beta1, --beta2 < 1 and --epsilon > 0")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        do { _ = try Architecture(parsing: architecture) } catch { throw ValidationError("--architecture: \(error)") }
    }

    func parsedArchitecture() throws -> Architecture { try Architecture(parsing: architecture) }

    var trainingOptions: TrainingOptions {
        TrainingOptions(epochs: epochs, historyEvery: historyEvery,
                        optimizer: Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon),
                        clipping: clip.map { WeightClipping(bound: $0, includeBiases: clipBiases) })
    }

    var backendRequest: BackendRequest { BackendRequest(kind: backend, threads: threads, device: device) }
}

extension BackendKind: ExpressibleByArgument {}
extension Signal1D: ExpressibleByArgument {
    public init?(argument: String) {
        let match = Signal1D.allCases.first { $0.rawValue.lowercased() == argument.lowercased() }
        guard let match else { return nil }
        self = match
    }
}

/// The largest sample an option may ask for (expected or actual events): 1e8 events of one
/// feature are 400 MB of float32 plus their coefficients, and an expected count far beyond that
/// is a typo, not a campaign.
let largestSample = 100_000_000.0

/// Rejects a sample-size option beyond `largestSample`.
func checkSampleSize(_ value: Double, option: String) throws {
    guard value <= largestSample else {
        throw ValidationError("\(option) must be at most 1e8 events, got \(value)")
    }
}

/// One line to standard error.
func note(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

extension Preprocessing: ExpressibleByArgument {}
