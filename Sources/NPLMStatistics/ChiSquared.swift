import Foundation

/// The χ² distribution with k degrees of freedom: density f(t) = t^{k/2−1} e^{−t/2} / (2^{k/2} Γ(k/2)),
/// CDF P(k/2, t/2), survival Q(k/2, t/2) (regularised incomplete gamma functions, `IncompleteGamma`).
public struct ChiSquared: Sendable {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) {
        precondition(degreesOfFreedom > 0)
        self.degreesOfFreedom = degreesOfFreedom
    }

    private var shape: Double { degreesOfFreedom / 2 }

    /// Survival function p = P(χ²_k ≥ t) = Q(k/2, t/2).
    public func survival(_ t: Double) -> Double { IncompleteGamma.upper(a: shape, x: t / 2) }
    /// log of the survival function, finite far beyond where p underflows.
    public func logSurvival(_ t: Double) -> Double { IncompleteGamma.logUpper(a: shape, x: t / 2) }
    /// Cumulative distribution P(χ²_k ≤ t) = P(k/2, t/2).
    public func cdf(_ t: Double) -> Double { IncompleteGamma.lower(a: shape, x: t / 2) }
    /// log of the CDF, accurate in the far lower tail.
    public func logCDF(_ t: Double) -> Double { IncompleteGamma.logLower(a: shape, x: t / 2) }

    /// The significance of t against this χ²: Z = Φ⁻¹(1 − P(χ²_k ≥ t)), through log p so that it
    /// stays right far beyond the Double range of p (t = 5000 with k = 13 gives Z ≈ 70.1).
    public func significance(_ t: Double) -> Double { Significance.z(logP: logSurvival(t)) }

    /// log f(t) = (k/2 − 1) log t − t/2 − (k/2) log 2 − log Γ(k/2).
    public func logDensity(_ t: Double) -> Double {
        if t < 0 { return -.infinity }
        if t == 0 { return shape < 1 ? .infinity : (shape == 1 ? -Foundation.log(2.0) : -.infinity) }
        return (shape - 1) * Foundation.log(t) - t / 2 - shape * Foundation.log(2.0) - Foundation.lgamma(shape)
    }

    /// Mean k and standard deviation √(2k).
    public var mean: Double { degreesOfFreedom }
    public var standardDeviation: Double { (2 * degreesOfFreedom).squareRoot() }

    /// The quantile t with P(χ²_k ≤ t) = p, for p in [0, 1] (0 → 0, 1 → +∞).
    ///
    /// Solved on the tail that is smaller (log CDF for p < ½, log survival with log(1 − p)
    /// otherwise), see `solve(logTarget:upper:)`.
    public func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        if p < 0.5 { return solve(logTarget: Foundation.log(p), upper: false) }
        return solve(logTarget: Foundation.log1p(-p), upper: true)
    }

    /// The t with P(χ²_k ≥ t) = p, for p in [0, 1] (the upper-tail quantile; exact for tiny p).
    public func survivalQuantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return .infinity }
        return survivalQuantile(logP: Foundation.log(p))
    }

    /// The t with log P(χ²_k ≥ t) = log p, for log p ≤ 0 (log p may be far below log 1e-308).
    public func survivalQuantile(logP: Double) -> Double {
        if logP.isNaN || logP > 0 { return .nan }
        if logP == 0 { return 0 }
        if logP == -.infinity { return .infinity }
        if logP < -Foundation.log(2.0) { return solve(logTarget: logP, upper: true) }
        // The survival is above ½: the lower tail 1 − p is the smaller one.
        return solve(logTarget: Foundation.log(-Foundation.expm1(logP)), upper: false)
    }

    /// Solves log F(t) = logTarget (upper = false) or log S(t) = logTarget (upper = true) in
    /// u = log t: Wilson–Hilferty start t ≈ k (1 − 2/(9k) + z √(2/(9k)))³ with z the normal quantile
    /// of the same tail (or, when that is not positive, the small-t form P(a, x) ≈ x^a / Γ(a + 1)),
    /// a bracket found by doubling, then Newton steps on u with
    /// d log F/du = t f(t)/F(t) and d log S/du = −t f(t)/S(t), falling back to bisection whenever a
    /// step leaves the bracket. Stops when |Δu| < 4e-16 (relative error of t ≈ 1 ulp).
    private func solve(logTarget: Double, upper: Bool) -> Double {
        let k = degreesOfFreedom
        let a = shape
        // Signed residual, increasing in u for both tails.
        func residual(_ u: Double) -> Double {
            let t = Foundation.exp(u)
            return upper ? logTarget - logSurvival(t) : logCDF(t) - logTarget
        }
        func slope(_ u: Double) -> Double {
            let t = Foundation.exp(u)
            let logTF = u + logDensity(t)
            return upper ? Foundation.exp(logTF - logSurvival(t)) : Foundation.exp(logTF - logCDF(t))
        }
        // Start.
        let zUpper = upper ? Significance.z(logP: logTarget) : -Significance.z(logP: logTarget)
        let c = 2 / (9 * k)
        let base = 1 - c + zUpper * c.squareRoot()
        var u: Double
        if base > 0.05 {
            u = Foundation.log(k) + 3 * Foundation.log(base)
        } else {
            // Lower tail: P(a, x) ≈ x^a / Γ(a + 1), so log x ≈ (log p + log Γ(a + 1)) / a.
            u = Foundation.log(2.0) + (min(logTarget, 0) + Foundation.lgamma(a + 1)) / a
        }
        if !u.isFinite { u = Foundation.log(k) }
        // Bracket [lo, hi] with residual(lo) ≤ 0 ≤ residual(hi).
        var lo = u, hi = u
        var r = residual(u)
        if r == 0 { return Foundation.exp(u) }
        var width = 0.5
        if r < 0 {
            for _ in 0..<200 {
                hi += width; width *= 2
                if residual(hi) >= 0 { break }
                lo = hi
            }
        } else {
            for _ in 0..<200 {
                lo -= width; width *= 2
                if residual(lo) <= 0 { break }
                hi = lo
            }
        }
        u = min(max(u, lo), hi)
        if u == lo || u == hi { u = 0.5 * (lo + hi) }
        for _ in 0..<200 {
            r = residual(u)
            if r == 0 { break }
            if r < 0 { lo = u } else { hi = u }
            let d = slope(u)
            var next = u - r / d
            if !(d > 0) || !next.isFinite || next <= lo || next >= hi { next = 0.5 * (lo + hi) }
            let step = abs(next - u)
            u = next
            if step < 4e-16 * max(1, abs(u)) || hi - lo < 4e-16 * max(1, abs(u)) { break }
        }
        return Foundation.exp(u)
    }
}
