/// Runs the epochs the trainer schedules. The host loop below serves every `GradientSource`; a
/// device backend may keep the state on the device and run Adam and clipping there, as long as it
/// gives the same results as the host loop.
public protocol TrainingBackend: AnyObject {
    var name: String { get }
    /// T, the fits trained together.
    var fitCount: Int { get }
    /// The loss engine under this backend, when its loss comes from a batch of events (nil for the
    /// δ̂ networks of a shape nuisance).
    var lossEngine: LossEngine? { get }

    /// Runs `epochs` full-batch epochs: at each, the loss and gradient of every active fit at the
    /// current parameters, then (for fits whose loss is finite) one Adam step and clipping. A fit
    /// whose loss is non-finite is marked diverged at that epoch and frozen.
    func advance(_ state: inout TrainingState, epochs: Int, optimizer: Adam, clipping: WeightClipping?) throws

    /// The loss of every fit at the state's current parameters.
    func losses(_ state: TrainingState) throws -> [Double]
}

/// The one host training loop: loss and gradient from a `GradientSource` (the networks of an
/// engine's batch, a network with its nuisance parameters, the δ̂ networks), Adam (Kingma & Ba, in
/// the form Keras applies it) and weight clipping in Double here, the divergence rule of every fit.
public final class HostTrainingLoop: TrainingBackend {
    public let source: GradientSource
    public var name: String { source.name }
    public var fitCount: Int { source.fitCount }
    public var lossEngine: LossEngine? { source.lossEngine }
    private var loss: [Double]
    private var gradient: [Double]
    /// Which fits are still healthy, refreshed in place every epoch (no allocation in the loop).
    private var active: [Bool]
    /// The clipping mask (T × S, `GradientSource.clippingMask`) of the last clipping `advance` was
    /// given (made again when it changes).
    private var clipMask: (clipping: WeightClipping, mask: [Bool])?

    /// - Parameters:
    ///   - source: the fits' loss, gradient and clipping mask.
    ///   - clipping: a clipping whose mask is made here rather than at the first `advance`;
    ///     `advance` always clips as its own `clipping` argument says.
    public init(source: GradientSource, clipping: WeightClipping? = nil) {
        self.source = source
        loss = Array(repeating: 0, count: source.fitCount)
        gradient = Array(repeating: 0, count: source.fitCount * source.parameterStride)
        active = Array(repeating: true, count: source.fitCount)
        clipMask = clipping.map { ($0, source.clippingMask($0)) }
    }

    /// The loop over the networks of `engine`'s batch.
    public convenience init(engine: LossEngine, clipping: WeightClipping? = nil) {
        self.init(source: engine, clipping: clipping)
    }

    /// The mask of `clipping` (nil: no clipping).
    private func mask(for clipping: WeightClipping?) -> [Bool]? {
        guard let clipping else { return nil }
        if let clipMask, clipMask.clipping == clipping { return clipMask.mask }
        let mask = source.clippingMask(clipping)
        clipMask = (clipping, mask)
        return mask
    }

    public func advance(_ state: inout TrainingState, epochs: Int, optimizer: Adam, clipping: WeightClipping?) throws {
        let S = state.parameterCount
        precondition(state.fitCount == source.fitCount && S == source.parameterStride,
                     "the state holds \(state.fitCount) fits of \(S) parameters; the source trains \(source.fitCount) of \(source.parameterStride)")
        let mask = mask(for: clipping)
        for _ in 0..<epochs {
            for t in 0..<state.fitCount { active[t] = state.isActive(t) }
            try source.lossAndGradient(parameters: state.parameters, active: active, loss: &loss, gradient: &gradient)
            let alpha = optimizer.stepSize(step: state.epoch + 1)
            for t in 0..<state.fitCount where active[t] {
                let range = (t * S)..<((t + 1) * S)
                guard loss[t].isFinite else {
                    state.divergedAt[t] = state.epoch
                    continue
                }
                optimizer.update(parameters: &state.parameters[range], firstMoment: &state.firstMoment[range],
                                 secondMoment: &state.secondMoment[range], gradient: gradient[range], stepSize: alpha)
                if let clipping, let mask {
                    for k in range where mask[k] { state.parameters[k] = clipping.clamp(state.parameters[k]) }
                }
            }
            state.epoch += 1
        }
    }

    public func losses(_ state: TrainingState) throws -> [Double] {
        try source.loss(parameters: state.parameters)
    }
}
