import NPLMCore
import NPLMData
import NPLMEngines

/// The kernel model's test of a user's data against a reference sample (Letizia et al., Eur.
/// Phys. J. C 82 (2022) 879): every width of the options on the same Nyström centres, drawn from
/// the (seed, toy 0) stream. The reference is weighted as the networks weigh it
/// (`ReferenceWeights`: per-event weights, N(R₀)/N_R or N_D/N_R, in float32), so a fit and the
/// toys of a kernel campaign at the same N(R₀) use the same weights. The kernel t has no
/// asymptotic χ²: with a null campaign, each width gets its empirical p-value.
public struct KernelFit {
    public var data: EventSet
    public var reference: EventSet
    public var weights: ReferenceWeights
    public var options: KernelOptions
    public var seed: UInt64
    public var backend: BackendRequest
    /// The feature transform the samples were prepared with (`FeatureTransform.prepare`), recorded in
    /// the result and the model; nil when the samples are used as given. The widths are in the
    /// transformed features.
    public var preprocessing: FeatureTransform?
    /// Whether the record carries the centres (`KernelRecord.centreIndices`, `centreFeatures`),
    /// so that anyone can check the fit independently; off by default (records stay small).
    public var recordCentres = false

    public init(data: EventSet, reference: EventSet, weights: ReferenceWeights, options: KernelOptions, seed: UInt64 = 1,
                backend: BackendRequest = BackendRequest()) {
        precondition(weights.values.count == reference.count, "one reference weight per reference event")
        self.data = data
        self.reference = reference
        self.weights = weights
        self.options = options
        self.seed = seed
        self.backend = backend
    }

    /// The fit's outcome: the record and every width's kernel result.
    public struct Result: Sendable {
        /// The record written by `nplm fit --model kernel --output`.
        public var record: FitRecord
        /// Every width's t, CG trace and (with a null campaign) empirical p.
        public var kernel: KernelRecord
        public var engineName: String
        /// The fitted model (`--save-model`); nil when a width's fit diverged (there is nothing to save).
        public var model: KernelModelFile?
        /// Every width's outcome: coefficients, and f at every pooled event (the reference, then the data).
        public var outcomes: [KernelFitOutcome]
        /// The centres (in the transformed features).
        public var centres: EventSet
    }

    /// Refuses a fit whose M × M matrices exceed this machine's memory (`TrainingMemory.checkKernel`).
    public func checkMemory() throws {
        let events = data.count + reference.count
        try TrainingMemory.checkKernel(centres: try options.centreCount(events: events), widths: options.widths?.count ?? 1,
                                       events: events, dimension: data.dimension)
    }

    /// The kernel campaign whose toys are this fit's null, given the null campaign `null` offered:
    /// toys of this fit's reference when `null` is a campaign of a user's reference
    /// (`ToyCampaignRequest.reference`: the same events, N(R₀), these kernel options), else the 1-D benchmark with
    /// this fit's N(R₀) (the expected count, or the observed one: the weights are N(R₀)/N_R either
    /// way) and N_R, no signal, these kernel options; only the seed and the `ReferenceSample` may
    /// differ (`CampaignConfiguration.checkNull`, the check of a report's null campaign too). The toys
    /// have uniform weights, so a fit with per-event weights has no such campaign, and the
    /// benchmark's are 1-D.
    public func nullConfiguration(nullFile: String, null: CampaignConfiguration? = nil) throws -> CampaignConfiguration {
        let expected: Double
        switch weights.normalisation {
        case .expected: expected = weights.expectedEvents ?? weights.total
        case .observed: expected = Double(data.count)
        case .weights:
            guard null?.userSample != nil else {
                throw NPLMError.invalidInput(file: "\(nullFile)", "holds toys weighted N(R0)/N_R, but this fit has per-event \(Parameter.referenceWeights): give \(Parameter.expected) N(R0) instead to compare with it, or a null campaign of toys of this reference with its weights")
            }
            expected = weights.total
        }
        let architecture = try Architecture([1, 4, 1]), training = TrainingOptions(epochs: 300_000)
        if let toys = null?.userSample {
            // The null's pool is its own business; the reference and its weights must be this fit's.
            let fitToys = toys.forFit(reference: reference, perEventWeights: weights.perEventValues, expected: expected)
            return CampaignConfiguration(seed: seed, architecture: architecture, training: training, test: .nplm(.userSample(fitToys, .kernel(options))))
        }
        guard data.dimension == 1 else {
            throw NPLMError.invalidInput(file: "\(nullFile)", "holds toys of the 1-D benchmark, but this fit's events have \(data.dimension) features: give a null campaign of toys of this fit's reference (`nplm toys` with \(Parameter.model) kernel and \(Parameter.reference))")
        }
        return CampaignConfiguration(seed: seed, architecture: architecture, training: training,
                                     benchmark: Benchmark1D(expectedBackground: expected, referenceSize: reference.count), kernel: options)
    }

    /// The widths the fit uses: the options', or the default width of the reference
    /// (`GaussianKernel.defaultWidth`), in the features it sees.
    public func widths() throws -> [Double] {
        if let widths = options.widths { return widths }
        return [try GaussianKernel.defaultWidth(reference: reference)]
    }

    /// Fits every width. `null`: the records of a kernel null campaign with the same widths and the
    /// file they come from, for each width's empirical p-value. `notice` receives the device
    /// policy's messages.
    public func run(null: (records: [FitRecord], file: String)? = nil, notice: (String) -> Void = { _ in }) throws -> Result {
        try weights.validate()
        try checkMemory()
        let tester = try KernelTester(backend: backend, options: options, dimension: reference.dimension, notice: notice)
        let widths = try tester.widths(reference: reference)
        if let null {
            try nullConfiguration(nullFile: null.file, null: null.records.first?.configuration)
                .checkNull(null.records, nullFile: null.file, file: "this fit", anyReferenceSample: true)
        }
        let problem = try tester.problem(reference: reference, referenceWeights: weights.kernelValues, data: data, seed: seed, toy: 0)
        let outcomes = try tester.fit(problem, widths: widths)
        var kernel = KernelRecord(centres: problem.centres.count, outcomes: outcomes)
        if let null { try kernel.calibrate(null: null.records, nullFile: null.file) }
        if recordCentres {
            kernel.centreIndices = problem.centreIndices
            kernel.centreFeatures = (0..<problem.centres.count).map { i in
                (0..<problem.centres.dimension).map { Double(problem.centres.value(event: i, feature: $0)) }
            }
        }
        var record = FitRecord(kernel: kernel, dataEvents: data.count, referenceEvents: reference.count, seed: seed)
        record.preprocessing = preprocessing
        let diverged = outcomes.contains { $0.diverged || !$0.coefficients.allSatisfy(\.isFinite) }
        let model = diverged ? nil
            : KernelModelFile(centres: problem.centres, centreIndices: problem.centreIndices, outcomes: outcomes, options: options,
                              weights: weights, preprocessing: preprocessing, seed: seed, dataEvents: data.count,
                              referenceEvents: reference.count, backend: tester.engine.choice.kind, engine: tester.engineDescription)
        return Result(record: record, kernel: kernel, engineName: tester.engineDescription, model: model, outcomes: outcomes,
                      centres: problem.centres)
    }
}
