import Foundation
import NPLMCore
import NPLMData

/// A built-in nuisance with known samples (and an exact log-ratio).
public enum BuiltinNuisance: String, CaseIterable, Sendable {
    /// The 1-D benchmark's scale nuisance x → e^ν·x on b₀(x) = e^{−x} (`ScaleNuisance1D`).
    case scale
}

/// Where the samples S₀(ν_i) ~ R_{ν_i} and S₁(ν_i) ~ R₀ of a shape nuisance come from (`nplm
/// nuisance train` and `check`): the user's files at the points ν_i, or a built-in nuisance.
public struct ShapeSamplesRequest: Sendable {
    /// The points ν_i, comma-separated, in ± pairs.
    public var points: String?
    public var builtin: BuiltinNuisance?
    /// Built-in nuisance: events in every sample S₀ and S₁.
    public var events = 20_000
    /// S₀(ν_i): one file per point, in the order of `points`.
    public var varied: [String] = []
    /// S₁: one file shared by every point, or one per point.
    public var central: [String] = []
    public var variedWeights: [String] = []
    public var centralWeights: [String] = []
    /// Uniform weights of a sample without a weight file sum to this (default: the size of the point's S₁).
    public var expected: Double?

    public init() {}

    /// The points (nil when not given), checked (`ShapeTrainingData.checkPoints`).
    public func parsedPoints() throws -> [Double]? {
        guard let points else { return nil }
        var nus: [Double] = []
        for part in points.split(separator: ",", omittingEmptySubsequences: false) {
            guard let nu = Double(part.trimmingCharacters(in: .whitespaces)) else {
                throw NPLMError.invalidArgument("\(Parameter.points) '\(points)' is not a comma-separated list of numbers such as 0.15,-0.15,0.3,-0.3")
            }
            nus.append(nu)
        }
        do { try ShapeTrainingData.checkPoints(nus) } catch { throw NPLMError.invalidArgument("\(Parameter.points): \(error)") }
        return nus
    }

    /// The samples at `nus`; the built-in nuisance draws them from `seed`.
    public func load(nus: [Double], seed: UInt64) throws -> ShapeTrainingData {
        if let expected { try SampleSize.checkExpected(expected, parameter: .expected) }
        if let builtin {
            guard varied.isEmpty, central.isEmpty, variedWeights.isEmpty, centralWeights.isEmpty else {
                throw NPLMError.invalidArgument("\(Parameter.builtin) \(builtin.rawValue) draws its own samples: give either \(Parameter.builtin) or \(Parameter.varied)/\(Parameter.central) files, not both")
            }
            guard events >= 1, Double(events) <= SampleSize.largest else {
                throw NPLMError.invalidArgument("\(Parameter.events) must be 1 to 1e8, got \(events)")
            }
            // S₀ and S₁ of every point, with their weights, values and coefficients (generously 48 B an event).
            try MemoryLimit.check(2 * Double(nus.count) * Double(events) * 48, for: "the built-in samples (2 × \(nus.count) points × \(events) events)",
                                  label: "\(Parameter.events) \(events)", advice: "use fewer \(Parameter.events) or \(Parameter.points)")
            switch builtin {
            case .scale: return try ScaleNuisance1D.samples(nus: nus, events: events, expected: expected, seed: seed)
            }
        }
        guard !varied.isEmpty, !central.isEmpty else {
            throw NPLMError.invalidArgument("give the samples: \(Parameter.varied) FILE per point and \(Parameter.central) FILE (or \(Parameter.builtin) scale)")
        }
        return try ShapeTrainingData.load(nus: nus, varied: varied, central: central,
                                          variedWeights: variedWeights.isEmpty ? nil : variedWeights,
                                          centralWeights: centralWeights.isEmpty ? nil : centralWeights, expected: expected)
    }

    /// Every input file with its option, which no output may be.
    public var inputFiles: [(option: ErrorText, path: String)] {
        varied.map { ("\(Parameter.varied)", $0) } + central.map { ("\(Parameter.central)", $0) }
            + variedWeights.map { ("\(Parameter.variedWeights)", $0) } + centralWeights.map { ("\(Parameter.centralWeights)", $0) }
    }

    /// The sample files in the order a model file records them.
    public var files: [String]? { builtin == nil ? varied + central : nil }
}

/// `nplm nuisance train`: the coefficient networks δ̂_1 … δ̂_order of a shape nuisance (d'Agnolo
/// et al., "Learning new physics from an imperfect machine", eq. 17), with its checks.
public struct NuisanceTrainRequest: Sendable {
    public var samples = ShapeSamplesRequest()
    public var order = 2
    public var architecture = "1,4,1"
    public var epochs = 4000
    public var learningRate = 0.01
    public var clip: Double?
    public var clipBiases = false
    public var historyEvery = 0
    public var seed: UInt64 = 1
    public var threads: Int?
    /// The model file to write (required).
    public var output: String?

    public init() {}

    /// The trained model and what it was trained on.
    public struct Run: Sendable {
        public var model: DeltaModelFile
        public var points: [Double]
        public var architecture: Architecture
    }

    /// Checks the options, the output and the samples, trains and writes the model file.
    /// `progress` receives the epoch every tenth of the training.
    public func run(progress: @escaping (Int) -> Void = { _ in }) throws -> Run {
        guard let nus = try samples.parsedPoints() else {
            throw NPLMError.invalidArgument("\(Parameter.points) is required: the nuisance points in +/- pairs, e.g. \(Parameter.points) 0.15,-0.15,0.3,-0.3")
        }
        guard let output else { throw NPLMError.invalidArgument("Missing expected argument '\(Parameter.output) <output>'") }
        try DeltaNetworks.checkOrder(order)
        try DeltaNetworks.checkOrder(order, points: nus)
        let network: Architecture
        do { network = try Architecture(parsing: architecture) } catch { throw NPLMError.invalidArgument("\(Parameter.architecture): \(error)") }
        let options = TrainingOptions(epochs: epochs, historyEvery: historyEvery, optimizer: Adam(learningRate: learningRate),
                                      clipping: clip.map { WeightClipping(bound: $0, includeBiases: clipBiases) })
        try options.validate()
        if clipBiases && clip == nil { throw NPLMError.invalidArgument("\(Parameter.clipBiases) needs \(Parameter.clip) W") }
        if let threads, threads < 1 { throw NPLMError.invalidArgument("\(Parameter.threads) must be at least 1, got \(threads)") }
        try OutputTarget.refuseAliases(outputs: [try AtomicWrite.checkWritable(output, label: "\(Parameter.output) \(output)")],
                                       inputs: samples.inputFiles)
        if samples.builtin != nil {
            // The built-in samples: S₀ and S₁ of `events` each per point, drawn before training.
            try TrainingMemory.check(architecture: network, fits: order, events: 2 * nus.count * max(samples.events, 0), dimension: 1,
                                     options: options, batchHint: "fewer \(Parameter.events) or \(Parameter.points)")
        }
        let data = try samples.load(nus: nus, seed: seed)
        var reported = 0
        let model = try DeltaTraining.model(
            data: data, architecture: network, order: order, options: options, seed: seed,
            source: samples.builtin.map { "builtin-\($0.rawValue)" } ?? "files", files: samples.files,
            threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
            progress: { epoch in
                if epoch * 10 / epochs > reported {
                    reported = epoch * 10 / epochs
                    progress(epoch)
                }
            })
        try model.write(to: output, label: "\(Parameter.output) \(output)")
        return Run(model: model, points: nus, architecture: network)
    }
}
