import Foundation

/// Mean, spread and percentiles of a sample of test statistics (for reports: ⟨t⟩ ± error against
/// the dof, percentiles of t against the χ² ones).
///
/// - mean t̄ = Σ t_i / N; sample standard deviation s = √(Σ (t_i − t̄)² / (N − 1)) (two passes;
///   0 for N = 1); standard error of the mean s/√N.
/// - percentile q ∈ [0, 1] with linear interpolation between order statistics (numpy's default
///   "linear" method): h = (N − 1) q, t₍⌊h⌋₎ + (h − ⌊h⌋)(t₍⌊h⌋+1₎ − t₍⌊h⌋₎) on the sorted sample
///   (0-based); q = ½ is the median (the mean of the two middle values for even N).
/// Non-finite values (+∞ for a diverged fit) make the mean and s infinite but leave the
/// percentiles below them finite. NaN is rejected.
public struct SampleSummary: Sendable, Equatable {
    /// The values, ascending.
    public let sorted: [Double]
    public let mean: Double
    public let standardDeviation: Double

    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "a sample summary needs at least one value")
        precondition(!values.contains { $0.isNaN }, "the sample contains NaN")
        sorted = values.sorted()
        mean = SampleSummary.mean(values)
        standardDeviation = SampleSummary.standardDeviation(values)
    }

    public var count: Int { sorted.count }
    /// s/√N.
    public var standardError: Double { standardDeviation / Double(count).squareRoot() }
    public var median: Double { percentile(0.5) }

    /// The q-quantile (q in [0, 1]) by linear interpolation, see the type's documentation.
    public func percentile(_ q: Double) -> Double { SampleSummary.percentile(sorted: sorted, q) }

    /// The q-quantile of an ascending sample by linear interpolation (numpy's "linear").
    public static func percentile(sorted s: [Double], _ q: Double) -> Double {
        precondition(!s.isEmpty && q >= 0 && q <= 1, "percentile needs a non-empty sample and q in [0, 1]")
        let h = Double(s.count - 1) * q
        let i = Int(h.rounded(.down))
        if i >= s.count - 1 { return s[s.count - 1] }
        let a = s[i], b = s[i + 1]
        let fraction = h - Double(i)
        if fraction == 0 || a == b { return a }
        return a + fraction * (b - a)
    }

    /// Σ t_i / N.
    public static func mean(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(values.count)
    }

    /// √(Σ (t_i − t̄)² / (N − 1)), two-pass; 0 for one value, +∞ if a value is infinite.
    public static func standardDeviation(_ values: [Double]) -> Double {
        let n = values.count
        if n < 2 { return 0 }
        if values.contains(where: { !$0.isFinite }) { return .infinity }
        let m = mean(values)
        let ss = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (ss / Double(n - 1)).squareRoot()
    }
}
