import Foundation
import NPLMCore
import NPLMData
import NPLMEngines
import NPLMMethods

/// The built-in benchmark of the NPLM preset (`--benchmark`).
public enum ToyBenchmarkKind: String, CaseIterable, Sendable {
    /// The 1-D benchmark e^{−x} with NP1…NP3 (`Benchmark1D`).
    case oneD = "1d"
    /// The correlated Gaussian mixture in d = 4…30 (`GaussianMixtureBenchmark`).
    case gauss
}

/// `nplm toys` as a front end takes it — the command line's options, the C interface's (and
/// Python's) keywords — with the defaults, the checks of how the options go together, and the
/// campaign they make, in one place.
public struct ToyCampaignRequest: Sendable {
    /// Toys 0 ..< toys make the campaign.
    public var toys = 100
    public var seed: UInt64 = 1
    public var preset = CampaignPreset.nplm
    /// N(R₀) (nil: the benchmark's default).
    public var expected: Double?
    /// N_R (nil: the benchmark's default).
    public var referenceSize: Int?
    public var sizeA: Double?
    public var sizeB: Double?
    public var statistic: TwoSampleStatistic?
    public var benchmark = ToyBenchmarkKind.oneD
    public var dimension: Int?
    public var signal = ToySignal.none
    public var signalStrength: Double?
    public var signalEvents: Double?
    /// "scale", "norm" or "scale,norm".
    public var nuisances: String?
    public var nuisanceSigma = "\(Benchmark1D.defaultNuisanceSigma)"
    public var nuisanceTruth: String?
    public var shapeOrder: Int?
    public var deltaModel: String?
    public var batch = 64
    /// "i/n".
    public var shard: String?
    public var output: String?
    /// The 1-D background truncated to x < truncate (`Benchmark1D.truncation`).
    public var truncate: Double?
    public var model = ModelFamily.network
    public var referenceSample = ReferenceSample.campaign
    /// A folder for the toys' samples (`ToySampleFiles`), written instead of training them.
    public var writeSamples: String?
    /// Null toys of this reference sample (`UserSampleToys`) instead of a built-in benchmark: every
    /// toy against it, its data Poisson(N(R₀)) events drawn from `pool` (default: the reference).
    public var reference: SampleSource?
    /// Per-event weights of `reference` (their sum is N(R₀)).
    public var referenceWeights: SampleSource?
    public var pool: SampleSource?
    /// Per-event weights of `pool`, which its events are drawn in proportion to.
    public var poolWeights: SampleSource?
    public var training = TrainingRequest()
    public var kernel = KernelRequest()

    public init() {}

