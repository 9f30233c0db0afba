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
            precondition(f >= 0 && f <= 1, "the CDF returned \(f) at \(x): not a probability")
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
    /// - otherwise, when that one-sided bound 2 P(D⁺ ≥ d) is below `oneSidedThreshold` (1e-3), it
    ///   is returned: the omitted intersection term, relative to p, is about (p/2)³ (in the
    ///   Kolmogorov limit the ratio of the second series term to the first is e^{−6λ²} = (p/2)³),
    ///   ≈ 1.3e-10 at p = 1e-3 (measured: ≤ 6e-10 for p ≤ 2e-3, n = 5 … 150), and unlike 1 − CDF it
    ///   keeps relative precision for tiny p.
    /// - otherwise, when the Durbin matrix is at most `exactMatrixLimit` wide (for p ≥ 1e-3 that is
    ///   n up to about 10⁴): 1 − the exact CDF of Marsaglia, Tsang & Wang (`exactCDF`), absolute
    ///   error ~1e-15, so relative error below ~1e-12 for p ≥ 1e-3.
    /// - otherwise: 1 − the Pelz–Good asymptotic expansion (`pelzGoodCDF`), relative error ~1e-7
    ///   or better at those n.
    public static func survival(_ d: Double, sampleSize n: Int) -> Double {
        precondition(n > 0)
        if d.isNaN { return .nan }
        let nd = Double(n)
        if d <= 0.5 / nd { return 1 }
        if d >= 1 { return 0 }
        let oneSided = 2 * oneSidedSurvival(d, sampleSize: n)
        if d >= 0.5 || oneSided < oneSidedThreshold { return min(1, oneSided) }
        if matrixSize(d, n) <= exactMatrixLimit {
            return min(1, max(0, 1 - exactCDF(d, sampleSize: n)))
        }
        return min(1, max(0, 1 - pelzGoodCDF(d, sampleSize: n)))
    }

    /// Below this value of 2 P(D⁺ ≥ d) the two-sided tail is taken as twice the one-sided one.
    public static let oneSidedThreshold = 1e-3

    /// The largest Durbin matrix (m = 2⌊nd⌋ + 1) the exact method is used for: m³ log₂ n flops
    /// (m = 401, n = 10⁴: about 2e9, a second).
    public static let exactMatrixLimit = 401

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

    /// The Pelz–Good (1976) asymptotic expansion of the CDF in powers of 1/√n, as given by Simard &
    /// L'Ecuyer (J. Stat. Softw. 39, 11, 2011), with z = √n d and the sums over all integers k:
    ///
    ///   P(D_n ≤ d) ≈ K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^{3/2},
    ///   K₀ = (√(2π)/z) Σ_{k≥1} e^{−(2k−1)²π²/(8z²)},
    ///   K₁ = √(π/2)/(6z⁴) Σ_k [π²(k+½)² − z²] e^{−π²(k+½)²/(2z²)},
    ///   K₂ = √(π/2)/(72z⁷) Σ_k [6z⁶ + 2z⁴ + π²(2z⁴ − 5z²)(k+½)² + π⁴(1 − 2z²)(k+½)⁴] e^{−π²(k+½)²/(2z²)}
    ///        − √(π/2)/(36z³) Σ_k π²k² e^{−π²k²/(2z²)},
    ///   K₃ = √(π/2)/(6480z¹⁰) Σ_k [π⁶(k+½)⁶(5 − 30z²) + π⁴(k+½)⁴(212z⁴ − 60z²)
    ///        + π²(k+½)²(135z⁴ − 96z⁶) − 30z⁶ − 90z⁸] e^{−π²(k+½)²/(2z²)}
    ///        + √(π/2)/(216z⁶) Σ_k (3π²k²z² − π⁴k⁴) e^{−π²k²/(2z²)}.
    /// Σ over all k of a function of (k+½)² is twice the sum over k ≥ 0; of k², twice over k ≥ 1.
    public static func pelzGoodCDF(_ d: Double, sampleSize n: Int) -> Double {
        let sqrtN = Double(n).squareRoot()
        let z = sqrtN * d
        if z <= 0 { return 0 }
        let pi2 = Double.pi * Double.pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2
        let z2 = z * z, z4 = z2 * z2, z6 = z4 * z2, z8 = z4 * z4
        let w = -pi2 / (2 * z2)
        if w < -745 { return 0 }
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        for k in 0..<100 {
            let h2 = (Double(k) + 0.5) * (Double(k) + 0.5)
            let e = Foundation.exp(h2 * w)
            s0 += e
            s1 += (pi2 * h2 - z2) * e
            s2 += (6 * z6 + 2 * z4 + pi2 * (2 * z4 - 5 * z2) * h2 + pi4 * (1 - 2 * z2) * h2 * h2) * e
            s3 += (pi6 * h2 * h2 * h2 * (5 - 30 * z2) + pi4 * h2 * h2 * (212 * z4 - 60 * z2)
                   + pi2 * h2 * (135 * z4 - 96 * z6) - 30 * z6 - 90 * z8) * e
            if e < 1e-300 || e < 1e-17 * s0 { break }
        }
        var t2 = 0.0, t3 = 0.0
        for k in 1..<100 {
            let k2 = Double(k * k)
            let e = Foundation.exp(k2 * w)
            t2 += pi2 * k2 * e
            t3 += (3 * pi2 * k2 * z2 - pi4 * k2 * k2) * e
            if e < 1e-300 { break }
        }
        let c = (Double.pi / 2).squareRoot()
        // K₀: (√(2π)/z) Σ_{k≥1} e^{−(2k−1)²π²/(8z²)} = (√(2π)/z) Σ_{k≥0} e^{−π²(k+½)²/(2z²)}.
        let k0 = (2 * Double.pi).squareRoot() / z * s0
        let k1 = c / (6 * z4) * 2 * s1
        let k2 = c / (72 * z6 * z) * 2 * s2 - c / (36 * z2 * z) * 2 * t2
        let k3 = c / (6480 * z8 * z2) * 2 * s3 + c / (216 * z6) * 2 * t3
        return k0 + k1 / sqrtN + k2 / Double(n) + k3 / (Double(n) * sqrtN)
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
