/// Runs the epochs the trainer schedules. The host loop below serves every `LossEngine`; a device
/// backend may keep the state on the device and run Adam and clipping there, as long as it gives
/// the same results as the host loop.
public protocol TrainingBackend: AnyObject {
    var name: String { get }
    var batch: FitBatch { get }

    /// Runs `epochs` full-batch epochs: at each, the loss and gradient of every active fit at the
    /// current parameters, then (for fits whose loss is finite) one Adam step and clipping. A fit
    /// whose loss is non-finite is marked diverged at that epoch and frozen.
    func advance(_ state: inout TrainingState, epochs: Int, optimizer: Adam, clipping: WeightClipping?) throws

    /// The loss of every fit at the state's current parameters.
    func losses(_ state: TrainingState) throws -> [Double]
}

/// The host training loop: loss and gradient from a `LossEngine`, Adam and clipping in Double here.
public final class HostTrainingLoop: TrainingBackend {
    public let engine: LossEngine
    public var name: String { engine.name }
    public var batch: FitBatch { engine.batch }
    private var loss: [Double]
    private var gradient: [Double]
    /// Which fits are still healthy, refreshed in place every epoch (no allocation in the loop).
    private var active: [Bool]
    /// The clipping mask of the last clipping `advance` was given (made again when it changes).
    private var clipMask: (clipping: WeightClipping, mask: [Bool])?

    /// - Parameter clipping: a clipping whose mask is made here rather than at the first `advance`;
    ///   `advance` always clips as its own `clipping` argument says.
    public init(engine: LossEngine, clipping: WeightClipping? = nil) {
        self.engine = engine
        loss = Array(repeating: 0, count: engine.batch.fitCount)
        gradient = Array(repeating: 0, count: engine.batch.fitCount * engine.batch.parameterCount)
        active = Array(repeating: true, count: engine.batch.fitCount)
        clipMask = clipping.map { ($0, $0.mask(for: engine.batch.architecture)) }
    }

    /// The mask of `clipping` (nil: no clipping).
    private func mask(for clipping: WeightClipping?) -> [Bool]? {
        guard let clipping else { return nil }
        if let clipMask, clipMask.clipping == clipping { return clipMask.mask }
        let mask = clipping.mask(for: batch.architecture)
        clipMask = (clipping, mask)
        return mask
    }

    public func advance(_ state: inout TrainingState, epochs: Int, optimizer: Adam, clipping: WeightClipping?) throws {
        let P = state.parameterCount
        let mask = mask(for: clipping)
        for _ in 0..<epochs {
            for t in 0..<state.fitCount { active[t] = state.isActive(t) }
            try engine.lossAndGradient(parameters: state.parameters, active: active, loss: &loss, gradient: &gradient)
            let alpha = optimizer.stepSize(step: state.epoch + 1)
            for t in 0..<state.fitCount where active[t] {
                let range = (t * P)..<((t + 1) * P)
                guard loss[t].isFinite else {
                    state.divergedAt[t] = state.epoch
                    continue
                }
                optimizer.update(parameters: &state.parameters[range], firstMoment: &state.firstMoment[range],
                                 secondMoment: &state.secondMoment[range], gradient: gradient[range], stepSize: alpha)
                if let clipping, let mask {
                    for k in 0..<P where mask[k] {
                        state.parameters[t * P + k] = clipping.clamp(state.parameters[t * P + k])
                    }
                }
            }
            state.epoch += 1
        }
    }

    public func losses(_ state: TrainingState) throws -> [Double] {
        try engine.loss(parameters: state.parameters)
    }
}
