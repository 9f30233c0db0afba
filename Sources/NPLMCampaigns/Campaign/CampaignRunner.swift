import Foundation
import NPLMCore
import NPLMData
import NPLMEngines
import NPLMMethods

/// Trains the toys of a campaign, a batch at a time, and turns each toy into a `FitRecord`: the
/// networks (with or without nuisances, NPLM or two-sample) and the kernel model alike, on the
/// engine the one device policy chooses (`BackendFactory`).
///
/// A toy's record depends only on the configuration and the toy index: the data come from the
/// (seed, toy) streams, the reference sample from (seed, 0) or (seed, toy) (`ReferenceSample`), the
/// initial networks from (seed, toy, initialization), and every backend trains the fits of a
/// batch independently of one another. So any split into batches and shards gives the same records.
public final class CampaignRunner {
    public let configuration: CampaignConfiguration
    public let backend: BackendRequest
    let notice: (String) -> Void
    private var noticeGiven = false
    /// The NPLM preset's campaign reference sample and weights, drawn once and shared by every batch
    /// (the toys' own samples of `ReferenceSample.toy` are drawn with their data).
    lazy var reference: (events: EventSet, weights: [Float])? = {
        guard let benchmark = configuration.toyBenchmark else { return nil }
        let events = benchmark.reference(seed: configuration.seed)
        return (events, benchmark.referenceWeights)
    }()

    /// The kernel model's tester and widths, set up once per campaign (`CampaignRunner+Kernel.swift`).
    var kernelSetup: (tester: KernelTester, widths: [Double])?

    public init(configuration: CampaignConfiguration, backend: BackendRequest, notice: @escaping (String) -> Void = { _ in }) {
        self.configuration = configuration
        self.backend = backend
        self.notice = notice
    }

    /// The name of the backend used last (empty before the first batch).
    public private(set) var backendName = ""

    /// Trains `toys` as one batch and returns their records in the same order, stamped with the
    /// campaign hash and `shard`. `progress` receives the fraction of the batch's epochs done.
    public func train(toys: [Int], shard: Shard, progress: ((Double) -> Void)? = nil) throws -> [FitRecord] {
        guard !toys.isEmpty else { return [] }
        var records: [FitRecord]
        switch configuration.test {
        case .nplm(.oneD(let benchmark, .kernel(let options))):
            records = try trainKernel(benchmark, options: options, toys: toys, progress: progress)
        case .nplm(.userSample(let benchmark, .kernel(let options))):
            records = try trainKernel(benchmark, options: options, toys: toys, progress: progress)
        case .nplm(.oneD(let benchmark, .networkWithNuisances(let settings))):
            records = try trainNuisance(benchmark, settings: settings, toys: toys, progress: progress)
        case .nplm(let benchmark):
            records = try trainNPLM(benchmark.toys, toys: toys, progress: progress)
        case .twoSample(let samples, let statistic):
            records = try trainSymmetric(samples, statistic: statistic, toys: toys, progress: progress)
        }
        let hash = configuration.hash
        for k in records.indices {
            records[k].campaign = hash
            records[k].shard = shard.description
            records[k].configuration = configuration
        }
        return records
    }

    /// The engine's choice is announced once per campaign, not once per batch: `notice` the first
    /// time, nothing after. `name` is the engine's name for the progress line.
    func announcing<Built>(_ name: (Built) -> String, _ make: ((String) -> Void) throws -> Built) throws -> Built {
        let built = try make(noticeGiven ? { _ in } : notice)
        noticeGiven = true
        backendName = name(built)
        return built
    }

    private func makeBackend(_ batch: FitBatch) throws -> TrainingBackend {
        try announcing(\.name) { try BackendFactory.make(backend, batch: batch, clipping: configuration.training.clipping, notice: $0) }
    }

    private func trainOutcomes(_ batch: FitBatch, initial: [Double], progress: ((Double) -> Void)?) throws -> [FitOutcome] {
        let options = configuration.training
        let backend = try makeBackend(batch)
        return try Trainer.train(backend: backend, initialParameters: initial, options: options,
                                 progress: progress.map { report in { epoch in report(Double(epoch) / Double(options.epochs)) } })
    }

    private func trainNPLM(_ benchmark: NPLMToyBenchmark, toys: [Int], progress: ((Double) -> Void)?) throws -> [FitRecord] {
        let toyBatch: NPLMToyBatch
        if configuration.referenceSample == .toy {
            toyBatch = benchmark.batch(architecture: configuration.architecture, seed: configuration.seed, toys: toys, sample: .toy)
        } else {
            guard let reference else { preconditionFailure("NPLM preset without a benchmark") }
            toyBatch = benchmark.batch(architecture: configuration.architecture, reference: reference.events,
                                       referenceWeights: reference.weights, seed: configuration.seed, toys: toys)
        }
        let outcomes = try trainOutcomes(toyBatch.batch, initial: toyBatch.initialParameters, progress: progress)
        return toys.indices.map { j in
            let sample = toyBatch.samples[j]
            return FitRecord(outcome: outcomes[j], dof: configuration.degreesOfFreedom, epochs: configuration.training.epochs,
                             dataEvents: sample.events.count, referenceEvents: benchmark.referenceSize, toy: toys[j],
                             seed: configuration.seed, backgroundEvents: sample.background,
                             // The mixture's signal is a changed density: no event is a signal event.
                             signalEvents: configuration.mixture == nil ? sample.signal : nil)
        }
    }

