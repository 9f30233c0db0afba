import Foundation
import NPLMStatistics

/// The one definition of a likelihood-ratio test statistic and its asymptotic χ² judgement, used
/// by every fit, record, model and report.
///
/// - t = −2 · L with L the minimised loss (D'Agnolo & Wulzer, *Learning New Physics from a
///   Machine*); a diverged fit, whose loss ran away or became NaN, has t = +∞ (`Trainer`); with
///   nuisance parameters t = τ − Δ.
/// - dof: P, the network's parameter count, when the reference is normalised to an expected count
///   N(R₀) given from outside (D'Agnolo et al., *Learning New Physics from an Imperfect Machine*);
///   P − 1 when it is normalised to the observed count, which fixes one direction of the fit
///   (Bressler, Savoray, Zurgil, *a Symmetrized Approach*, §III C: χ²₁₂ for a 13-parameter network; this
///   covers the two-sample tests).
/// - p = P(χ²_dof ≥ t), with t = +∞ giving p = 0 and NaN giving NaN.
/// - Z = Φ⁻¹(1 − p), computed through log p so that it stays right where p underflows.
public enum TestStatistic {
    /// t = −2 · L.
    @inlinable
    public static func t(loss: Double) -> Double { -2 * loss }

    /// t = τ − Δ of a test with nuisance parameters (d'Agnolo et al., *Learning New Physics from an
    /// Imperfect Machine*, eq. 13): τ = −2 min over the network and ν, Δ = −2 min over ν with f ≡ 0.
    @inlinable
    public static func t(tau: Double, delta: Double) -> Double { tau - delta }

    /// Degrees of freedom of the asymptotic χ² for `architecture`: P, or P − 1 when the
    /// normalisation is the observed count.
    public static func degreesOfFreedom(_ architecture: Architecture, observedNormalisation: Bool) -> Int {
        observedNormalisation ? architecture.parameterCount - 1 : architecture.parameterCount
    }

    /// Whether a fit that ended with loss `finalLoss`, having started at `initialLoss`, ended far
    /// below any attainable t — a runaway that did not overflow, flagged like a divergence
    /// (`Trainer`). Every network here can represent f ≡ 0 (all weights zero; and ν = 0 for the
    /// nuisances), where L = 0, so min L ≤ 0 and the attainable t = −2 min L is ≥ 0; a training
    /// moves the loss down from its initial value. A final t below min(0, t₀) by more than the
    /// loss scale S (`FitBatch.lossScale`: Σ_i a_i + b_i, N(R₀) + N_D for NPLM, the events the loss
    /// weighs) means the optimizer drove the fit uphill (a learning rate far too large): the
    /// tolerance S is far beyond the float32 rounding of the loss (≈ 1e-7·S) and beyond the
    /// negative t of a short training from the initial network, which starts at t₀ and moves up.
    public static func isBelowAttainable(finalLoss: Double, initialLoss: Double, scale: Double) -> Bool {
        guard finalLoss.isFinite, scale > 0 else { return false }
        let final = t(loss: finalLoss), initial = initialLoss.isFinite ? t(loss: initialLoss) : 0
        return final < min(0, initial) - scale
    }

    /// p = P(χ²_dof ≥ t); 0 for t = +∞ (a diverged fit), NaN for NaN.
    public static func p(t: Double, dof: Int) -> Double {
        if t.isNaN { return .nan }
        if t == .infinity { return 0 }
        return ChiSquared(degreesOfFreedom: Double(dof)).survival(t)
    }

    /// Z = Φ⁻¹(1 − p) through log p; +∞ for t = +∞, NaN for NaN.
    public static func z(t: Double, dof: Int) -> Double {
        if t.isNaN { return .nan }
        if t == .infinity { return .infinity }
        return ChiSquared(degreesOfFreedom: Double(dof)).significance(t)
    }
}
