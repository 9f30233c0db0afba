import Foundation
import NPLMCore
import NPLMData

/// One result line: a trained fit with everything needed to reproduce and judge it.
public struct FitRecord: Codable, Sendable, Equatable {
    /// Toy index within the campaign (nil for a fit of user data).
    public var toy: Int?
    public var seed: UInt64?
    /// NPLM fits: the number of data events (background and signal where known) and of reference
    /// events. Absent for two-sample tests, which have `aEvents` and `bEvents` instead.
    public var dataEvents: Int?
    public var referenceEvents: Int?
    /// Two-sample tests: the sizes of samples A and B (every fit of the test runs over the pool
    /// A∪B). Absent for NPLM fits.
    public var aEvents: Int?
    public var bEvents: Int?
    /// Toys: background and signal events of the data (NPLM) or of sample A (two-sample tests).
    public var backgroundEvents: Int?
    public var signalEvents: Int?
    /// The test statistic t = −2 min L (+∞ if the fit diverged).
    public var t: Double
    /// Degrees of freedom of the asymptotic χ² and its p-value P(χ²_dof ≥ t).
    public var dof: Int
    public var p: Double
    /// The significance Z = Φ⁻¹(1 − p), where the writer computes it (absent in toy campaigns).
    public var z: Double?
    public var diverged: Bool
    public var divergedAtEpoch: Int?
    public var epochs: Int
    public var history: [HistoryPoint]
    public var initialParameters: [Double]
    public var finalParameters: [Double]

    // MARK: - Campaign fields (absent outside toy campaigns)

    /// The campaign's configuration hash (`CampaignConfiguration.hash`): records of one campaign
    /// share it, whatever machine, shard or backend produced them.
    public var campaign: String?
    /// The shard "i/n" of the file this record was written to ("0/1": the whole campaign).
    public var shard: String?
    /// The configuration itself, so that a result file describes itself.
    public var configuration: CampaignConfiguration?
    /// For two-sample tests: the t of each fit (t_f, t_g of the symmetrized test), whose sum is t;
    /// the parameters are those of the fits one after the other.
    public var components: [Double]?
    /// For the kernel model: every width's t and its fit's details. There `t` is the first
    /// width's t, `dof` is 0 and `p` is NaN (the kernel t has no asymptotic χ²: calibrate on null
    /// toys, `KernelCalibration`).
    public var kernel: KernelRecord?
    /// For tests with nuisance parameters: τ, Δ, ν̂, the fitted ν and pulls; then t = τ − Δ
    /// (dof = P) and the parameters are those of the τ fit then the Δ fit (P + n each: network, ν).
    public var nuisances: NuisanceRecord?
    /// The feature transform fitted on the reference and applied to every sample before training
    /// (absent: features as given).
    public var preprocessing: FeatureTransform?

    /// The record of an NPLM fit of `dataEvents` data events against `referenceEvents` reference events.
    public init(outcome: FitOutcome, dof: Int, epochs: Int, dataEvents: Int, referenceEvents: Int,
                toy: Int? = nil, seed: UInt64? = nil, backgroundEvents: Int? = nil, signalEvents: Int? = nil) {
        self.init(outcome: outcome, dof: dof, epochs: epochs, toy: toy, seed: seed, backgroundEvents: backgroundEvents,
                  signalEvents: signalEvents)
        self.dataEvents = dataEvents
        self.referenceEvents = referenceEvents
    }

    /// The record of a two-sample test (or of one of its fits) of samples of `aEvents` and `bEvents` events.
    public init(outcome: FitOutcome, dof: Int, epochs: Int, aEvents: Int, bEvents: Int,
                toy: Int? = nil, seed: UInt64? = nil, backgroundEvents: Int? = nil, signalEvents: Int? = nil) {
        self.init(outcome: outcome, dof: dof, epochs: epochs, toy: toy, seed: seed, backgroundEvents: backgroundEvents,
                  signalEvents: signalEvents)
        self.aEvents = aEvents
        self.bEvents = bEvents
    }

    private init(outcome: FitOutcome, dof: Int, epochs: Int, toy: Int?, seed: UInt64?, backgroundEvents: Int?, signalEvents: Int?) {
        self.toy = toy
        self.seed = seed
        self.backgroundEvents = backgroundEvents
        self.signalEvents = signalEvents
        t = outcome.t
        self.dof = dof
        p = TestStatistic.p(t: outcome.diverged ? .infinity : outcome.t, dof: dof)
        diverged = outcome.diverged
        divergedAtEpoch = outcome.divergedAt
        self.epochs = epochs
        history = outcome.history
        initialParameters = outcome.initialParameters
        finalParameters = outcome.finalParameters
    }
}
