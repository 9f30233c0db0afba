import Foundation

/// The multiple-testing combinations calibrated beyond the null toys' reach.
///
/// A combination's P(Z ≥ 3) needs its null distribution at p = 0.00135, ≳ 1000 null toys
/// empirically (`MultipleTestingCalibration`), where a kernel fit at the paper's configuration
/// costs a minute and more per toy. Here each width's t has the χ² its null toys were fitted with,
/// p_i = P(χ²_{k_i} ≥ t_i) (as a single width's significance), and the widths' dependence is a
/// Gaussian copula: R, the correlation of the null toys' normal scores Φ⁻¹(rank/(N + 1)) per
/// width. Each combination's null distribution is that of `draws` vectors z ~ N(0, R), with
/// p_i = Φ̄(z_i) and t_i the χ²_{k_i} value of survival p_i. The assumption is the copula's: the
/// widths' joint tail is a Gaussian one's (`rate(_:level:)` of the null toys compares their own
/// p-values with the nominal levels where the toys reach).
public struct CopulaCalibration: WidthCombinationCalibration, Sendable {
    public let degreesOfFreedom: [Double]
    /// R, widths × widths (row-major = column-major: symmetric).
    public let correlation: [Double]
    /// Each combination's statistic over the simulated null vectors.
    public let nullCombined: [WidthCombination: EmpiricalPValue]
    let chiSquared: [ChiSquared]

    /// `null` toys × widths of t (finite), `degreesOfFreedom` the χ² fitted per width, `draws`
    /// simulated null vectors from `gaussian` (standard normal values). Nil when R is not positive
    /// definite (fewer null toys than widths, or two widths whose t move together exactly).
    public init?(null: [[Double]], degreesOfFreedom: [Double], draws: Int, gaussian: () -> Double) {
        let widths = degreesOfFreedom.count
        guard widths >= 1, null.count > widths, draws >= 1,
              null.allSatisfy({ $0.count == widths && $0.allSatisfy(\.isFinite) }) else { return nil }
        self.degreesOfFreedom = degreesOfFreedom
        let chiSquared = degreesOfFreedom.map { ChiSquared(degreesOfFreedom: $0) }
        self.chiSquared = chiSquared
        let quantiles = chiSquared.map(NormalScoreQuantiles.init)
        let scores = (0..<widths).map { w in Self.normalScores(null.map { $0[w] }) }
        var r = [Double](repeating: 0, count: widths * widths)
        for a in 0..<widths {
            for b in 0..<widths { r[a * widths + b] = Self.correlation(scores[a], scores[b]) }
        }
        correlation = r
        guard let t = PlainCholesky.upper(r, size: widths) else { return nil }
        var statistics = [WidthCombination: [Double]]()
        var z = [Double](repeating: 0, count: widths), g = z
        for _ in 0..<draws {
            for k in 0..<widths { g[k] = gaussian() }
            // z = Tᵀg has covariance TᵀT = R; Tᵀ[i, k] = T[k, i] at i·n + k (k ≤ i)
            for i in 0..<widths {
                var s = 0.0
                for k in 0...i { s += t[i * widths + k] * g[k] }
                z[i] = s
            }
            let p = z.map { Significance.p(z: $0) }
            let tValues = (0..<widths).map { quantiles[$0].t(z: z[$0]) }
            for combination in WidthCombination.allCases {
                statistics[combination, default: []].append(combination.statistic(p: p, t: tValues))
            }
        }
        nullCombined = statistics.mapValues { EmpiricalPValue(null: $0) }
    }

    /// The per-width p-values of a toy against the fitted χ².
    public func pValues(_ t: [Double]) -> [Double] {
        precondition(t.count == chiSquared.count)
        return zip(chiSquared, t).map { $0.survival($1) }
    }

    /// t(z), the χ²_k value whose survival is Φ̄(z), for the simulated vectors: log t exact at nodes
    /// 1/64 apart on z ∈ [−10, 10] and cubic Hermite between them with the exact slope
    /// d log t/dz = φ(z)/(t f_k(t)) (error ∝ h⁴: at most 3.6e-11 relative on a test grid), exact outside; a χ² quantile
    /// costs a Newton solve on the incomplete gamma function, the table makes 10⁶ of them affordable.
    struct NormalScoreQuantiles {
        static let step = 1.0 / 64, lowest = -10.0, nodes = 1281
        let chiSquared: ChiSquared
        let logValues: [Double], slopes: [Double]

        init(_ chiSquared: ChiSquared) {
            self.chiSquared = chiSquared
            let values = (0..<Self.nodes).map { chiSquared.survivalQuantile(logP: Significance.logP(z: Self.lowest + Double($0) * Self.step)) }
            logValues = values.map { Foundation.log($0) }
            slopes = (0..<Self.nodes).map { k in
                Foundation.exp(Significance.logDensity(z: Self.lowest + Double(k) * Self.step) - chiSquared.logDensity(values[k])) / values[k]
            }
        }

        func t(z: Double) -> Double {
            let position = (z - Self.lowest) / Self.step
            let k = Int(position.rounded(.down))
            guard k >= 0, k < Self.nodes - 1, logValues[k].isFinite, slopes[k].isFinite, slopes[k + 1].isFinite else {
                return chiSquared.survivalQuantile(logP: Significance.logP(z: z))
            }
            let u = position - Double(k), h = Self.step
            let u2 = u * u, u3 = u2 * u
            return Foundation.exp((2 * u3 - 3 * u2 + 1) * logValues[k] + (u3 - 2 * u2 + u) * h * slopes[k]
                                  + (-2 * u3 + 3 * u2) * logValues[k + 1] + (u3 - u2) * h * slopes[k + 1])
        }
    }

    /// Φ⁻¹(rank/(N + 1)) of each value (ranks 1…N, ties by position).
    static func normalScores(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var scores = [Double](repeating: 0, count: values.count)
        for (rank, index) in order.enumerated() {
            // Φ⁻¹(q) = Z(p = 1 − q)
            scores[index] = Significance.z(p: 1 - Double(rank + 1) / Double(values.count + 1))
        }
        return scores
    }

    /// The Pearson correlation of two samples.
    static func correlation(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }
}