    /// The nuisance model and the reference's offset basis, made once per campaign.
    private var nuisanceSetup: (model: NuisanceModel, referenceBasis: [[Float]])?

    /// The toys of a campaign with nuisances: data from R_ν*, ν̂ drawn per toy, τ and Δ of each toy
    /// in one batch, t = τ − Δ.
    private func trainNuisance(_ benchmark: Benchmark1D, settings: NuisanceSettings, toys: [Int],
                               progress: ((Double) -> Void)?) throws -> [FitRecord] {
        guard let reference else { preconditionFailure("nuisance campaign without a benchmark") }
        if nuisanceSetup == nil {
            let model = try settings.model()
            nuisanceSetup = (model, try model.basis(for: reference.events, source: "the reference sample"))
        }
        guard let (model, referenceBasis) = nuisanceSetup else { preconditionFailure() }
        let architecture = configuration.architecture, seed = configuration.seed
        let truth = settings.truth(of: benchmark)
        let samples = toys.map { benchmark.data(seed: seed, toy: UInt32($0)) }
        let centrals = toys.map { settings.centralValues(truth: truth, seed: seed, toy: UInt32($0)) }
        let options = configuration.training
        let batch = try NuisanceTest.batch(architecture: architecture, model: model, reference: reference.events,
                                           referenceWeights: reference.weights, referenceBasis: referenceBasis,
                                           data: samples.map(\.events), dataSource: { "the data of toy \(toys[$0])" })
        let backend = try announcing(\.name) {
            try NuisanceTest.backend(self.backend, batch: batch, model: model, centrals: centrals, clipping: options.clipping, notice: $0)
        }
        let networks = toys.map { architecture.initialParameters(seed: seed, toy: UInt32($0)) }
        let fits = try Trainer.train(backend: backend, initialParameters: NuisanceTest.initialParameters(networks: networks, model: model),
                                     options: options,
                                     progress: progress.map { report in { epoch in report(Double(epoch) / Double(options.epochs)) } })
        let tests = NuisanceTest.outcomes(fits, model: model, centrals: centrals, parameterCount: architecture.parameterCount)
        return toys.indices.map { j in
            var record = FitRecord(outcome: tests[j].combined, dof: configuration.degreesOfFreedom, epochs: options.epochs,
                                   dataEvents: samples[j].events.count, referenceEvents: reference.events.count, toy: toys[j],
                                   seed: seed, backgroundEvents: samples[j].background, signalEvents: samples[j].signal)
            record.nuisances = tests[j].record(model: model, truth: truth)
            return record
        }
    }

    private func trainSymmetric(_ toyMaker: SymmetricToys, statistic: TwoSampleStatistic, toys: [Int],
                                progress: ((Double) -> Void)?) throws -> [FitRecord] {
        let architecture = configuration.architecture
        let samples = toys.map { toyMaker.samples(seed: configuration.seed, toy: UInt32($0)) }
        // Both fits of every test (f and g, or the one cross-entropy fit) in the same batch.
        let batch = TwoSampleTest.batch(architecture: architecture, pairs: samples.map { ($0.a, $0.b) }, statistic: statistic)
        let initial = toys.flatMap {
            TwoSampleTest.initialParameters(architecture: architecture, seed: configuration.seed, pairs: $0..<($0 + 1),
                                              statistic: statistic)
        }
        let fits = try trainOutcomes(batch, initial: initial, progress: progress)
        let tests = TwoSampleTest.outcomes(fits, statistic: statistic)
        return toys.indices.map { j in
            let test = tests[j]
            var record = FitRecord(outcome: Self.combined(test), dof: configuration.degreesOfFreedom,
                                   epochs: configuration.training.epochs, aEvents: samples[j].a.count,
                                   bEvents: samples[j].b.count, toy: toys[j], seed: configuration.seed,
                                   backgroundEvents: samples[j].a.count - samples[j].signal, signalEvents: samples[j].signal)
            record.components = test.fits.map(\.t)
            return record
        }
    }

    /// One outcome for a two-sample test: t = Σ t_fit, the loss history summed over the fits
    /// (so −2 × it is t at each checkpoint), diverged at the first fit's divergence, and the
    /// parameters of the fits one after the other.
    static func combined(_ test: TwoSampleTest.Outcome) -> FitOutcome {
        let first = test.fits[0]
        let history = first.history.indices.map { k in
            HistoryPoint(epoch: first.history[k].epoch, loss: test.fits.reduce(0) { $0 + $1.history[k].loss })
        }
        let divergedAt = test.fits.compactMap(\.divergedAt).min()
        let loss = test.fits.reduce(0) { $0 + $1.finalLoss }
        return FitOutcome(t: divergedAt == nil ? test.t : .infinity, finalLoss: divergedAt == nil ? loss : .nan,
                          history: history, divergedAt: divergedAt,
                          initialParameters: test.fits.flatMap(\.initialParameters),
                          finalParameters: test.fits.flatMap(\.finalParameters))
    }
}