    /// Refuses options that do not go together or are out of range, naming them, before any work.
    public func validate() throws {
        try training.validate()
        _ = try kernel.options()
        if model == .kernel {
            if preset != .nplm { throw NPLMError.invalidArgument("\(Parameter.model) kernel needs \(Parameter.preset) nplm") }
            if nuisances != nil { throw NPLMError.invalidArgument("\(Parameter.nuisances) is not supported with \(Parameter.model) kernel yet") }
        } else if kernel.anyGiven {
            throw NPLMError.invalidArgument(KernelOptions.belongToKernelModel())
        }
        guard toys >= 1 else { throw NPLMError.invalidArgument("\(Parameter.toys) must be at least 1, got \(toys)") }
        guard toys <= Int(UInt32.max) else { throw NPLMError.invalidArgument("\(Parameter.toys) must be below 2^32") }
        for (value, parameter) in [(expected, Parameter.expected), (referenceSize.map(Double.init), .referenceSize),
                                   (sizeA, .sizeA), (sizeB, .sizeB), (signalEvents, .signalEvents)] {
            if let value { try SampleSize.check(value, parameter: parameter, allowZero: parameter == .signalEvents) }
        }
        if let expected { try SampleSize.checkExpected(expected, parameter: .expected) }
        if signalEvents != nil && signal == .none {
            throw NPLMError.invalidArgument("\(Parameter.signalEvents) sets N_S of a \(Parameter.signal) (NP1, NP2 or NP3): give a \(Parameter.signal), or leave \(Parameter.signalEvents) out")
        }
        guard batch >= 1 else { throw NPLMError.invalidArgument("\(Parameter.batch) must be at least 1, got \(batch)") }
        if let shard {
            let parsed = try Shard(parsing: shard)
            guard parsed.index < toys else {
                throw NPLMError.invalidArgument("\(Parameter.shard) \(shard): with \(Parameter.toys) \(toys) this shard holds no toy (shard i of n trains toys i, i + n, …): use i < \(min(toys, parsed.count)) or raise \(Parameter.toys)")
            }
        }
        if reference == nil { try validateBenchmark(try training.parsedArchitecture()) }
        if model == .kernel { try training.refuseWithKernel(campaign: true) }
        if nuisances == nil && (nuisanceTruth != nil || shapeOrder != nil || deltaModel != nil) {
            throw NPLMError.invalidArgument("\(Parameter.nuisanceTruth), \(Parameter.shapeOrder) and \(Parameter.deltaModel) need \(Parameter.nuisances)")
        }
        if nuisances != nil && preset != .nplm { throw NPLMError.invalidArgument("\(Parameter.nuisances) belongs to \(Parameter.preset) nplm") }
        if let truncate {
            guard truncate > 0 && truncate.isFinite else {
                throw NPLMError.invalidArgument("\(Parameter.truncate) must be a positive number (the background's upper end on x), got \(truncate)")
            }
            guard preset == .nplm, benchmark == .oneD, nuisances == nil else {
                throw NPLMError.invalidArgument("\(Parameter.truncate) truncates the 1-D benchmark's background of \(Parameter.preset) nplm, without \(Parameter.nuisances)")
            }
        }
        try UserSampleToys.checkSources(reference: reference, referenceWeights: referenceWeights, pool: pool, poolWeights: poolWeights,
                                        expected: expected)
        if reference != nil {
            try UserSampleToys.refuseBenchmarkOptions([
                (.signal, signal != .none), (.signalEvents, signalEvents != nil), (.referenceSize, referenceSize != nil),
                (.benchmark, benchmark != .oneD), (.dimension, dimension != nil), (.nuisances, nuisances != nil),
                (.truncate, truncate != nil), (.preset, preset != .nplm), (.referenceSample, referenceSample != .campaign),
            ])
        }
        if writeSamples != nil, output != nil {
            throw NPLMError.invalidArgument("\(Parameter.writeSamples) writes the toys' samples instead of training them: leave out \(Parameter.output), or run the campaign without \(Parameter.writeSamples)")
        }
        switch preset {
        case .nplm:
            if sizeA != nil || sizeB != nil || statistic != nil {
                throw NPLMError.invalidArgument("\(Parameter.sizeA), \(Parameter.sizeB) and \(Parameter.statistic) belong to \(Parameter.preset) symmetric")
            }
        case .symmetric:
            if expected != nil || referenceSize != nil {
                throw NPLMError.invalidArgument("\(Parameter.expected) and \(Parameter.referenceSize) belong to \(Parameter.preset) nplm; use \(Parameter.sizeA) and \(Parameter.sizeB)")
            }
            guard sizeA != nil, sizeB != nil else {
                throw NPLMError.invalidArgument("\(Parameter.preset) symmetric needs \(Parameter.sizeA) and \(Parameter.sizeB)")
            }
        }
    }

    /// The checks of the benchmark and its options, with the architecture's input width.
    func validateBenchmark(_ architecture: Architecture) throws {
        switch benchmark {
        case .oneD:
            if dimension != nil || signalStrength != nil {
                throw NPLMError.invalidArgument("\(Parameter.dimension) and \(Parameter.signalStrength) belong to \(Parameter.benchmark) gauss")
            }
            if case .mixture(let kind) = signal {
                throw NPLMError.invalidArgument("\(Parameter.signal) \(kind.rawValue) belongs to \(Parameter.benchmark) gauss; the 1-D benchmark's signals are NP1, NP2 and NP3")
            }
            try Benchmark1D.check(architecture)
        case .gauss:
            if preset != .nplm { throw NPLMError.invalidArgument("\(Parameter.benchmark) gauss needs \(Parameter.preset) nplm") }
            if model != .network { throw NPLMError.invalidArgument("\(Parameter.benchmark) gauss trains networks only (no \(Parameter.model) kernel yet)") }
            if nuisances != nil { throw NPLMError.invalidArgument("\(Parameter.nuisances) belongs to the 1-D benchmark, not \(Parameter.benchmark) gauss") }
            if signalEvents != nil {
                throw NPLMError.invalidArgument("\(Parameter.signalEvents) belongs to the 1-D benchmark; \(Parameter.benchmark) gauss sets its signal with \(Parameter.signalStrength)")
            }
            guard let kind = signal.mixture else {
                throw NPLMError.invalidArgument("\(Parameter.signal) \(signal) belongs to the 1-D benchmark; \(Parameter.benchmark) gauss has shift, widen and correlate")
            }
            if kind == .none && signalStrength != nil {
                throw NPLMError.invalidArgument("\(Parameter.signalStrength) needs \(Parameter.signal) shift, widen or correlate")
            }
            _ = try mixtureBenchmark(architecture)
        }
    }

