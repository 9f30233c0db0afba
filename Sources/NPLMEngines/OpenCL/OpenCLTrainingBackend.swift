import NPLMCore

/// Training on an OpenCL device: parameters and Adam moments stay on the device; each epoch
/// enqueues the loss + gradient kernels and one Adam + clipping step (Kernels/adam.cl) without
/// waiting, and the host reads the state back only when `advance` returns — at the trainer's
/// history checkpoints. Per epoch no host↔device traffic at all; per checkpoint O(T×P).
///
/// The host still schedules every step (epoch number, bias-corrected step size α_s from
/// `Adam.stepSize(step:)`), and the kernel repeats `Adam.update`, `WeightClipping.clamp` and the
/// divergence rule of `HostTrainingLoop` operation for operation in double: given the same loss and
/// gradient the two paths agree bit for bit (tested).
public final class OpenCLTrainingBackend: TrainingBackend {
    public let engine: OpenCLEngine
    public var name: String { engine.name }
    public var batch: FitBatch { engine.batch }
    public var fitCount: Int { engine.batch.fitCount }
    public var lossEngine: LossEngine? { engine }

    /// Epochs enqueued between two waits on the queue (to bound its length, never stalling it).
    static let epochsPerMarker = 128

    /// adam_step of the engine's program (Kernels/adam.cl).
    private let adam: OpenCLKernel
    private let theta, firstMoment, secondMoment, parameters, diverged, clipMask: OpenCLBuffer
    /// The state the device holds, as last returned by `advance` or uploaded.
    private var deviceState: TrainingState?
    private var uploadedClipping: WeightClipping?

    /// - Throws: when the device has no cl_khr_fp64 (use `HostTrainingLoop` over the engine there).
    public init(engine: OpenCLEngine) throws {
        guard engine.canTrainOnDevice else {
            throw OpenCLError(call: "Adam on the device", status: 0,
                              detail: "\(engine.device.name) has no cl_khr_fp64; train with HostTrainingLoop over the engine")
        }
        self.engine = engine
        adam = try engine.program.kernel(AdamStepArguments.kernelName)
        let T = engine.batch.fitCount, P = engine.batch.parameterCount, context = engine.context
        theta = try context.buffer(Double.self, count: T * P, label: "parameters (double)")
        firstMoment = try context.buffer(Double.self, count: T * P, label: "Adam first moments")
        secondMoment = try context.buffer(Double.self, count: T * P, label: "Adam second moments")
        parameters = try context.buffer(Float.self, count: T * P, label: "parameters (float)")
        diverged = try context.buffer(Int32.self, count: T, label: "divergence epochs")
        clipMask = try context.buffer(UInt8.self, count: P, label: "clipping mask")
    }

    /// The training backend for `batch` on an OpenCL device: Adam on the device where it has
    /// cl_khr_fp64, else the host loop over the OpenCL engine.
    public static func make(batch: FitBatch, device index: Int?, variant: OpenCLVariant? = nil,
                            clipping: WeightClipping? = nil) throws -> TrainingBackend {
        try make(engine: OpenCLEngine.make(batch: batch, device: index, variant: variant), clipping: clipping)
    }

    /// The training backend over `engine`: Adam on the device where it has cl_khr_fp64, else the
    /// host loop over the OpenCL engine.
    public static func make(engine: OpenCLEngine, clipping: WeightClipping? = nil) throws -> TrainingBackend {
        engine.canTrainOnDevice ? try OpenCLTrainingBackend(engine: engine) : HostTrainingLoop(engine: engine, clipping: clipping)
    }

    private func upload(_ state: TrainingState) throws {
        let context = engine.context
        try context.write(state.parameters, to: theta)
        try context.write(state.parameters.map { Float($0) }, to: parameters)
        try context.write(state.firstMoment, to: firstMoment)
        try context.write(state.secondMoment, to: secondMoment)
        try context.write(state.divergedAt.map { Int32($0 ?? -1) }, to: diverged)
        deviceState = state
    }

    public func advance(_ state: inout TrainingState, epochs: Int, optimizer: Adam, clipping: WeightClipping?) throws {
        precondition(state.fitCount == batch.fitCount && state.parameterCount == batch.parameterCount)
        guard epochs > 0 else { return }
        if deviceState != state { try upload(state) }
        if let clipping, clipping != uploadedClipping {
            try engine.context.write(clipping.mask(for: batch.architecture).map { UInt8($0 ? 1 : 0) }, to: clipMask)
            uploadedClipping = clipping
        }
        var arguments = AdamStepArguments(theta: theta, firstMoment: firstMoment, secondMoment: secondMoment, parameters: parameters,
                                          lossGradient: engine.sums, diverged: diverged, clipMask: clipMask,
                                          fits: Int32(batch.fitCount), epoch: 0, alpha: 0, beta1: optimizer.beta1,
                                          beta2: optimizer.beta2, epsilon: optimizer.epsilon, clip: clipping != nil,
                                          bound: clipping?.bound ?? 0)
        let group = min(64, engine.device.maxWorkGroupSize)
        let global = (batch.fitCount + group - 1) / group * group

        // Until the new state is read back, the device holds no state the host knows.
        deviceState = nil
        var pending: OpenCLEvent?
        for e in 0..<epochs {
            let epoch = state.epoch + e
            try engine.enqueueLossAndGradient(parameters: parameters)
            arguments.epoch = Int32(epoch)
            arguments.alpha = optimizer.stepSize(step: epoch + 1)
            try adam.bind(arguments)
            try adam.enqueue(on: engine.context, global: [global], local: [group])
            if (e + 1) % Self.epochsPerMarker == 0 {
                let marker = try engine.context.marker()
                try engine.context.flush()
                try pending?.wait()
                pending = marker
            }
        }
        let context = engine.context, count = state.parameters.count
        state.parameters = try context.read(Double.self, count: count, from: theta, zero: 0)
        state.firstMoment = try context.read(Double.self, count: count, from: firstMoment, zero: 0)
        state.secondMoment = try context.read(Double.self, count: count, from: secondMoment, zero: 0)
        state.divergedAt = try context.read(Int32.self, count: state.fitCount, from: diverged, zero: 0).map { $0 < 0 ? nil : Int($0) }
        state.epoch += epochs
        deviceState = state
    }

    public func losses(_ state: TrainingState) throws -> [Double] {
        if deviceState?.parameters != state.parameters {
            try engine.context.write(state.parameters.map { Float($0) }, to: parameters)
            // The float copy no longer matches the device's double parameters: upload all next time.
            deviceState = nil
        }
        try engine.enqueueLossAndGradient(parameters: parameters)
        let sums = try engine.readSums()
        return (0..<batch.fitCount).map { sums[$0 * engine.valuesPerFit] }
    }
}
