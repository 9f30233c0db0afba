import NPLMCore
import NPLMData
import NPLMEngines
import NPLMStatistics

/// The NPLM test of several data samples against one reference — data-quality monitoring: one
/// reference, a test per batch of detector data, the null calibrated once. Every sample is fitted
/// as `NPLMFit` fits it alone (the network of (seed, toy 0), the same weights and training), all
/// of them in one batched launch over the reference stored once (`FitBatch.nplm`): each engine
/// computes every fit of a batch as it computes that fit alone, so sample k's record is the
/// record of `NPLMFit` on sample k, bit for bit. With a null campaign (`nplm toys` of the same
/// network, training and sizes, checked by `CampaignConfiguration.checkNull`), each t also gets
/// its empirical p-value, p = (1 + #{t_null ≥ t}) / (1 + N_null), beside the χ² p-value.
///
/// The normalisation is shared: N(R₀)/N_R or per-event weights. A normalisation to the observed
/// count would give every sample a reference of its own (and a statistic of dof P − 1 that null
/// toys at N(R₀) do not calibrate): `checkNormalisation` refuses it for several samples and with a
/// null campaign.
public struct NPLMFitMany {
    public var architecture: Architecture
    /// The data samples, in order, and how records name them (a file, `file.h5:/group/name`, a label).
    public var samples: [(name: String, events: EventSet)]
    public var reference: EventSet
    public var weights: ReferenceWeights
    public var training: TrainingOptions
    public var seed: UInt64
    public var backend: BackendRequest
    /// The feature transform the samples were prepared with (`FeatureTransform.prepare`, fitted
    /// on the reference), recorded in every record and model; nil when the samples are used as given.
    public var preprocessing: FeatureTransform?

    public init(architecture: Architecture, samples: [(name: String, events: EventSet)], reference: EventSet,
                weights: ReferenceWeights, training: TrainingOptions, seed: UInt64 = 1, backend: BackendRequest = BackendRequest()) {
        precondition(weights.values.count == reference.count, "one reference weight per reference event")
        self.architecture = architecture
        self.samples = samples
        self.reference = reference
        self.weights = weights
        self.training = training
        self.seed = seed
        self.backend = backend
    }

    /// Refuses the observed-count normalisation (neither N(R₀) nor per-event weights given,
    /// `normalised` false) for more than one sample or with a null campaign, in one line.
    public static func checkNormalisation(normalised: Bool, samples: Int, null: Bool) throws {
        guard !normalised else { return }
        if samples > 1 {
            throw NPLMError.invalidArgument("\(samples) data samples need \(Parameter.expected) or \(Parameter.referenceWeights): normalised to its observed count, each sample would have a reference of its own")
        }
        if null {
            throw NPLMError.invalidArgument("\(Parameter.null) needs \(Parameter.expected) or \(Parameter.referenceWeights): the null toys are normalised to N(R0), not to the observed count")
        }
    }

    /// One sample's fit: its line, the training's outcome and the model.
    public struct Sample: Sendable {
        /// The line `nplm fit --output` writes for this sample.
        public var record: SampleFitRecord
        public var outcome: FitOutcome
        /// The model of this sample's fit; nil when it diverged.
        public var model: SavedModel?
    }

    /// Every sample's fit, in order, with the degrees of freedom, the engine and the null campaign.
    public struct Result: Sendable {
        /// One per sample, in order.
        public var samples: [Sample]
        public var dof: Int
        public var backendName: String
        /// The null campaign's hash and its number of toys, when one was given.
        public var null: (campaign: String, toys: Int)?
    }

    public var degreesOfFreedom: Int { weights.degreesOfFreedom(architecture) }

    /// The fit of sample `k` alone.
    public func single(_ k: Int) -> NPLMFit {
        var fit = NPLMFit(architecture: architecture, data: samples[k].events, reference: reference, weights: weights,
                          training: training, seed: seed, backend: backend)
        fit.preprocessing = preprocessing
        return fit
    }

    /// Checks the null campaign (before any training), trains every sample in one batch and
    /// records each. `null`: the records of a null campaign and the file they come from.
    /// `notice` receives one-line messages (which backend was chosen).
    public func run(null: (records: [FitRecord], file: String)? = nil, notice: (String) -> Void = { _ in }) throws -> Result {
        guard !samples.isEmpty else { throw NPLMError.invalidArgument("no \(Parameter.data) sample given: give at least one") }
        try Self.checkNormalisation(normalised: weights.normalisation != .observed, samples: samples.count, null: null != nil)
        var calibration: (null: EmpiricalPValue, campaign: String)?
        if let null {
            let configuration = try CampaignConfiguration.checkNull(
                null.records, nullFile: null.file, architecture: architecture, training: training,
                expected: weights.expectedEvents ?? weights.total, reference: reference,
                perEventWeights: weights.perEventValues)
            let nullT = null.records.map(\.t).filter { !$0.isNaN }
            guard !nullT.isEmpty else { throw NPLMError.invalidInput(file: "\(null.file)", "holds no toy with a t") }
            calibration = (EmpiricalPValue(null: nullT), configuration.hash)
        }
        let events = samples.reduce(reference.count) { $0 + $1.events.count }
        try TrainingMemory.check(architecture: architecture, fits: samples.count, events: events,
                                 dimension: architecture.inputDimension, options: training)
        let batch = FitBatch.nplm(architecture: architecture, reference: reference, referenceWeights: weights.values,
                                  data: samples.map(\.events))
        let backend = try BackendFactory.make(self.backend, batch: batch, clipping: training.clipping, notice: notice)
        let initial = architecture.initialParameters(seed: seed, toy: 0)
        let outcomes = try Trainer.train(backend: backend, initialParameters: Array(repeating: initial, count: samples.count).flatMap { $0 },
                                         options: training)
        let results = outcomes.indices.map { k -> Sample in
            let fit = single(k).result(outcomes[k], backendName: backend.name)
            let pValue = calibration.map { SampleFitRecord.NullPValue(t: fit.record.t, null: $0.null, campaign: $0.campaign) }
            return Sample(record: SampleFitRecord(sample: samples[k].name, fit: fit.record, null: pValue),
                          outcome: fit.outcome, model: fit.model)
        }
        return Result(samples: results, dof: degreesOfFreedom, backendName: backend.name,
                      null: calibration.map { ($0.campaign, $0.null.nullCount) })
    }
}
