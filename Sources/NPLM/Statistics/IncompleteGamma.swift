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
    private static func logPrefactor(a: Double, x: Double) -> Double {
        -x + a * Foundation.log(x) - Foundation.lgamma(a)
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

    /// Continued fraction for Q(a, x) / prefactor, valid for x ≥ a + 1.
    private static func continuedFraction(a: Double, x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
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
