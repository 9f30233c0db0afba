import NPLMCore

/// The gradient source of fits with nuisance parameters (d'Agnolo et al., "Learning new physics
/// from an imperfect machine", eq. 24–25 and 18), trained by the host training loop.
///
/// Every fit of the batch has P network parameters followed by its n nuisance parameters ν
/// (`TrainingState` then holds T × (P + n) values), all updated by the same Adam. Weight clipping
/// applies to the network only, never to ν. At each epoch the source turns ν into the offset
/// coefficients (`NuisanceModel`), asks the engine for the loss, the network gradient and ∂L/∂c in
/// one pass over the events, and adds the auxiliary term A(ν) and its gradient here, in Double.
///
/// A fit with `trainsNetwork == false` is a Δ fit: f ≡ 0 (its network parameters are zero and
/// stay zero: their gradient is set to zero, so Adam never moves them, and they are not clipped),
/// and only ν is fitted.
public final class NuisanceGradients: GradientSource {
    public let engine: LossEngine
    public let model: NuisanceModel
    /// ν̂ of every fit (T × n), the central values of the auxiliary likelihoods.
    public let centrals: [[Double]]
    public let trainsNetwork: [Bool]
    public var name: String { engine.name }
    public var fitCount: Int { engine.batch.fitCount }
    public var lossEngine: LossEngine? { engine }

    private let P: Int, n: Int, M: Int
    private var networkParameters: [Double]
    private var coefficients: [Double]
    private var networkGradient: [Double]
    private var basisGradient: [Double]
    private var allFits: [Bool]

    public init(engine: LossEngine, model: NuisanceModel, centrals: [[Double]], trainsNetwork: [Bool]) {
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
        networkGradient = Array(repeating: 0, count: T * P)
        basisGradient = Array(repeating: 0, count: T * M)
        allFits = Array(repeating: true, count: T)
    }

    /// Parameters per fit: the network's P, then ν.
    public var parameterStride: Int { P + n }

    /// The network's clipping mask for fits that train their network; ν and Δ fits are never clipped.
    public func clippingMask(_ clipping: WeightClipping) -> [Bool] {
        let network = clipping.mask(for: engine.batch.architecture), none = [Bool](repeating: false, count: P)
        let nu = [Bool](repeating: false, count: n)
        return Array(trainsNetwork.map { ($0 ? network : none) + nu }.joined())
    }

    /// Loss (with A(ν)) and gradient of every active fit at `parameters` (T × (P + n)).
    public func lossAndGradient(parameters: [Double], active: [Bool]?, loss: inout [Double], gradient: inout [Double]) throws {
        let T = fitCount, S = P + n
        let active = active ?? allFits
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

    /// The loss of every fit (with A(ν)), from the same pass as the gradient.
    public func loss(parameters: [Double]) throws -> [Double] {
        try lossAndGradient(parameters: parameters).loss
    }

    /// Loss and gradient (T × (P + n)) of every fit at `parameters`.
    public func lossAndGradient(parameters: [Double]) throws -> (loss: [Double], gradient: [Double]) {
        var loss = [Double](repeating: 0, count: fitCount)
        var gradient = [Double](repeating: 0, count: fitCount * parameterStride)
        try lossAndGradient(parameters: parameters, active: nil, loss: &loss, gradient: &gradient)
        return (loss, gradient)
    }
}
