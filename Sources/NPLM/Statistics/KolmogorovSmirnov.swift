import Foundation

/// The one-sample Kolmogorov–Smirnov test of a sample x₁ … x_n against a continuous CDF F.
///
/// Statistic, with x₍₁₎ ≤ … ≤ x₍ₙ₎ sorted:
///   D⁺ = max_i (i/n − F(x₍ᵢ₎)),  D⁻ = max_i (F(x₍ᵢ₎) − (i − 1)/n),  D = max(D⁺, D⁻).
/// p-value P(D_n ≥ d) under the hypothesis that the sample is drawn from F (see
/// `survival(_:sampleSize:)` for the methods and their ranges).
///
/// Typical use: `KolmogorovSmirnov(sample: ts, cdf: ChiSquared(degreesOfFreedom: 13).cdf).pValue`.
public struct KolmogorovSmirnov: Sendable, Equatable {
    public let sampleSize: Int
    /// D⁺ = max_i (i/n − F(x₍ᵢ₎)): the sample's CDF above F.
    public let dPlus: Double
    /// D⁻ = max_i (F(x₍ᵢ₎) − (i − 1)/n): the sample's CDF below F.
    public let dMinus: Double
    /// D = max(D⁺, D⁻).
    public var statistic: Double { max(dPlus, dMinus) }
    /// The two-sided p-value P(D_n ≥ D).
    public let pValue: Double

    /// Tests `sample` (any order, no NaN; needs at least one value) against `cdf`.
    public init(sample: [Double], cdf: (Double) -> Double) {
        precondition(!sample.isEmpty, "the Kolmogorov–Smirnov test needs at least one value")
        precondition(!sample.contains { $0.isNaN }, "the Kolmogorov–Smirnov sample contains NaN")
        let sorted = sample.sorted()
        let n = Double(sorted.count)
        var plus = 0.0, minus = 0.0
        for (i, x) in sorted.enumerated() {
            let f = cdf(x)
            plus = max(plus, Double(i + 1) / n - f)
            minus = max(minus, f - Double(i) / n)
        }
        sampleSize = sorted.count
        dPlus = plus
        dMinus = minus
        pValue = KolmogorovSmirnov.survival(max(plus, minus), sampleSize: sorted.count)
    }

    // MARK: - Distribution of D_n

    /// P(D_n ≥ d), the two-sided p-value for a sample of size n.
    ///
    /// - d ≤ 1/(2n): 1 (D_n ≥ 1/(2n) always); d ≥ 1: 0.
    /// - d ≥ ½: exactly 2 P(D⁺_n ≥ d), because D⁺ ≥ d and D⁻ ≥ d cannot both hold when d > ½
    ///   (P(D ≥ d) = 2 P(D⁺ ≥ d) − P(D⁺ ≥ d, D⁻ ≥ d)). The one-sided tail is the exact
    ///   Birnbaum–Tingey sum, `oneSidedSurvival(_:sampleSize:)`.
    /// - otherwise, when the one-sided bound 2 P(D⁺ ≥ d) is below 1e-9, it is returned: the omitted
    ///   intersection term is of the order of its square, so the relative error is below ~1e-9 and
    ///   the tail keeps relative precision where 1 − CDF would cancel.
    /// - otherwise, when the Durbin matrix is at most `exactMatrixLimit` wide: 1 − the exact CDF of
    ///   Marsaglia, Tsang & Wang (`exactCDF(_:sampleSize:)`), absolute error ~1e-14.
    /// - otherwise (large n·d): the limiting Kolmogorov distribution with Stephens' finite-n
    ///   correction, P(D_n ≥ d) ≈ Q_KS((√n + 0.12 + 0.11/√n) d), Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²};
    ///   relative error of order 1e-3 or below in that regime (n·d > ~125 means n ≳ 3000).
    public static func survival(_ d: Double, sampleSize n: Int) -> Double {
        precondition(n > 0)
        if d.isNaN { return .nan }
        let nd = Double(n)
        if d <= 0.5 / nd { return 1 }
        if d >= 1 { return 0 }
        let oneSided = 2 * oneSidedSurvival(d, sampleSize: n)
        if d >= 0.5 || oneSided < 1e-9 { return min(1, oneSided) }
        if matrixSize(d, n) <= exactMatrixLimit {
            return min(1, max(0, 1 - exactCDF(d, sampleSize: n)))
        }
        let sqrtN = nd.squareRoot()
        return kolmogorovSurvival((sqrtN + 0.12 + 0.11 / sqrtN) * d)
    }

    /// The largest Durbin matrix (m = 2⌊nd⌋ + 1) the exact method is used for: m³ log₂ n flops.
    public static let exactMatrixLimit = 251

    private static func matrixSize(_ d: Double, _ n: Int) -> Int {
        2 * Int((Double(n) * d).rounded(.down)) + 1
    }

