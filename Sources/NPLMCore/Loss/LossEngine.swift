/// Computes the exp-linear loss and its gradient for every fit of a batch. Every backend (the
/// reference, the fast CPU path, OpenCL) implements this protocol; the trainer does not know which
/// one it drives. An engine is the `GradientSource` of the host training loop for the batch's
/// networks.
public protocol LossEngine: GradientSource {
    /// The batch this engine was built for (its events were prepared, or uploaded, once).
    var batch: FitBatch { get }

    /// A short name for logs and reports ("reference", "cpu", "opencl: <device>").
    var name: String { get }

    /// Loss and gradient of every fit at `parameters` (T × P, fit-major, the layout of
    /// `Architecture`).
    ///
    /// - Parameters:
    ///   - parameters: T × P values, fit-major.
    ///   - active: fits to compute; for inactive fits `loss` and `gradient` are left untouched.
    ///     `nil` means every fit.
    ///   - loss: T values, written for active fits.
    ///   - gradient: T × P values, written for active fits.
    func lossAndGradient(parameters: [Double], active: [Bool]?, loss: inout [Double], gradient: inout [Double]) throws

    /// Loss of every fit at `parameters` (no gradient).
    func loss(parameters: [Double]) throws -> [Double]

    /// Loss and gradient with offsets that move with per-fit coefficients (the nuisance
    /// parameters of a fit; `EventTerms`): o_i = offset_i + c_{t,0} + Σ_{m=1..M} c_{t,m}·basis_m(i),
    /// M = `batch.basisCount`. The same pass also returns
    ///
    ///     basisGradient[t·M + m − 1] = ∂L_t/∂c_{t,m} = Σ_i (∂ℓ_i/∂f)·basis_m(i)
    ///
    /// for active fits. ∂L_t/∂c_{t,0} = Σ_i ∂ℓ_i/∂f is the gradient of the output bias, already in
    /// `gradient` (the last parameter of the fit): every network here ends in a linear unit with a bias.
    ///
    /// - Parameters:
    ///   - parameters: T × P values, fit-major.
    ///   - offsetCoefficients: T × (M + 1) values, fit-major: c_{t,0}, c_{t,1} … c_{t,M}.
    ///   - active: fits to compute (`nil`: every fit).
    ///   - loss: T values, written for active fits.
    ///   - gradient: T × P values, written for active fits.
    ///   - basisGradient: T × M values, written for active fits.
    func lossAndGradient(parameters: [Double], offsetCoefficients: [Double], active: [Bool]?,
                         loss: inout [Double], gradient: inout [Double], basisGradient: inout [Double]) throws
}

extension LossEngine {
    /// Default for engines without offset coefficients: only the plain case (no basis, every
    /// coefficient zero) is served; anything else is refused with a line naming the engine.
    public func lossAndGradient(parameters: [Double], offsetCoefficients: [Double], active: [Bool]?,
                                loss: inout [Double], gradient: inout [Double], basisGradient: inout [Double]) throws {
        guard batch.basisCount == 0, offsetCoefficients.allSatisfy({ $0 == 0 }) else {
            throw NPLMError.invalidArgument("the \(name) engine cannot fit nuisance parameters yet; use \(Parameter.backend) cpu or reference")
        }
        try lossAndGradient(parameters: parameters, active: active, loss: &loss, gradient: &gradient)
    }
}

extension LossEngine {
    /// Default: computes the gradient too and drops it.
    public func loss(parameters: [Double]) throws -> [Double] {
        var loss = [Double](repeating: 0, count: batch.fitCount)
        var gradient = [Double](repeating: 0, count: batch.fitCount * batch.parameterCount)
        try lossAndGradient(parameters: parameters, active: nil, loss: &loss, gradient: &gradient)
        return loss
    }
}
