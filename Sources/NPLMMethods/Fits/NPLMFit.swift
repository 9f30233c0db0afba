import NPLMCore
import NPLMData
import NPLMEngines

/// The NPLM test of a user's data against a reference sample (D'Agnolo et al., *Learning New
/// Physics from an Imperfect Machine*, eq. 28–29): one network trained on the data against the
/// weighted reference, t = −2 min L, judged against χ²_dof (`TestStatistic`).
///
/// The fit starts from the network of (seed, toy 0), so that it is reproducible from its seed.
public struct NPLMFit {
    public var architecture: Architecture
    public var data: EventSet
    public var reference: EventSet
    public var weights: ReferenceWeights
    public var training: TrainingOptions
    public var seed: UInt64
    public var backend: BackendRequest
    /// The feature transform the samples were prepared with (`FeatureTransform.prepare`), recorded in
    /// the result and the model; nil when the samples are used as given.
    public var preprocessing: FeatureTransform?

    public init(architecture: Architecture, data: EventSet, reference: EventSet, weights: ReferenceWeights,
                training: TrainingOptions, seed: UInt64 = 1, backend: BackendRequest = BackendRequest()) {
        precondition(weights.values.count == reference.count, "one reference weight per reference event")
        self.architecture = architecture
        self.data = data
        self.reference = reference
        self.weights = weights
        self.training = training
        self.seed = seed
        self.backend = backend
    }

    /// The fit's outcome: the training's outcome, the record, the dof, the model and the engine.
    public struct Result: Sendable {
        public var outcome: FitOutcome
        /// The record written by `nplm fit --output`: t, dof, p and Z, counts, history, parameters.
        public var record: FitRecord
        public var dof: Int
        /// The model `nplm eval` reads back; nil when the fit diverged (there is nothing to save).
        public var model: SavedModel?
        public var backendName: String
    }

    public var degreesOfFreedom: Int { weights.degreesOfFreedom(architecture) }

    /// Trains the fit. `notice` receives one-line messages (which backend was chosen).
    public func run(notice: (String) -> Void = { _ in }) throws -> Result {
        try weights.validate()
        try TrainingMemory.check(architecture: architecture, fits: 1, events: reference.count + data.count,
                                 dimension: architecture.inputDimension, options: training)
        let batch = FitBatch.nplm(architecture: architecture, reference: reference, referenceWeights: weights.values, data: [data])
        let backend = try BackendFactory.make(self.backend, batch: batch, clipping: training.clipping, notice: notice)
        let outcome = try Trainer.train(backend: backend, initialParameters: architecture.initialParameters(seed: seed, toy: 0),
                                        options: training)[0]
        return result(outcome, backendName: backend.name)
    }

    /// The result of a training that ended in `outcome` (here, or as one fit of `NPLMFitMany`).
    func result(_ outcome: FitOutcome, backendName: String) -> Result {
        let dof = degreesOfFreedom
        var record = FitRecord(outcome: outcome, dof: dof, epochs: training.epochs, dataEvents: data.count,
                               referenceEvents: reference.count, seed: seed)
        record.z = TestStatistic.z(t: outcome.t, dof: dof)
        record.preprocessing = preprocessing
        let model = outcome.diverged ? nil
            : SavedModel(test: .nplm, architecture: architecture, loss: .expLinear, normalisation: weights.normalisation,
                         expectedEvents: weights.expectedEvents, dof: dof, t: outcome.t, parameters: [outcome.finalParameters],
                         preprocessing: preprocessing)
        return Result(outcome: outcome, record: record, dof: dof, model: model, backendName: backendName)
    }
}
