import Foundation

/// The empirical p-value of a test statistic against a sample of null toys:
///
///   p(t) = (1 + #{i : t_null,i ≥ t}) / (1 + N_null),
///
/// the fraction of the N_null + 1 values (null toys plus the observed one, which counts as one
/// of its own kind) at or above t. It is never 0: the smallest p it can give is 1/(1 + N_null), so
/// the largest significance it can support is Z_max = Φ⁻¹(1 − 1/(1 + N_null)) (N_null = 100 →
/// Z_max ≈ 2.33; 1000 → 3.09; 10⁶ → 4.75). A t above every null toy gets exactly that p and
/// `isBound(t)` says the true p may be smaller.
///
/// Null values that are NaN are rejected (filter diverged fits first); +∞ is a legitimate value
/// (a diverged fit counted as larger than anything finite).
public struct EmpiricalPValue: Sendable {
    /// The null toys' statistics, ascending.
    public let sortedNull: [Double]

    public init(null: [Double]) {
        precondition(!null.contains { $0.isNaN }, "the null sample contains NaN: filter diverged fits first")
        sortedNull = null.sorted()
    }

    public var nullCount: Int { sortedNull.count }

    /// #{t_null ≥ t}, by binary search.
    public func countAtOrAbove(_ t: Double) -> Int {
        var lo = 0, hi = sortedNull.count          // first index with sortedNull[i] ≥ t
        while lo < hi {
            let mid = (lo + hi) / 2
            if sortedNull[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return sortedNull.count - lo
    }

    /// p(t) = (1 + #{t_null ≥ t}) / (1 + N_null).
    public func pValue(_ t: Double) -> Double {
        Double(1 + countAtOrAbove(t)) / Double(1 + nullCount)
    }

    /// Z(t) = Φ⁻¹(1 − p(t)); at most `largestZ`.
    public func z(_ t: Double) -> Double { Significance.z(p: pValue(t)) }

    /// The smallest p-value this null sample can give, 1/(1 + N_null).
    public var smallestPValue: Double { 1 / Double(1 + nullCount) }

    /// The largest Z it can support, Φ⁻¹(1 − 1/(1 + N_null)).
    public var largestZ: Double { EmpiricalPValue.largestZ(nullCount: nullCount) }

    /// Φ⁻¹(1 − 1/(1 + N_null)) for a null sample of `nullCount` toys (through log p = −log(1 + N)).
    public static func largestZ(nullCount: Int) -> Double {
        precondition(nullCount >= 0)
        return Significance.z(logP: -Foundation.log1p(Double(nullCount)))
    }

    /// True when t is above every null toy: p(t) is then only an upper bound (Z a lower bound).
    public func isBound(_ t: Double) -> Bool { countAtOrAbove(t) == 0 }
}
