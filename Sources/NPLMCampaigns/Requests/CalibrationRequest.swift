import Foundation
import NPLMCore
import NPLMData
import NPLMMethods

/// `nplm calibrate` as a front end takes it — the command line's options, the C interface's (and
/// Python's) keywords — with the defaults, the checks and the calibration they make, in one place.
public struct CalibrationRequest: Sendable {
    public var benchmark = ToyBenchmarkKind.oneD
    public var dimension: Int?
    public var seed: UInt64 = 1
    /// N(R₀) (nil: the benchmark's default; with `reference`, required unless `referenceWeights`).
    public var expected: Double?
    /// N_R (nil: the benchmark's default).
    public var referenceSize: Int?
    /// The bracket's start [low, high] for W.
    public var low = 1.0
    public var high = 100.0
    public var rootToys = 20
    public var rootSteps = 4
    /// The toy counts of the KS scans, increasing, comma-separated ("40,100").
    public var toys = "40,100"
    public var points = 5
    public var batch = 64
    public var calibrateBiases = false
    /// One reference sample for every null toy, or one per toy (`ReferenceSample`).
    public var referenceSample = ReferenceSample.campaign
    /// Null toys of this reference sample (`UserSampleToys`) instead of a built-in benchmark, as
    /// `ToyCampaignRequest`'s: the clipping calibrated for fits against these very events.
    public var reference: SampleSource?
    /// Per-event weights of `reference` (their sum is N(R₀)).
    public var referenceWeights: SampleSource?
    /// Events the toys' data are drawn from (nil: the reference).
    public var pool: SampleSource?
    /// Per-event weights of `pool`, which its events are drawn in proportion to.
    public var poolWeights: SampleSource?
    public var training = TrainingRequest()

    public init() {}

    /// The toy counts of the KS scans.
    public func scanCounts() throws -> [Int] {
        let counts = toys.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 2 }), zip(counts, counts.dropFirst()).allSatisfy({ $0! < $1! }) else {
            throw NPLMError.invalidArgument("\(Parameter.toys) '\(toys)': expected increasing toy counts of at least 2, such as 40,100")
        }
        return counts.map { $0! }
    }

    /// Refuses options that do not go together or are out of range, naming them, before any work.
    public func validate() throws {
        try training.validate()
        guard training.clip == nil else { throw NPLMError.invalidArgument("\(Parameter.clip): nplm calibrate chooses W itself; leave \(Parameter.clip) out") }
        guard low > 0, high > low, high.isFinite else {
            throw NPLMError.invalidArgument("\(Parameter.low) and \(Parameter.high) need 0 < low < high, got \(low) and \(high)")
        }
        guard rootToys >= 2 else { throw NPLMError.invalidArgument("\(Parameter.rootToys) must be at least 2, got \(rootToys)") }
        guard rootSteps >= 0 else { throw NPLMError.invalidArgument("\(Parameter.rootSteps) must be 0 or positive, got \(rootSteps)") }
        guard points >= 2 else { throw NPLMError.invalidArgument("\(Parameter.points) must be at least 2, got \(points)") }
        guard batch >= 1 else { throw NPLMError.invalidArgument("\(Parameter.batch) must be at least 1, got \(batch)") }
        if let expected { try SampleSize.checkExpected(expected, parameter: .expected) }
        try UserSampleToys.checkSources(reference: reference, referenceWeights: referenceWeights, pool: pool, poolWeights: poolWeights,
                                        expected: expected)
        if reference != nil {
            try UserSampleToys.refuseBenchmarkOptions([(.referenceSize, referenceSize != nil), (.benchmark, benchmark != .oneD),
                                                       (.dimension, dimension != nil), (.referenceSample, referenceSample != .campaign)])
        }
        if let referenceSize { try SampleSize.check(Double(referenceSize), parameter: .referenceSize) }
        _ = try scanCounts()
        // A user's reference is read once, by `run` (its events checked there).
        if reference == nil { _ = try baseConfiguration() }
    }

    /// The null campaign whose clipping is calibrated (its own clipping is replaced at every W).
    public func baseConfiguration() throws -> CampaignConfiguration {
        var configuration = try benchmarkConfiguration()
        configuration.referenceSample = referenceSample
        return configuration
    }

    private func benchmarkConfiguration() throws -> CampaignConfiguration {
        let architecture = try training.parsedArchitecture()
        if let reference {
            let toys = try UserSampleToys.load(reference: reference, referenceWeights: referenceWeights, pool: pool, poolWeights: poolWeights,
                                               expected: expected, architecture: architecture, network: "\(Parameter.architecture) \(training.architecture)")
            return CampaignConfiguration(seed: seed, architecture: architecture, training: training.trainingOptions,
                                         test: .nplm(.userSample(toys, .network)))
        }
        let expected = self.expected ?? Benchmark1D.defaultExpectedBackground
        switch benchmark {
        case .oneD:
            if dimension != nil { throw NPLMError.invalidArgument("\(Parameter.dimension) belongs to \(Parameter.benchmark) gauss") }
            try Benchmark1D.check(architecture)
            return CampaignConfiguration(seed: seed, architecture: architecture, training: training.trainingOptions,
                                         benchmark: Benchmark1D(expectedBackground: expected,
                                                                referenceSize: referenceSize ?? Benchmark1D.defaultReferenceSize))
        case .gauss:
            // d = dimension (default: the architecture's input width), the library's default N_R unless given.
            let mixture = try GaussianMixtureBenchmark.forNetwork(architecture, dimension: dimension, expected: expected,
                                                                  referenceSize: referenceSize ?? GaussianMixtureBenchmark.defaultReferenceSize)
            return CampaignConfiguration(seed: seed, architecture: architecture, training: training.trainingOptions, mixture: mixture)
        }
    }

    /// Runs the calibration; `log` receives its progress lines.
    public func run(log: @escaping (String) -> Void) throws -> ClippingCalibration.Result {
        let calibration = ClippingCalibration(base: try baseConfiguration(), clipBiases: calibrateBiases, backend: training.backendRequest,
                                              batch: batch, log: log)
        return try calibration.run(low: low, high: high, rootToys: rootToys, rootSteps: rootSteps, scanToys: try scanCounts(), points: points)
    }
}
