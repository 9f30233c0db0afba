import NPLMStatistics
import NPLMCore
import NPLMData
import NPLMEngines

/// The permutation null distribution of a two-sample test and the empirical p-value of the observed
/// statistic (Bressler, Savoray, Zurgil, *a Symmetrized Approach*, §III E).
///
/// The pooled events are relabelled K times keeping the sizes N_A and N_B (relabelling k drawn from
/// (seed, k), `Permutations`); the observed labelling and every relabelling are trained over the
/// pool stored once, in batches of `batch` labellings (the results do not depend on it). The
/// observed t equals that of a `TwoSampleFit` with the same seed and training options.
public struct PermutationTest {
    public var architecture: Architecture
    public var a: EventSet
    public var b: EventSet
    /// K, the number of relabellings.
    public var permutations: Int
    public var statistic: TwoSampleStatistic
    public var training: TrainingOptions
    public var seed: UInt64
    public var backend: BackendRequest
    /// Labellings trained together (nil: all in one batch).
    public var batch: Int?
    /// The feature transform the samples were prepared with (`FeatureTransform.prepare`), recorded in
    /// the result and the model; nil when the samples are used as given.
    public var preprocessing: FeatureTransform?

    public init(architecture: Architecture, a: EventSet, b: EventSet, permutations: Int,
                statistic: TwoSampleStatistic = .symmetrized, training: TrainingOptions, seed: UInt64 = 1,
                backend: BackendRequest = BackendRequest(), batch: Int? = nil) {
        self.architecture = architecture
        self.a = a
        self.b = b
        self.permutations = permutations
        self.statistic = statistic
        self.training = training
        self.seed = seed
        self.backend = backend
        self.batch = batch
    }

    /// The test's outcome: the record (observed t, every relabelling's t, empirical p and Z).
    public struct Result: Sendable {
        /// The record written by `nplm permute --output`.
        public var record: PermutationRecord
        /// The observed labelling's test (its fits).
        public var observed: TwoSampleTest.Outcome
        /// True when t_obs is above every permutation: p is then an upper bound and Z a lower bound.
        public var isBound: Bool
        public var backendName: String
    }

    /// Checks the sizes before anything is allocated: every labelling is held in memory (one flag
    /// per pooled event), and a batch of labellings must fit (`TrainingMemory`).
    public func checkResources() throws {
        let pooled = a.count + b.count
        guard permutations >= 1, permutations < Int(UInt32.max) else {
            throw NPLMError.invalidArgument("\(Parameter.permutations) must be between 1 and 2^32 − 2, got \(permutations)")
        }
        guard Double(permutations + 1) * Double(pooled) <= 4e9 else {
            throw NPLMError.invalidArgument("\(Parameter.permutations) \(permutations): \(permutations + 1) labellings of \(pooled) pooled events do not fit in memory; use at most \(Int(4e9 / Double(pooled)) - 1)")
        }
        let labellings = min(batch ?? (permutations + 1), permutations + 1)
        try TrainingMemory.check(architecture: architecture, fits: labellings * statistic.fitsPerTest, events: pooled,
                                 dimension: architecture.inputDimension, options: training, batchHint: "a smaller \(Parameter.batch)")
    }

    /// Trains every labelling. `notice` receives one-line messages (the backend, progress between batches).
    public func run(notice: (String) -> Void = { _ in }) throws -> Result {
        try checkResources()
        let (pool, observedLabels) = TwoSampleTest.pool(a: a, b: b)
        // Test 0 is the observed labelling; test k ≥ 1 is relabelling k, drawn from (seed, k).
        let labelings = [observedLabels] + (1...permutations).map {
            Permutations.labeling(seed: seed, index: UInt32($0), count: pool.count, countA: a.count)
        }
        var tests: [TwoSampleTest.Outcome] = []
        var backendName = ""
        let size = batch ?? labelings.count
        for start in stride(from: 0, to: labelings.count, by: size) {
            let range = start..<min(start + size, labelings.count)
            let fitBatch = TwoSampleTest.batch(architecture: architecture, pool: pool, labelings: Array(labelings[range]),
                                               statistic: statistic)
            let backend = try BackendFactory.make(self.backend, batch: fitBatch, clipping: training.clipping,
                                                  notice: start == 0 ? notice : { _ in })
            backendName = backend.name
            let initial = TwoSampleTest.initialParameters(architecture: architecture, seed: seed, pairs: range, statistic: statistic)
            tests += TwoSampleTest.outcomes(try Trainer.train(backend: backend, initialParameters: initial, options: training),
                                            statistic: statistic)
            if range.upperBound < labelings.count { notice("trained labellings \(range.upperBound)/\(labelings.count) on \(backendName)") }
        }
        let observedT = tests[0].t
        let null = Array(tests.dropFirst().map(\.t))
        let dof = TwoSampleTest.degreesOfFreedom(architecture)
        let empirical = EmpiricalPValue(null: null)
        var record = PermutationRecord(statistic: statistic, aEvents: a.count, bEvents: b.count, seed: seed, epochs: training.epochs,
                                       observedT: observedT, dof: dof, asymptoticP: TestStatistic.p(t: observedT, dof: dof),
                                       permutationT: null, atLeastObserved: empirical.countAtOrAbove(observedT),
                                       p: empirical.pValue(observedT), z: empirical.z(observedT), maxZ: empirical.largestZ)
        record.preprocessing = preprocessing
        return Result(record: record, observed: tests[0], isBound: empirical.isBound(observedT), backendName: backendName)
    }
}
