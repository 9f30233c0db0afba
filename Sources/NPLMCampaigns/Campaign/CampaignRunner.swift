import Foundation
import NPLMCore
import NPLMEngines
import NPLMMethods

/// Trains the toys of a campaign, a batch at a time, and turns each toy into a `FitRecord`.
///
/// A toy's record depends only on the configuration and the toy index: the data come from the
/// (seed, toy) streams, the initial networks from (seed, toy, initialization), and every backend
/// trains the fits of a batch independently of one another. So any split into batches and shards
/// gives the same records.
public final class CampaignRunner {
    public let configuration: CampaignConfiguration
    public let backend: BackendRequest
    private let notice: (String) -> Void
    private var noticeGiven = false
    /// The NPLM preset's reference sample and weights, drawn once and shared by every batch.
    private lazy var reference: (events: EventSet, weights: [Float])? = {
        guard let benchmark = configuration.toyBenchmark else { return nil }
        let events = benchmark.reference(seed: configuration.seed)
        return (events, benchmark.referenceWeights)
    }()

    /// The kernel model's trainer (its engine and widths are set up once per campaign).
    private lazy var kernelTrainer = KernelCampaignTrainer(configuration: configuration, backend: backend, notice: notice)

    public init(configuration: CampaignConfiguration, backend: BackendRequest, notice: @escaping (String) -> Void = { _ in }) {
        self.configuration = configuration
        self.backend = backend
        self.notice = notice
    }

    /// The name of the backend used last (empty before the first batch).
    public var backendName: String { configuration.kernel != nil ? kernelTrainer.engineName : networkBackendName }
    private var networkBackendName = ""

    /// Trains `toys` as one batch and returns their records in the same order, stamped with the
    /// campaign hash and `shard`. `progress` receives the fraction of the batch's epochs done.
    public func train(toys: [Int], shard: Shard, progress: ((Double) -> Void)? = nil) throws -> [FitRecord] {
        guard !toys.isEmpty else { return [] }
        var records: [FitRecord]
        switch configuration.preset {
        case .nplm where configuration.kernel != nil: records = try kernelTrainer.train(toys: toys, progress: progress)
        case .nplm where configuration.nuisances != nil: records = try trainNuisance(toys: toys, progress: progress)
        case .nplm: records = try trainNPLM(toys: toys, progress: progress)
        case .symmetric: records = try trainSymmetric(toys: toys, progress: progress)
        }
        let hash = configuration.hash
        for k in records.indices {
            records[k].campaign = hash
            records[k].shard = shard.description
            records[k].configuration = configuration
        }
        return records
    }

    private func makeBackend(_ batch: FitBatch) throws -> TrainingBackend {
        // The backend's choice is announced once per campaign, not once per batch.
        let backend = try BackendFactory.make(self.backend, batch: batch, clipping: configuration.training.clipping,
                                              notice: noticeGiven ? { _ in } : notice)
        noticeGiven = true
        networkBackendName = backend.name
        return backend
    }

    private func trainOutcomes(_ batch: FitBatch, initial: [Double], progress: ((Double) -> Void)?) throws -> [FitOutcome] {
        let options = configuration.training
        let backend = try makeBackend(batch)
        return try Trainer.train(backend: backend, initialParameters: initial, options: options,
                                 progress: progress.map { report in { epoch in report(Double(epoch) / Double(options.epochs)) } })
    }

    private func trainNPLM(toys: [Int], progress: ((Double) -> Void)?) throws -> [FitRecord] {
        guard let benchmark = configuration.toyBenchmark, let reference else { preconditionFailure("NPLM preset without a benchmark") }
        let architecture = configuration.architecture
        let samples = toys.map { benchmark.data(seed: configuration.seed, toy: UInt32($0)) }
        let batch = FitBatch.nplm(architecture: architecture, reference: reference.events, referenceWeights: reference.weights,
                                  data: samples.map(\.events))
        let initial = toys.flatMap { architecture.initialParameters(seed: configuration.seed, toy: UInt32($0)) }
        let outcomes = try trainOutcomes(batch, initial: initial, progress: progress)
        return toys.indices.map { j in
            FitRecord(outcome: outcomes[j], dof: configuration.degreesOfFreedom, epochs: configuration.training.epochs,
                      dataEvents: samples[j].events.count, referenceEvents: reference.events.count, toy: toys[j],
                      seed: configuration.seed, backgroundEvents: samples[j].background,
                      // The mixture's signal is a changed density: no event is a signal event.
                      signalEvents: configuration.mixture == nil ? samples[j].signal : nil)
        }
    }

    /// The nuisance model and the reference's offset basis, made once per campaign.
    private var nuisanceSetup: (model: NuisanceModel, referenceBasis: [[Float]])?

    /// The toys of a campaign with nuisances: data from R_ν*, ν̂ drawn per toy, τ and Δ of each toy
    /// in one batch, t = τ − Δ.
    private func trainNuisance(toys: [Int], progress: ((Double) -> Void)?) throws -> [FitRecord] {
        guard let benchmark = configuration.benchmark, let settings = configuration.nuisances, let reference else {
            preconditionFailure("nuisance campaign without a benchmark")
        }
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
        let backend = try NuisanceTest.backend(self.backend, batch: batch, model: model, centrals: centrals,
                                               clipping: options.clipping, notice: noticeGiven ? { _ in } : notice)
        noticeGiven = true
        networkBackendName = backend.name
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

    private func trainSymmetric(toys: [Int], progress: ((Double) -> Void)?) throws -> [FitRecord] {
        guard let toyMaker = configuration.samples, let statistic = configuration.statistic else {
            preconditionFailure("symmetric preset without samples or statistic")
        }
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
