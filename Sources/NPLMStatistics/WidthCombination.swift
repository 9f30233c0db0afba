import Foundation

/// Multiple testing over kernel widths (Grosso, Letizia, Pierini, Wulzer, "Goodness of fit by
/// Neyman-Pearson testing" / the kernel NPLM multiple-testing study): several tests (one per
/// width σ_i) with p-values p_i and statistics t_i combined into one statistic, larger meaning
/// less compatible with the null, which is then calibrated on null toys like any test statistic.
public enum WidthCombination: String, CaseIterable, Codable, Sendable {
    /// −log min_i p_i
    case minP = "min-p"
    /// −(1/n) Σ p_i
    case avgP = "avg-p"
    /// −Σ log p_i
    case prodP = "prod-p"
    /// log (1/n) Σ e^{t_i} (computed as a log-sum-exp)
    case smaxT = "smax-t"

    public func statistic(p: [Double], t: [Double]) -> Double {
        switch self {
        case .minP: return -Foundation.log(p.min()!)
        case .avgP: return -p.reduce(0, +) / Double(p.count)
        case .prodP: return -p.reduce(0) { $0 + Foundation.log($1) }
        case .smaxT:
            let top = t.max()!
            if !top.isFinite { return top }
            return top + Foundation.log(t.reduce(0) { $0 + Foundation.exp($1 - top) } / Double(t.count))
        }
    }
}

/// A calibration of the width combinations: per-width p-values of a toy's t and each
/// combination's null distribution.
public protocol WidthCombinationCalibration {
    /// The per-width p-values of a toy.
    func pValues(_ t: [Double]) -> [Double]
    /// Each combination's statistic under the null.
    var nullCombined: [WidthCombination: EmpiricalPValue] { get }
}

extension WidthCombinationCalibration {
    /// The p-value of every combination for a toy.
    public func combinedPValues(_ t: [Double]) -> [WidthCombination: Double] {
        let p = pValues(t)
        var out: [WidthCombination: Double] = [:]
        for combination in WidthCombination.allCases {
            out[combination] = nullCombined[combination]!.pValue(combination.statistic(p: p, t: t))
        }
        return out
    }

    /// For each combination, the fraction of `toys` whose p-value is at most `level` (≈ level for
    /// null toys where the calibration holds).
    public func rate(_ toys: [[Double]], level: Double) -> [WidthCombination: Double] {
        let combined = toys.map(combinedPValues)
        var out: [WidthCombination: Double] = [:]
        for combination in WidthCombination.allCases {
            out[combination] = Double(combined.filter { $0[combination]! <= level }.count) / Double(max(1, toys.count))
        }
        return out
    }
}

/// The calibration of per-width and combined tests on a null campaign (toys × widths of t).
///
/// Per-width p-values are empirical, p = (1 + #{t_null ≥ t}) / (1 + N); a null toy's own p-values
/// leave it out of its null (leave-one-out: p = (1 + #{others ≥ t}) / N), so that the combined
/// statistics of the null toys have the distribution a new null toy's would. The combined
/// statistic of a signal toy is then compared with those of the null toys the same way.
public struct MultipleTestingCalibration: WidthCombinationCalibration, Sendable {
    public let widths: Int
    /// The null toys' t, toy by toy.
    public let null: [[Double]]
    let perWidth: [EmpiricalPValue]
    /// Each combination's statistic over the null toys (leave-one-out p-values).
    public let nullCombined: [WidthCombination: EmpiricalPValue]

    public init(null: [[Double]]) throws {
        guard let first = null.first, null.count >= 2 else {
            throw StatisticsError("the calibration needs at least 2 null toys")
        }
        guard null.allSatisfy({ $0.count == first.count && !$0.contains { $0.isNaN } }) else {
            throw StatisticsError("the null toys must all have the same widths and no NaN t")
        }
        widths = first.count
        self.null = null
        let perWidth = (0..<first.count).map { w in EmpiricalPValue(null: null.map { $0[w] }) }
        self.perWidth = perWidth
        var combined: [WidthCombination: EmpiricalPValue] = [:]
        let loo = null.map { toy in (0..<toy.count).map { w in Self.leaveOneOutP(perWidth[w], toy[w]) } }
        for combination in WidthCombination.allCases {
            combined[combination] = EmpiricalPValue(null: zip(loo, null).map { combination.statistic(p: $0, t: $1) })
        }
        nullCombined = combined
    }

    /// p of a null toy's own value against the other null toys: (1 + #{others ≥ t}) / N.
    static func leaveOneOutP(_ null: EmpiricalPValue, _ t: Double) -> Double {
        Double(null.countAtOrAbove(t)) / Double(null.nullCount)
    }

    /// The per-width p-values of a new toy.
    public func pValues(_ t: [Double]) -> [Double] {
        precondition(t.count == widths)
        return (0..<widths).map { perWidth[$0].pValue(t[$0]) }
    }
}
