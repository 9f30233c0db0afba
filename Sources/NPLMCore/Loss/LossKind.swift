import Foundation

/// The per-event loss of a fit. Every test here is one of two forms over events with
/// coefficients a_i, b_i ≥ 0 and offsets o_i; with z_i = f(x_i) + o_i:
///
/// - `expLinear` (NPLM, symmetrized, nuisances; D'Agnolo et al., Imperfect Machine, eq. 28–29):
///
///       ℓ_i = a_i·(e^{z_i} − 1) − b_i·z_i,                  ∂ℓ_i/∂f = a_i·e^{z_i} − b_i
///
/// - `logistic` (the cross-entropy test t^δ of Bressler et al., Symmetrized Approach, eq. 34; one network u(x) = 2δ̂(x) − o):
///
///       ℓ_i = a_i·(s(z_i) − s(o_i)) + b_i·(s(−z_i) − s(−o_i)),  s(z) = log(1 + e^z),
///       ∂ℓ_i/∂f = a_i·σ(z_i) − b_i·σ(−z_i)
///
///   with b_i = 1 on A, a_i = 1 on B and o_i = log(Ñ_A/Ñ_B), so that σ(o) = Ñ_A/(Ñ_A + Ñ_B) and
///   −2·Σ ℓ_i is eq. 34 term by term: −log(σ(z)(Ñ_A+Ñ_B)/Ñ_A) = s(−z) − s(−o). f ≡ 0 gives 0.
///
/// In both forms t = −2·min Σ_i ℓ_i, and an event with a_i = b_i = 0 adds exactly nothing (padding).
public enum LossKind: String, CaseIterable, Codable, Sendable {
    case expLinear
    case logistic

    /// ℓ_i and ∂ℓ_i/∂f for one event, in Double (the reference form every fast path is tested against).
    ///
    /// The one algebraic form of each term, also that of the float32 engines (`Kernels/loss_terms.h`,
    /// included by the C engine and the OpenCL kernels):
    ///
    ///     expLinear:  ℓ = (a·e^z − a) − b·z              ∂ℓ/∂f = a·e^z − b
    ///     logistic:   ℓ = (a + b)·(s(z) − s(o)) − b·f    ∂ℓ/∂f = (a + b)·σ(z) − b
    ///
    /// The logistic line is the form above with s(−z) = s(z) − z (so σ(−z) = 1 − σ(z)).
    @inlinable
    public func term(f: Double, a: Double, b: Double, offset o: Double) -> (value: Double, derivative: Double) {
        let z = f + o
        switch self {
        case .expLinear:
            let e = a * Foundation.exp(z)
            return ((e - a) - b * z, e - b)
        case .logistic:
            return ((a + b) * (Self.softplus(z) - Self.softplus(o)) - b * f, (a + b) * Self.sigmoid(z) - b)
        }
    }

    /// s(z) = log(1 + e^z) (`Logistic.softplus`).
    @inlinable
    public static func softplus(_ z: Double) -> Double { Logistic.softplus(z) }

    /// σ(z) = 1 / (1 + e^{−z}) (`Logistic.sigmoid`).
    @inlinable
    public static func sigmoid(_ z: Double) -> Double { Logistic.sigmoid(z) }
}
