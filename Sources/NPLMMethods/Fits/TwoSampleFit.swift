import NPLMCore
import NPLMData
import NPLMEngines

/// A two-sample test of a user's samples A and B (Bressler, Savoray, Zurgil, *Learning New Physics
/// from Data – a Symmetrized Approach*): the symmetrized t_{A+B} = t_f + t_g or the cross-entropy
/// t^δ, dof = P − 1 (`TwoSampleTest`), and optionally the NPLM statistic t_B(A) with B as the
/// reference weighted to the observed count of A.
public struct TwoSampleFit {
    public var architecture: Architecture
    public var a: EventSet
    public var b: EventSet
    public var statistic: TwoSampleStatistic
    public var training: TrainingOptions
    public var seed: UInt64
    public var backend: BackendRequest
    /// Also train t_B(A) (an `NPLMFit` with B as the reference, weights N_A/N_B).
    public var alsoNPLM: Bool
    /// The feature transform the samples were prepared with (`FeatureTransform.prepare`), recorded in
    /// the result and the model; nil when the samples are used as given.
    public var preprocessing: FeatureTransform?

    public init(architecture: Architecture, a: EventSet, b: EventSet, statistic: TwoSampleStatistic = .symmetrized,
                training: TrainingOptions, seed: UInt64 = 1, backend: BackendRequest = BackendRequest(), alsoNPLM: Bool = false) {
        self.architecture = architecture
        self.a = a
        self.b = b
        self.statistic = statistic
        self.training = training
        self.seed = seed
        self.backend = backend
        self.alsoNPLM = alsoNPLM
    }

    /// The test's outcome: the record, the model and, with `alsoNPLM`, the NPLM t_B(A).
    public struct Result: Sendable {
        public var test: TwoSampleTest.Outcome
        /// The record written by `nplm fit --a --b --output`.
        public var record: TwoSampleRecord
        /// With `alsoNPLM`: the NPLM fit t_B(A).
        public var nplm: NPLMFit.Result?
        /// nil when a fit diverged.
        public var model: SavedModel?
        public var backendName: String
    }

    public var degreesOfFreedom: Int { TwoSampleTest.degreesOfFreedom(architecture) }

    public func run(notice: (String) -> Void = { _ in }) throws -> Result {
        try TrainingMemory.check(architecture: architecture, fits: statistic.fitsPerTest, events: a.count + b.count,
                                 dimension: architecture.inputDimension, options: training)
        let dof = degreesOfFreedom
        let batch = TwoSampleTest.batch(architecture: architecture, pairs: [(a, b)], statistic: statistic)
        let backend = try BackendFactory.make(self.backend, batch: batch, clipping: training.clipping, notice: notice)
        let initial = TwoSampleTest.initialParameters(architecture: architecture, seed: seed, pairs: 0..<1, statistic: statistic)
        let fits = try Trainer.train(backend: backend, initialParameters: initial, options: training)
        let test = TwoSampleTest.outcomes(fits, statistic: statistic)[0]
        let fitRecords = fits.map { fit -> FitRecord in
            var record = FitRecord(outcome: fit, dof: dof, epochs: training.epochs, aEvents: a.count, bEvents: b.count, seed: seed)
            record.p = .nan  // a single fit of the pair has no χ² of its own
            return record
        }
        var record = TwoSampleRecord(statistic: statistic, aEvents: a.count, bEvents: b.count, t: test.t, dof: dof,
                                     p: TestStatistic.p(t: test.t, dof: dof), z: TestStatistic.z(t: test.t, dof: dof),
                                     diverged: test.diverged, seed: seed, epochs: training.epochs, fits: fitRecords)
        record.preprocessing = preprocessing
        var nplm: NPLMFit.Result?
        if alsoNPLM {
            // t_B(A): B is the reference, weighted so that its total is the observed Ñ_A.
            let fit = NPLMFit(architecture: architecture, data: a, reference: b,
                              weights: .observed(dataCount: a.count, referenceCount: b.count),
                              training: training, seed: seed, backend: self.backend)
            nplm = try fit.run()
            record.nplm = nplm?.record
        }
        let model = test.diverged ? nil
            : SavedModel(test: ModelTest(statistic), architecture: architecture, loss: statistic.loss, dof: dof,
                         t: test.t, parameters: fits.map(\.finalParameters), preprocessing: preprocessing)
        return Result(test: test, record: record, nplm: nplm, model: model, backendName: backend.name)
    }
}