    /// The Gaussian-mixture benchmark: d = `dimension` (default: the architecture's input width),
    /// the library's default N(R₀) and N_R unless given.
    func mixtureBenchmark(_ architecture: Architecture) throws -> GaussianMixtureBenchmark {
        try GaussianMixtureBenchmark.forNetwork(architecture, dimension: dimension,
                                                expected: expected ?? GaussianMixtureBenchmark.defaultExpectedBackground,
                                                referenceSize: referenceSize ?? GaussianMixtureBenchmark.defaultReferenceSize,
                                                signal: signal.mixture ?? .none, strength: signalStrength)
    }

    /// The campaign's configuration (its hash identifies the campaign's files).
    public func configuration() throws -> CampaignConfiguration {
        var configuration = try testConfiguration()
        configuration.referenceSample = referenceSample
        return configuration
    }

    private func testConfiguration() throws -> CampaignConfiguration {
        let architecture = try training.parsedArchitecture()
        let options = training.trainingOptions
        if let reference {
            // The kernel model takes any number of features; the network its first layer's.
            let toys = try UserSampleToys.load(reference: reference, referenceWeights: referenceWeights, pool: pool, poolWeights: poolWeights,
                                               expected: expected, architecture: model == .kernel ? nil : architecture,
                                               network: "\(Parameter.architecture) \(training.architecture)")
            let fitted: NPLMModel = model == .kernel ? .kernel(try kernel.options()) : .network
            return CampaignConfiguration(seed: seed, architecture: architecture, training: options, test: .nplm(.userSample(toys, fitted)))
        }
        if benchmark == .gauss {
            // Without a clipping the architectures of D'Agnolo et al., Imperfect Machine, Table 3
            // take theirs (`WeightClipping.imperfectMachine5D`).
            return CampaignConfiguration(seed: seed, architecture: architecture,
                                         training: options.withImperfectMachine5DClipping(for: architecture),
                                         mixture: try mixtureBenchmark(architecture))
        }
        // Without a signal N_S changes nothing: left out of the configuration (and its hash).
        let oneD = signal.oneD
        let signalEvents = oneD == .none ? nil : self.signalEvents
        switch preset {
        case .nplm:
            var benchmark = Benchmark1D(expectedBackground: expected ?? Benchmark1D.defaultExpectedBackground,
                                        referenceSize: referenceSize ?? Benchmark1D.defaultReferenceSize,
                                        signal: oneD, signalEvents: signalEvents, truncation: truncate)
            if model == .kernel {
                return CampaignConfiguration(seed: seed, architecture: architecture, training: options,
                                             benchmark: benchmark, kernel: try kernel.options())
            }
            var settings: NuisanceSettings?
            if let nuisances {
                let parsed = try NuisanceSettings.parse(names: nuisances, sigmas: nuisanceSigma, order: shapeOrder, deltaModel: deltaModel)
                try benchmark.setNuisanceTruth(try parsed.values(nuisanceTruth ?? "0", parameter: .nuisanceTruth), settings: parsed)
                settings = parsed
            }
            return CampaignConfiguration(seed: seed, architecture: architecture, training: options, benchmark: benchmark, nuisances: settings)
        case .symmetric:
            let samples = SymmetricToys(expectedA: sizeA ?? 0, expectedB: sizeB ?? 0, signal: oneD, signalEvents: signalEvents)
            return CampaignConfiguration(seed: seed, architecture: architecture, training: options,
                                         samples: samples, statistic: statistic ?? .symmetrized)
        }
    }

    /// Writes the samples of the shard's toys into `writeSamples` (`ToySampleFiles`) and returns
    /// the paths written; nothing is trained.
    public func writeToySamples(notice: (String) -> Void = { _ in }) throws -> [String] {
        try validate()
        guard let writeSamples else { throw NPLMError.invalidArgument("\(Parameter.writeSamples) names the folder for the toys' samples") }
        let toys = (try shard.map(Shard.init(parsing:)) ?? .whole).toys(total: self.toys)
        return try ToySampleFiles.write(try configuration(), toys: toys, folder: writeSamples, parameter: .writeSamples, notice: notice)
    }

    /// The run of this campaign: its toys, shard, batch, backend and result file (`run()` it).
    public func campaignRun() throws -> CampaignRun {
        var run = CampaignRun(configuration: try configuration(), toys: toys, shard: try shard.map(Shard.init(parsing:)) ?? .whole,
                              batch: batch, backend: training.backendRequest, output: output)
        run.inputs = [(Parameter.deltaModel, deltaModel), (.reference, reference?.path), (.referenceWeights, referenceWeights?.path),
                      (.pool, pool?.path), (.poolWeights, poolWeights?.path)]
            .compactMap { parameter, path in path.map { (option: "\(parameter)" as ErrorText, path: $0) } }
        return run
    }
}
