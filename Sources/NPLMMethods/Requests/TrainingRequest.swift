import NPLMCore
import NPLMEngines

/// The training options of every command that trains a network (`fit`, `permute`, `toys`,
/// `calibrate`, …) as a front end takes them — the command line's flags, the C interface's (and
/// so Python's) keywords — with their defaults, their checks and what they make, in one place.
public struct TrainingRequest: Sendable, Equatable {
    public static let defaultArchitecture = "1,4,1"
    public static let defaultEpochs = 300_000

    /// Layer widths, input first, output (1) last, as "1,4,1".
    public var architecture = Self.defaultArchitecture
    public var epochs = Self.defaultEpochs
    /// W of the weight clipping [−W, W] (none when nil).
    public var clip: Double?
    public var clipBiases = false
    public var historyEvery = 0
    public var learningRate = Adam().learningRate
    public var beta1 = Adam().beta1
    public var beta2 = Adam().beta2
    public var epsilon = Adam().epsilon
    public var backend = BackendKind.auto
    public var threads: Int?
    public var device: Int?

    public init() {}

    /// Refuses options no training can use, naming them.
    public func validate() throws {
        try trainingOptions.validate()
        if clipBiases && clip == nil { throw NPLMError.invalidArgument("\(Parameter.clipBiases) needs \(Parameter.clip) W") }
        if let threads, threads < 1 { throw NPLMError.invalidArgument("\(Parameter.threads) must be at least 1, got \(threads)") }
        _ = try parsedArchitecture()
    }

    public func parsedArchitecture() throws -> Architecture {
        do { return try Architecture(parsing: architecture) } catch { throw NPLMError.invalidArgument("\(Parameter.architecture): \(error)") }
    }

    public var trainingOptions: TrainingOptions {
        TrainingOptions(epochs: epochs, historyEvery: historyEvery,
                        optimizer: Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon),
                        clipping: clip.map { WeightClipping(bound: $0, includeBiases: clipBiases) })
    }

    public var backendRequest: BackendRequest { BackendRequest(kind: backend, threads: threads, device: device) }

    /// The network's options given with values other than their defaults: the kernel model does
    /// not use them (a kernel campaign would only hash them).
    public var networkOptionsGiven: [Parameter] {
        let defaults = TrainingRequest()
        return [(Parameter.architecture, (try? parsedArchitecture()) != (try? defaults.parsedArchitecture())),
                (.epochs, epochs != defaults.epochs), (.clip, clip != nil), (.clipBiases, clipBiases),
                (.historyEvery, historyEvery != defaults.historyEvery), (.learningRate, learningRate != defaults.learningRate),
                (.beta1, beta1 != defaults.beta1), (.beta2, beta2 != defaults.beta2), (.epsilon, epsilon != defaults.epsilon)]
            .filter(\.1).map(\.0)
    }

    /// Refuses the network's options with the kernel model, naming them (`campaign`: they would
    /// change a campaign's hash).
    public func refuseWithKernel(campaign: Bool) throws {
        let given = networkOptionsGiven
        guard !given.isEmpty else { return }
        let one = given.count == 1
        var names: ErrorText = "\(given[0])"
        for parameter in given.dropFirst() { names = names + ", \(parameter)" }
        throw NPLMError.invalidArgument("\(names) train\(one ? "s" : "") the network; \(Parameter.model) kernel does not use \(one ? "it" : "them")\(campaign ? " (\(one ? "it" : "they") would only change the campaign hash)" : ""): leave \(one ? "it" : "them") out")
    }
}
