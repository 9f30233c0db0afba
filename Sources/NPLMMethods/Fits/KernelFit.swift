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
    }

    /// Refuses a fit whose M × M matrices exceed this machine's memory (`TrainingMemory.checkKernel`).
    public func checkMemory() throws {
        let events = data.count + reference.count
        try TrainingMemory.checkKernel(centres: try options.centreCount(events: events), widths: options.widths?.count ?? 1,
                                       events: events, dimension: data.dimension)
    }

    /// Fits every width. `null`: the records of a kernel null campaign with the same widths and the
    /// file they come from, for each width's empirical p-value. `notice` receives the device
    /// policy's messages.
    public func run(null: (records: [FitRecord], file: String)? = nil, notice: (String) -> Void = { _ in }) throws -> Result {
        try checkMemory()
        let tester = try KernelTester(backend: backend, options: options, dimension: reference.dimension, notice: notice)
        let widths = try tester.widths(reference: reference)
        var kernel = try tester.run(reference: reference, weights: weights, data: data, widths: widths, seed: seed, toy: 0)
        if let null { try kernel.calibrate(null: null.records, nullFile: null.file) }
        let record = FitRecord(kernel: kernel, dataEvents: data.count, referenceEvents: reference.count, seed: seed)
        return Result(record: record, kernel: kernel, engineName: tester.engineDescription)
    }
}
