import Foundation

/// The regularised incomplete gamma functions P(a, x) = γ(a, x)/Γ(a) and Q(a, x) = 1 − P(a, x).
///
/// Written by hand because no package available here offers them (swift-numerics has Γ and log Γ
/// but not the incomplete functions). The method is the classic one (Numerical Recipes §6.2):
/// the power series γ(a, x) = e^{−x} x^a Σ_n x^n / (a (a+1) … (a+n)) for x < a + 1, and the
/// continued fraction for Γ(a, x), evaluated by the modified Lentz method, otherwise. Both
/// converge to full double precision; the log forms keep far tails (Q ≈ 1e-300 and below) exact
/// in relative terms.
public enum IncompleteGamma {
    /// log of the prefactor e^{−x} x^a / Γ(a).
    ///
    /// For a < 10 directly, −x + a log x − log Γ(a). For a ≥ 10 the three terms are each of order
    /// a log a and cancel (k = 351, t ≈ k: 1000-sized terms for a result of order 1, losing ~1e-13);
    /// there, with λ = x/a and Stirling's log Γ(a) = (a − ½) log a − a + ½ log 2π + c(a),
    ///   log prefactor = a (log λ − (λ − 1)) + ½ log a − ½ log 2π − c(a),
    /// where log λ − (λ − 1) = log1pmx(λ − 1) is computed without cancellation and
    /// c(a) = 1/(12a) − 1/(360a³) + 1/(1260a⁵) − 1/(1680a⁷) + 1/(1188a⁹) − 691/(360360a¹¹) + 1/(156a¹³)
    /// (error below 1e-17 for a ≥ 10).
    static func logPrefactor(a: Double, x: Double) -> Double {
        if a < 10 { return -x + a * Foundation.log(x) - Foundation.lgamma(a) }
        let lambda = x / a
        // log λ − (λ − 1): through log1pmx near λ = 1; directly from λ (not from y = λ − 1, whose
        // rounding would dominate 1 + y for λ ≪ 1) elsewhere.
        let shape = abs(lambda - 1) < 0.5 ? log1pmx((x - a) / a) : Foundation.log(lambda) - (lambda - 1)
        let inv = 1 / a, inv2 = inv * inv
        let c = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 * (1.0 / 1680
            - inv2 * (1.0 / 1188 - inv2 * (691.0 / 360360 - inv2 / 156))))))
        return a * shape + 0.5 * Foundation.log(a) - 0.5 * Foundation.log(2 * Double.pi) - c
    }

    /// log(1 + y) − y without cancellation for small |y|: with u = y/(2 + y),
    /// log(1 + y) = 2 atanh u = 2(u + u³/3 + u⁵/5 + …) and y = 2u/(1 − u), so
    /// log(1 + y) − y = 2(u³/3 + u⁵/5 + …) − 2u²/(1 − u). Directly for |y| ≥ ½ (where y itself
    /// must be exact enough: near y = −1 pass λ = 1 + y instead, as `logPrefactor` does).
    static func log1pmx(_ y: Double) -> Double {
        if abs(y) >= 0.5 { return Foundation.log1p(y) - y }
        let u = y / (2 + y)
        let u2 = u * u
        var power = u * u2
        var sum = 0.0
        var n = 3.0
        for _ in 0..<60 {
            let term = power / n
            sum += term
            if abs(term) <= 1e-17 * abs(sum) { break }
            power *= u2
            n += 2
        }
        return 2 * sum - 2 * u2 / (1 - u)
    }

    /// Σ series for P(a, x) / prefactor, valid for x < a + 1.
    private static func series(a: Double, x: Double) -> Double {
        var term = 1 / a
        var sum = term
        var n = a
        for _ in 0..<10_000 {
            n += 1
            term *= x / n
            sum += term
            if abs(term) < abs(sum) * 1e-17 { break }
        }
        return sum
    }

    /// Continued fraction for Q(a, x) / prefactor, valid for x ≥ a + 1:
    ///     1/(x + 1 − a + (−1·(1 − a))/(x + 3 − a + (−2·(2 − a))/(x + 5 − a + …)))
    private static func continuedFraction(a: Double, x: Double) -> Double {
        ContinuedFraction.evaluate(b0: 0, maxTerms: 10_000) { j in
            j == 1 ? (1, x + 1 - a) : (-Double(j - 1) * (Double(j - 1) - a), x + Double(2 * j - 1) - a)
        }
    }

    /// log Q(a, x), accurate in the far upper tail.
    public static func logUpper(a: Double, x: Double) -> Double {
        precondition(a > 0, "the shape a must be positive")
        if x.isNaN { return .nan }
        if x <= 0 { return 0 }
        if x == .infinity { return -.infinity }
        if x < a + 1 {
            return Foundation.log1p(-Foundation.exp(logPrefactor(a: a, x: x)) * series(a: a, x: x))
        }
        return logPrefactor(a: a, x: x) + Foundation.log(continuedFraction(a: a, x: x))
    }

    /// log P(a, x), accurate in the far lower tail.
    public static func logLower(a: Double, x: Double) -> Double {
        precondition(a > 0, "the shape a must be positive")
        if x.isNaN { return .nan }
        if x <= 0 { return -.infinity }
        if x == .infinity { return 0 }
        if x < a + 1 {
            return logPrefactor(a: a, x: x) + Foundation.log(series(a: a, x: x))
        }
        return Foundation.log1p(-Foundation.exp(logPrefactor(a: a, x: x)) * continuedFraction(a: a, x: x))
    }

    public static func upper(a: Double, x: Double) -> Double { Foundation.exp(logUpper(a: a, x: x)) }
    public static func lower(a: Double, x: Double) -> Double { Foundation.exp(logLower(a: a, x: x)) }
}
