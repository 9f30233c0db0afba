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
        do { try trainingOptions.validate() } catch { throw ValidationError(ParameterFlags.message(error)) }
        if clipBiases && clip == nil { throw ValidationError("--clip-biases needs --clip W") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        do { _ = try Architecture(parsing: architecture) } catch { throw ValidationError("--architecture: \(ParameterFlags.message(error))") }
    }

    func parsedArchitecture() throws -> Architecture { try Architecture(parsing: architecture) }

    /// The network's options given with values other than their defaults: the kernel model does
    /// not use them (a kernel campaign would only hash them), so `--model kernel` refuses them.
    var networkOptionsGiven: [String] {
        guard let defaults = try? TrainingOptionGroup.parse([]) else { return [] }
        return [("--architecture", (try? parsedArchitecture()) != (try? defaults.parsedArchitecture())),
                ("--epochs", epochs != defaults.epochs), ("--clip", clip != nil), ("--clip-biases", clipBiases),
                ("--history-every", historyEvery != defaults.historyEvery), ("--learning-rate", learningRate != defaults.learningRate),
                ("--beta1", beta1 != defaults.beta1), ("--beta2", beta2 != defaults.beta2), ("--epsilon", epsilon != defaults.epsilon)]
            .filter(\.1).map(\.0)
    }

    /// Refuses the network's options with `--model kernel`, naming them.
    func refuseWithKernel(campaign: Bool) throws {
        let given = networkOptionsGiven
        guard !given.isEmpty else { return }
        throw ValidationError("\(given.joined(separator: ", ")) train\(given.count == 1 ? "s" : "") the network; --model kernel does not use \(given.count == 1 ? "it" : "them")\(campaign ? " (\(given.count == 1 ? "it" : "they") would only change the campaign hash)" : ""): leave \(given.count == 1 ? "it" : "them") out")
    }

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

/// The largest sample an option may ask for (`SampleSize.largest`).
let largestSample = SampleSize.largest

/// Rejects a sample-size option that is not finite, not positive (or zero when `allowZero`) or
/// beyond `SampleSize.largest`, as a validation error.
func checkSampleSize(_ value: Double, parameter: Parameter, allowZero: Bool = false) throws {
    do { try SampleSize.check(value, parameter: parameter, allowZero: allowZero) } catch { throw ValidationError(ParameterFlags.message(error)) }
}

/// Rejects an expected count N(R0) outside [1e-6, 1e8] (`SampleSize.checkExpected`) as a validation error.
func checkExpectedEvents(_ value: Double, parameter: Parameter = .expected) throws {
    do { try SampleSize.checkExpected(value, parameter: parameter) } catch { throw ValidationError(ParameterFlags.message(error)) }
}

/// One line to standard error.
func note(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

extension Preprocessing: ExpressibleByArgument {}
