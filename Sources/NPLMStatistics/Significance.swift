import Foundation

/// One-sided Gaussian significance Z ↔ p-value: p = Φ̄(Z) = 1 − Φ(Z) = ½ erfc(Z/√2), Z = Φ⁻¹(1 − p).
///
/// Both directions go through log p, so that Z is right for p far below the smallest Double
/// (Z = 37 ↔ p ≈ 5.7e-300; Z = 40 ↔ log p ≈ −804, p underflows but log p does not).
///
/// - Upper tail: for z < 8, log Φ̄(z) = log(½ erfc(z/√2)) (the C library's erfc is accurate in
///   relative terms wherever it does not underflow); for z ≥ 8 the Laplace continued fraction
///   Φ̄(z) = φ(z) / (z + 1/(z + 2/(z + 3/(z + …)))), φ(z) = e^{−z²/2}/√(2π), evaluated by the
///   modified Lentz method and kept in logs: log Φ̄ = −z²/2 − ½ log 2π − log(CF).
/// - Inverse: a start from Abramowitz–Stegun 26.2.23 in t = √(−2 log p), then Newton steps on
///   g(z) = log Φ̄(z) − log p with g′(z) = −φ(z)/Φ̄(z) = −exp(log φ(z) − log Φ̄(z)). log Φ̄ is
///   concave and decreasing, so after the first step Newton approaches the root monotonically
///   from above and converges quadratically; a handful of steps reach full precision.
/// - p > ½ (Z < 0) by symmetry: Z(p) = −Z(1 − p), with 1 − p = −expm1(log p).
public enum Significance {
    private static let logSqrtTwoPi = 0.5 * Foundation.log(2 * Double.pi)

    /// log φ(z) = −z²/2 − ½ log 2π, the log of the standard normal density.
    public static func logDensity(z: Double) -> Double { -0.5 * z * z - logSqrtTwoPi }

    /// log p = log Φ̄(z) = log P(N(0,1) ≥ z), finite for every finite z.
    public static func logP(z: Double) -> Double {
        if z.isNaN { return .nan }
        if z == .infinity { return -.infinity }
        if z == -.infinity { return 0 }
        if z < 0 {
            // Φ̄(z) = 1 − Φ̄(−z) ≥ ½: no loss of relative precision.
            return Foundation.log1p(-0.5 * Foundation.erfc(-z / 2.0.squareRoot()))
        }
        if z < 8 {
            return Foundation.log(0.5 * Foundation.erfc(z / 2.0.squareRoot()))
        }
        return logDensity(z: z) - Foundation.log(millsContinuedFraction(z))
    }

    /// p = Φ̄(z); underflows to 0 beyond z ≈ 38.5 (use `logP(z:)` there).
    public static func p(z: Double) -> Double {
        if z.isNaN { return .nan }
        if z < 8 { return 0.5 * Foundation.erfc(z / 2.0.squareRoot()) }
        return Foundation.exp(logP(z: z))
    }

    /// The continued fraction z + 1/(z + 2/(z + 3/(z + …))) = φ(z)/Φ̄(z), for z ≥ 8 (about 20 terms).
    private static func millsContinuedFraction(_ z: Double) -> Double {
        ContinuedFraction.evaluate(b0: z, maxTerms: 500) { j in (Double(j), z) }
    }

    /// Z = Φ⁻¹(1 − p) for p in [0, 1]; +∞ for p = 0, −∞ for p = 1.
    public static func z(p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return .infinity }
        return z(logP: Foundation.log(p))
    }

    /// Z = Φ⁻¹(1 − p) from log p ≤ 0 (p may be far below the smallest Double).
    public static func z(logP: Double) -> Double {
        if logP.isNaN || logP > 0 { return .nan }
        if logP == -.infinity { return .infinity }
        if logP == 0 { return -.infinity }
        let logHalf = -Foundation.log(2.0)
        if logP > logHalf {
            // p > ½: Z = −Z(1 − p).
            let q = -Foundation.expm1(logP)
            return -upperZ(logP: Foundation.log(q))
        }
        return upperZ(logP: logP)
    }

    /// Z ≥ 0 for log p ≤ log ½.
    private static func upperZ(logP target: Double) -> Double {
        // Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4), written in t = √(−2 log p).
        let t = (-2 * target).squareRoot()
        var z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t)
            / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t)
        for _ in 0..<50 {
            let g = logP(z: z) - target
            let slope = -Foundation.exp(logDensity(z: z) - logP(z: z))
            let step = g / slope
            z -= step
            if abs(step) <= 1e-15 * max(1, abs(z)) { break }
        }
        return z
    }
}
