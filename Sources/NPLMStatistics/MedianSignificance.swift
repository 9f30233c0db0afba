import Foundation

/// The median significance of a set of signal toys and its error, as in Bressler et al., Symmetrized Approach, §IV B.
///
/// - t_med: the sample median of the signal toys' t (the mean of the two middle values for an even
///   count, as numpy.median).
/// - Z = Z(t_med), with Z(t) the significance of t against the null: asymptotic,
///   Z(t) = Φ⁻¹(1 − P(χ²_dof ≥ t)) (computed through log p, so it is right far beyond 8σ), or
///   empirical, Z(t) = Φ⁻¹(1 − (1 + #{t_null ≥ t})/(1 + N_null)).
/// - error (Bressler et al., Symmetrized Approach, §IV B): ε = Z(t_med) − Z(t_med − s/√N_toys), where s is "the observed standard
///   deviation of the test statistic over the N_toys toy datasets" — here the sample standard
///   deviation with the N − 1 denominator, s² = Σ (t_i − t̄)² / (N − 1) — so s/√N_toys is the
///   standard error of the mean used as a proxy for the spread of the median. The seed treats the
///   error as symmetric (Z ± ε). With an empirical null Z(t) is a step function: ε can be 0 and Z
///   saturates at Φ⁻¹(1 − 1/(1 + N_null)) (`isBound`).
///
/// Non-finite t (diverged fits) are kept: they count above every finite value for the median; the
/// standard deviation then is +∞ and so is the error. NaN is rejected.
public struct MedianSignificance: Sendable, Equatable {
    public let toys: Int
    /// t_med.
    public let median: Double
    /// s, the sample standard deviation of t (N − 1 denominator; 0 for a single toy).
    public let standardDeviation: Double
    /// Z(t_med).
    public let z: Double
    /// ε = Z(t_med) − Z(t_med − s/√N_toys).
    public let error: Double
    /// True when Z is only a lower bound (empirical null with t_med above every null toy).
    public let isBound: Bool

    /// With any significance function Z(t).
    public init(signal: [Double], significance: (Double) -> Double, isBound: (Double) -> Bool = { _ in false }) {
        precondition(!signal.isEmpty, "the median significance needs at least one signal toy")
        precondition(!signal.contains { $0.isNaN }, "the signal toys contain NaN")
        toys = signal.count
        median = MedianSignificance.median(signal)
        standardDeviation = MedianSignificance.standardDeviation(signal)
        z = significance(median)
        let shifted = median - standardDeviation / Double(toys).squareRoot()
        error = standardDeviation.isFinite ? z - significance(shifted) : .infinity
        self.isBound = isBound(median)
    }

    /// Against the asymptotic χ²_dof: Z(t) = Φ⁻¹(1 − P(χ²_dof ≥ t)), through log p.
    public init(signal: [Double], degreesOfFreedom: Double) {
        let chi2 = ChiSquared(degreesOfFreedom: degreesOfFreedom)
        self.init(signal: signal, significance: { chi2.significance($0) })
    }

    /// Against an empirical null sample.
    public init(signal: [Double], null: EmpiricalPValue) {
        self.init(signal: signal, significance: { null.z($0) }, isBound: { null.isBound($0) })
    }

    /// The sample median (mean of the two middle values for an even count): `SampleSummary`'s
    /// percentile at ½.
    public static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty)
        return SampleSummary.percentile(sorted: values.sorted(), 0.5)
    }

    /// The sample standard deviation with the N − 1 denominator (`SampleSummary`).
    public static func standardDeviation(_ values: [Double]) -> Double {
        SampleSummary.standardDeviation(values)
    }
}
