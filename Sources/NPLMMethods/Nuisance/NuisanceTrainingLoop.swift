import NPLMCore

/// The host training loop of fits with nuisance parameters (d'Agnolo et al., "Learning new physics
/// from an imperfect machine", eq. 24–25 and 18).
///
/// Every fit of the batch has P network parameters followed by its n nuisance parameters ν
/// (`TrainingState` then holds T × (P + n) values), all updated by the same Adam. Weight clipping
/// applies to the network only, never to ν. At each epoch the loop turns ν into the offset
/// coefficients (`NuisanceModel`), asks the engine for the loss, the network gradient and ∂L/∂c in
/// one pass over the events, and adds the auxiliary term A(ν) and its gradient here, in Double.
///
/// A fit with `trainsNetwork == false` is a Δ fit: f ≡ 0 (its network parameters are zero and
/// stay zero: their gradient is set to zero, so Adam never moves them), and only ν is fitted.
public final class NuisanceTrainingLoop: TrainingBackend {
    public let engine: LossEngine
    public let model: NuisanceModel
    /// ν̂ of every fit (T × n), the central values of the auxiliary likelihoods.
    public let centrals: [[Double]]
    public let trainsNetwork: [Bool]
    public var name: String { engine.name }
    public var batch: FitBatch { engine.batch }

    private let P: Int, n: Int, M: Int
    private var networkParameters: [Double]
    private var coefficients: [Double]
    private var loss: [Double]
    private var networkGradient: [Double]
    private var basisGradient: [Double]
    /// The gradient of every parameter of every fit, T × (P + n).
    private var gradient: [Double]
    private var active: [Bool]
    private let clipMask: [Bool]?

    public init(engine: LossEngine, model: NuisanceModel, centrals: [[Double]], trainsNetwork: [Bool],
                clipping: WeightClipping?) {
        let T = engine.batch.fitCount
        precondition(centrals.count == T && trainsNetwork.count == T && centrals.allSatisfy { $0.count == model.count })
        precondition(engine.batch.basisCount == model.basisCount)
        self.engine = engine
        self.model = model
        self.centrals = centrals
        self.trainsNetwork = trainsNetwork
        P = engine.batch.parameterCount
        n = model.count
        M = model.basisCount
        networkParameters = Array(repeating: 0, count: T * P)
        coefficients = Array(repeating: 0, count: T * (M + 1))
        loss = Array(repeating: 0, count: T)
        networkGradient = Array(repeating: 0, count: T * P)
        basisGradient = Array(repeating: 0, count: T * M)
        gradient = Array(repeating: 0, count: T * (P + n))
        active = Array(repeating: true, count: T)
        clipMask = clipping?.mask(for: engine.batch.architecture)
    }

    /// Parameters per fit: the network's P, then ν.
    public var parameterStride: Int { P + n }

    /// Loss (with A(ν)) and gradient of every active fit at `parameters` (T × (P + n)).
    private func evaluate(_ parameters: [Double]) throws {
        let T = batch.fitCount, S = P + n
        precondition(parameters.count == T * S, "fits with nuisances carry P + n parameters each")
        for t in 0..<T where active[t] {
            for k in 0..<P { networkParameters[t * P + k] = parameters[t * S + k] }
            model.offsetCoefficients(nu: parameters[(t * S + P)..<((t + 1) * S)],
                                     into: &coefficients[(t * (M + 1))..<((t + 1) * (M + 1))])
        }
        try engine.lossAndGradient(parameters: networkParameters, offsetCoefficients: coefficients, active: active,
                                   loss: &loss, gradient: &networkGradient, basisGradient: &basisGradient)
        for t in 0..<T where active[t] {
            let nu = parameters[(t * S + P)..<((t + 1) * S)]
            loss[t] += model.auxiliary(nu: nu, central: centrals[t])
            for k in 0..<P { gradient[t * S + k] = trainsNetwork[t] ? networkGradient[t * P + k] : 0 }
            // ∂L/∂c_0 is the output bias's gradient (the last network parameter).
            model.nuisanceGradient(nu: nu, shiftGradient: networkGradient[t * P + P - 1],
                                   basisGradient: basisGradient[(t * M)..<((t + 1) * M)],
                                   into: &gradient[(t * S + P)..<((t + 1) * S)])
            model.addAuxiliaryGradient(nu: nu, central: centrals[t], into: &gradient[(t * S + P)..<((t + 1) * S)])
        }
    }

    public func advance(_ state: inout TrainingState, epochs: Int, optimizer: Adam, clipping: WeightClipping?) throws {
        let S = P + n
        precondition(state.parameterCount == S)
        for _ in 0..<epochs {
            for t in 0..<state.fitCount { active[t] = state.isActive(t) }
            try evaluate(state.parameters)
            let alpha = optimizer.stepSize(step: state.epoch + 1)
            for t in 0..<state.fitCount where active[t] {
                guard loss[t].isFinite else {
                    state.divergedAt[t] = state.epoch
                    continue
                }
                let range = (t * S)..<((t + 1) * S)
                optimizer.update(parameters: &state.parameters[range], firstMoment: &state.firstMoment[range],
                                 secondMoment: &state.secondMoment[range], gradient: gradient[range], stepSize: alpha)
                if let clipping, let clipMask, trainsNetwork[t] {
                    for k in 0..<P where clipMask[k] {
                        state.parameters[t * S + k] = clipping.clamp(state.parameters[t * S + k])
                    }
                }
            }
            state.epoch += 1
        }
    }

    public func losses(_ state: TrainingState) throws -> [Double] {
        for t in 0..<state.fitCount { active[t] = true }
        try evaluate(state.parameters)
        return loss
    }

    /// Loss and gradient (T × (P + n)) at `parameters`, for tests and checks.
    public func lossAndGradient(parameters: [Double]) throws -> (loss: [Double], gradient: [Double]) {
        for t in 0..<batch.fitCount { active[t] = true }
        try evaluate(parameters)
        return (loss, gradient)
    }
}
