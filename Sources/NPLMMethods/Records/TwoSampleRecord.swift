import NPLMData

/// The result of `nplm fit --a A --b B`: a two-sample test of whether A and B come from one
/// distribution (Bressler et al., Symmetrized Approach).
public struct TwoSampleRecord: Codable, Sendable, Equatable {
    public var statistic: TwoSampleStatistic
    public var aEvents: Int
    public var bEvents: Int
    /// t_{A+B} = t_f + t_g (symmetrized) or t^δ (cross-entropy); +∞ if a fit diverged.
    public var t: Double
    /// Degrees of freedom of the asymptotic χ² (P − 1) and its p-value and significance.
    public var dof: Int
    public var p: Double
    public var z: Double
    public var diverged: Bool
    public var seed: UInt64
    public var epochs: Int
    /// The fits of the test: [f, g] (symmetrized; t_f and t_g are their t) or [δ] (cross-entropy).
    /// Their `p` is NaN: a single fit of the pair has no χ² of its own; the test's is `p` above.
    public var fits: [FitRecord]
    /// With --also-nplm: the NPLM statistic t_B(A), B as the reference weighted Ñ_A/Ñ_B.
    public var nplm: FitRecord?
    /// The feature transform fitted on the pool A∪B and applied to both (absent: features as given).
    public var preprocessing: FeatureTransform?

    public init(statistic: TwoSampleStatistic, aEvents: Int, bEvents: Int, t: Double, dof: Int, p: Double, z: Double,
                diverged: Bool, seed: UInt64, epochs: Int, fits: [FitRecord], nplm: FitRecord? = nil) {
        self.statistic = statistic
        self.aEvents = aEvents
        self.bEvents = bEvents
        self.t = t
        self.dof = dof
        self.p = p
        self.z = z
        self.diverged = diverged
        self.seed = seed
        self.epochs = epochs
        self.fits = fits
        self.nplm = nplm
    }
}

/// The result of `nplm permute`: the observed two-sample statistic against its permutation null
/// distribution (Bressler et al., Symmetrized Approach, §III E).
public struct PermutationRecord: Codable, Sendable, Equatable {
    public var statistic: TwoSampleStatistic
    public var aEvents: Int
    public var bEvents: Int
    public var seed: UInt64
    public var epochs: Int
    public var permutations: Int
    /// t of the observed labelling, and its asymptotic χ²_dof p-value.
    public var observedT: Double
    public var dof: Int
    public var asymptoticP: Double
    /// t of every relabelling, in order (relabelling k is drawn from (seed, k)).
    public var permutationT: [Double]
    /// Relabellings whose fits diverged (their t is +∞ and counts as ≥ the observed t).
    public var divergedPermutations: Int
    /// #{t_perm ≥ t_obs}, the empirical p-value (1 + #{t_perm ≥ t_obs}) / (1 + K) and its Z
    /// (`EmpiricalPValue`).
    public var atLeastObserved: Int
    public var p: Double
    public var z: Double
    /// The largest Z K permutations can support: Z at p = 1/(1 + K).
    public var maxZ: Double
    /// The feature transform fitted on the pool A∪B and applied to both (absent: features as given).
    public var preprocessing: FeatureTransform?

    public init(statistic: TwoSampleStatistic, aEvents: Int, bEvents: Int, seed: UInt64, epochs: Int, observedT: Double,
                dof: Int, asymptoticP: Double, permutationT: [Double], atLeastObserved: Int, p: Double, z: Double,
                maxZ: Double) {
        self.statistic = statistic
        self.aEvents = aEvents
        self.bEvents = bEvents
        self.seed = seed
        self.epochs = epochs
        permutations = permutationT.count
        self.observedT = observedT
        self.dof = dof
        self.asymptoticP = asymptoticP
        self.permutationT = permutationT
        divergedPermutations = permutationT.filter { !$0.isFinite }.count
        self.atLeastObserved = atLeastObserved
        self.p = p
        self.z = z
        self.maxZ = maxZ
    }
}