    /// The exact CDF P(D_n < d) by Durbin's matrix formula as made practical by Marsaglia, Tsang &
    /// Wang (J. Stat. Softw. 8, 18, 2003):
    ///
    /// with k = ⌊nd⌋ + 1, m = 2k − 1, h = k − nd ∈ (0, 1], the m×m matrix H has
    /// H_ij = 1/(i − j + 1)! for i − j + 1 ≥ 0 (1-based, 0! = 1) and 0 above the first
    /// superdiagonal, except the first column H_i1 = (1 − hⁱ)/i! and the last row
    /// H_mj = (1 − h^{m−j+1})/(m − j + 1)!, and the corner H_m1 = (1 − 2hᵐ + max(0, 2h − 1)ᵐ)/m!.
    /// Then P(D_n < d) = n!/nⁿ · (Hⁿ)_kk. Hⁿ by repeated squaring, with the scale kept as a separate
    /// power of 2 so nothing overflows for large n.
    public static func exactCDF(_ d: Double, sampleSize n: Int) -> Double {
        precondition(n > 0)
        let nd = Double(n) * d
        if d <= 0.5 / Double(n) { return 0 }
        if d >= 1 { return 1 }
        let k = Int(nd.rounded(.down)) + 1
        let m = 2 * k - 1
        let h = Double(k) - nd
        // Build H row-major.
        var H = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0..<m where i - j + 1 >= 0 {
                H[i * m + j] = 1
            }
        }
        for i in 0..<m {
            H[i * m] -= Foundation.pow(h, Double(i + 1))
            H[(m - 1) * m + i] -= Foundation.pow(h, Double(m - i))
        }
        if 2 * h - 1 > 0 { H[(m - 1) * m] += Foundation.pow(2 * h - 1, Double(m)) }
        for i in 0..<m {
            for j in 0..<m where i - j + 1 > 0 {
                var f = 1.0
                for g in 1...(i - j + 1) { f *= Double(g) }
                H[i * m + j] /= f
            }
        }
        let (power, exponent) = matrixPower(H, m: m, n: n)
        // n!/nⁿ · (Hⁿ)_kk, multiplied in step by step with rescaling.
        var s = power[(k - 1) * m + (k - 1)]
        var e = exponent
        for i in 1...n {
            s = s * Double(i) / Double(n)
            if s < 0x1p-400 { s *= 0x1p400; e -= 400 }
        }
        return Foundation.scalbn(s, e)
    }

    /// Aⁿ as (matrix, e) with Aⁿ = matrix · 2^e.
    private static func matrixPower(_ a: [Double], m: Int, n: Int) -> ([Double], Int) {
        if n == 1 { return (a, 0) }
        var (half, e) = matrixPower(a, m: m, n: n / 2)
        var result = multiply(half, half, m)
        e *= 2
        if n % 2 == 1 { result = multiply(a, result, m) }
        if let big = result.max(), big > 0x1p400 {
            for i in result.indices { result[i] *= 0x1p-400 }
            e += 400
        }
        half = result
        return (half, e)
    }

    private static func multiply(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * m)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    for i in 0..<m {
                        for l in 0..<m {
                            let ail = a[i * m + l]
                            if ail == 0 { continue }
                            for j in 0..<m { c[i * m + j] += ail * b[l * m + j] }
                        }
                    }
                }
            }
        }
        return c
    }

    /// The exact one-sided tail P(D⁺_n ≥ d) (= P(D⁻_n ≥ d)), Birnbaum & Tingey (1951):
    ///   P(D⁺_n ≥ d) = d Σ_{j=0}^{⌊n(1−d)⌋} C(n, j) (1 − d − j/n)^{n−j} (d + j/n)^{j−1}.
    /// Every term is positive; they are summed from their logarithms (log-sum-exp), so tails far
    /// below 1e-300 do not lose relative precision before the final exp.
    public static func oneSidedSurvival(_ d: Double, sampleSize n: Int) -> Double {
        Foundation.exp(logOneSidedSurvival(d, sampleSize: n))
    }

    /// log P(D⁺_n ≥ d), see `oneSidedSurvival(_:sampleSize:)`.
    public static func logOneSidedSurvival(_ d: Double, sampleSize n: Int) -> Double {
        precondition(n > 0)
        if d <= 0 { return 0 }
        if d >= 1 { return -.infinity }
        let nd = Double(n)
        let jMax = Int((nd * (1 - d)).rounded(.down))
        let lgn1: Double = Foundation.lgamma(nd + 1)
        var logs: [Double] = []
        logs.reserveCapacity(jMax + 1)
        for j in 0...max(0, jMax) {
            let jd = Double(j)
            let first = (nd - jd - nd * d) / nd   // 1 − d − j/n
            let second = d + jd / nd
            if first <= 0 && j < n { continue }
            let logChoose: Double = lgn1 - Foundation.lgamma(jd + 1) - Foundation.lgamma(nd - jd + 1)
            let term = logChoose + (nd - jd) * Foundation.log(first) + (jd - 1) * Foundation.log(second)
            logs.append(term)
        }
        guard let top = logs.max(), top.isFinite else { return -.infinity }
        var sum = 0.0
        for l in logs { sum += Foundation.exp(l - top) }
        return min(0, Foundation.log(d) + top + Foundation.log(sum))
    }

    /// The limiting Kolmogorov tail Q_KS(λ) = lim P(√n D_n ≥ λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}
    /// (for λ ≥ 1; below, 1 − (√(2π)/λ) Σ_{j≥1} e^{−(2j−1)²π²/(8λ²)}, the same function by the
    /// Jacobi theta identity, which converges fast there).
    public static func kolmogorovSurvival(_ lambda: Double) -> Double {
        if lambda <= 0 { return 1 }
        if lambda < 1 {
            var sum = 0.0
            for j in 1...20 {
                let odd = Double(2 * j - 1)
                sum += Foundation.exp(-odd * odd * Double.pi * Double.pi / (8 * lambda * lambda))
            }
            return 1 - (2 * Double.pi).squareRoot() / lambda * sum
        }
        var sum = 0.0
        var sign = 1.0
        for j in 1...100 {
            let jd = Double(j)
            let term = Foundation.exp(-2 * jd * jd * lambda * lambda)
            sum += sign * term
            sign = -sign
            if term < 1e-300 || term < 1e-17 * abs(sum) { break }
        }
        return min(1, 2 * sum)
    }
}
