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

    /// The options as the library takes them (`TrainingRequest`: its checks, its defaults).
    var request: TrainingRequest {
        var request = TrainingRequest()
        request.architecture = architecture
        request.epochs = epochs
        request.clip = clip
        request.clipBiases = clipBiases
        request.historyEvery = historyEvery
        request.learningRate = learningRate
        request.beta1 = beta1
        request.beta2 = beta2
        request.epsilon = epsilon
        request.backend = backend
        request.threads = threads
        request.device = device
        return request
    }

    func validate() throws { try flagged { try request.validate() } }

    func parsedArchitecture() throws -> Architecture { try request.parsedArchitecture() }

    /// Refuses the network's options with `--model kernel`, naming them.
    func refuseWithKernel(campaign: Bool) throws { try flagged { try request.refuseWithKernel(campaign: campaign) } }

    var trainingOptions: TrainingOptions { request.trainingOptions }

    var backendRequest: BackendRequest { request.backendRequest }
}

/// Runs `body`, turning the library's errors into validation errors that name flags (ArgumentParser
/// prints them with the command's usage).
func flagged<Result>(_ body: () throws -> Result) throws -> Result {
    do { return try body() } catch let error as NPLMError { throw ValidationError(ParameterFlags.message(error)) }
}

extension BackendKind: ExpressibleByArgument {}
extension Signal1D: ExpressibleByArgument {
    public init?(argument: String) {
        let match = Signal1D.allCases.first { $0.rawValue.lowercased() == argument.lowercased() }
        guard let match else { return nil }
        self = match
    }
}

/// One line to standard error.
func note(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

extension Preprocessing: ExpressibleByArgument {}
