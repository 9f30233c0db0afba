import NPLMCore
import NPLMData
import NPLMEngines

/// What `nplm crossval` compares: toys 0..<n of a built-in benchmark as one batch, trained by the
/// OpenCL engine of one device (Adam on the device where it can) and by the Double reference
/// (`EngineAgreement`).
public struct OpenCLCrossValidation {
    public let batch: FitBatch
    public let initialParameters: [Double]
    public let engine: OpenCLEngine
    public let backend: TrainingBackend

    /// The batch of `toys` toys of `benchmark` from `seed`, and the engine on OpenCL device
    /// `device` (nil: the first GPU, else the first device). OpenCL failures name crossval.
    public init(benchmark: NPLMToyBenchmark, architecture: Architecture, toys: Int, seed: UInt64, device: Int?) throws {
        guard toys >= 1, toys <= Int(UInt32.max) else { throw NPLMError.invalidArgument("\(Parameter.toys) must be 1 to 2^32 − 1, got \(toys)") }
        // Every toy in one batch: its memory is checked before the toys are drawn.
        let mean = benchmark.expectedBackground + benchmark.signalEvents
        let perToy = Int(min(mean + 6 * mean.squareRoot() + 10, 1e15))
        let (events, overflow) = Int(toys).multipliedReportingOverflow(by: perToy)
        try TrainingMemory.check(architecture: architecture, fits: toys, events: overflow ? Int.max : benchmark.referenceSize + events,
                                 dimension: architecture.inputDimension, options: TrainingOptions(epochs: 1), batchHint: "fewer \(Parameter.toys)")
        let toyBatch = benchmark.batch(architecture: architecture, seed: seed, toys: Array(0..<toys))
        batch = toyBatch.batch
        initialParameters = toyBatch.initialParameters
        do {
            engine = try OpenCLEngine.make(batch: batch, device: device)
            backend = try OpenCLTrainingBackend.make(engine: engine)
        } catch let error as OpenCLError {
            throw NPLMError.invalidArgument("crossval: \(error)")
        }
    }

    /// The tolerances of the engine's layout (`BackendTolerances.openCL`).
    public var tolerances: BackendTolerances { .openCL(engine.variant) }

    /// Trains the batch on both engines with `options` and compares them within `tolerances`.
    public func measure(options: TrainingOptions, tolerances: BackendTolerances) throws -> EngineAgreement {
        try EngineAgreement.measure(batch: batch, engine: engine, backend: backend, initialParameters: initialParameters,
                                    options: options, tolerances: tolerances)
    }
}
