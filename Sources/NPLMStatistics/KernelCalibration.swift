import Foundation

/// The null distribution of a kernel-model t, which is not χ² with a known dof (Letizia et al.
/// 2022 fit a χ² to null toys: ≈ 9.6 dof for the 1-D benchmark). The dof k is the maximum-
/// likelihood fit of χ²_k to the positive null values: ψ(k/2) = mean(log t) − log 2 (ψ the
/// digamma function), solved by bisection. Non-positive t (possible: the logistic fit does not
/// maximise t) cannot come from a χ² and are counted, not fitted.
public struct ChiSquaredFit: Codable, Sendable, Equatable {
    public var degreesOfFreedom: Double
    /// Null values used (t > 0) and left out (t ≤ 0 or not finite).
    public var used: Int
    public var leftOut: Int
    /// Kolmogorov–Smirnov p-value of the used values against the fitted χ² (optimistic: the dof
    /// was fitted to the same values).
    public var ksPValue: Double

    public init?(null values: [Double]) {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        guard positive.count >= 2 else { return nil }
        let target = positive.map { Foundation.log($0) }.reduce(0, +) / Double(positive.count) - Foundation.log(2.0)
        // ψ is increasing: bisection on log k over k ∈ [1e-3, 1e5]
        var lo = Foundation.log(1e-3), hi = Foundation.log(1e5)
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if Self.digamma(Foundation.exp(mid) / 2) < target { lo = mid } else { hi = mid }
        }
        degreesOfFreedom = Foundation.exp(0.5 * (lo + hi))
        used = positive.count
        leftOut = values.count - positive.count
        let chi2 = ChiSquared(degreesOfFreedom: degreesOfFreedom)
        ksPValue = KolmogorovSmirnov(sample: positive, cdf: { chi2.cdf($0) }).pValue
    }

    /// ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 6, then the asymptotic series
    /// log x − 1/2x − Σ B_2k / (2k x^{2k}) (Abramowitz & Stegun 6.3.18), error below 1e-10 (x ≥ 6: the first term left out, B₁₂/12x¹², is below 2e-11).
    public static func digamma(_ x: Double) -> Double {
        var x = x, shift = 0.0
        while x < 6 {
            shift -= 1 / x
            x += 1
        }
        let inv2 = 1 / (x * x)
        let series = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))))
        return shift + Foundation.log(x) - 0.5 / x - series
    }
}
