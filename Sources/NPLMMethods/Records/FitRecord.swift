import Foundation
import NPLMCore
import NPLMData

/// One result line: a fit with everything needed to reproduce and judge it — the network's
/// training and t with its χ², or the kernel model's t at every width (`fit`), and the samples,
/// campaign and preprocessing it belongs to. Its line keeps the keys it always had
/// (`FitRecord+Codable.swift`).
public struct FitRecord: Sendable, Equatable {
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

    /// What was fitted, and its result.
    public var fit: Fit

    /// A network's fit or the kernel model's.
    public enum Fit: Sendable, Equatable {
        case network(NetworkFit)
        /// Every width's t and its solver's trace (the kernel t has no asymptotic χ²: calibrate
        /// on null toys, `KernelCampaignReport`).
        case kernel(KernelRecord)
    }

    // MARK: - Campaign fields (absent outside toy campaigns)

    /// The campaign's configuration hash (`CampaignConfiguration.hash`): records of one campaign
    /// share it, whatever machine, shard or backend produced them.
    public var campaign: String?
    /// The shard "i/n" of the file this record was written to ("0/1": the whole campaign).
    public var shard: String?
    /// The configuration itself, so that a result file describes itself.
    public var configuration: CampaignConfiguration?
    /// The feature transform fitted on the reference and applied to every sample before training
    /// (absent: features as given).
    public var preprocessing: FeatureTransform?

    /// The record of an NPLM fit of `dataEvents` data events against `referenceEvents` reference events.
    public init(outcome: FitOutcome, dof: Int, epochs: Int, dataEvents: Int, referenceEvents: Int,
                toy: Int? = nil, seed: UInt64? = nil, backgroundEvents: Int? = nil, signalEvents: Int? = nil) {
        self.init(fit: .network(NetworkFit(outcome: outcome, dof: dof, epochs: epochs)), toy: toy, seed: seed,
                  backgroundEvents: backgroundEvents, signalEvents: signalEvents)
        self.dataEvents = dataEvents
        self.referenceEvents = referenceEvents
    }

    /// The record of a two-sample test (or of one of its fits) of samples of `aEvents` and `bEvents` events.
    public init(outcome: FitOutcome, dof: Int, epochs: Int, aEvents: Int, bEvents: Int,
                toy: Int? = nil, seed: UInt64? = nil, backgroundEvents: Int? = nil, signalEvents: Int? = nil) {
        self.init(fit: .network(NetworkFit(outcome: outcome, dof: dof, epochs: epochs)), toy: toy, seed: seed,
                  backgroundEvents: backgroundEvents, signalEvents: signalEvents)
        self.aEvents = aEvents
        self.bEvents = bEvents
    }

    /// The record of a kernel-model test of `dataEvents` data events against `referenceEvents`
    /// reference events.
    public init(kernel: KernelRecord, dataEvents: Int, referenceEvents: Int, toy: Int? = nil, seed: UInt64? = nil,
                backgroundEvents: Int? = nil, signalEvents: Int? = nil) {
        self.init(fit: .kernel(kernel), toy: toy, seed: seed, backgroundEvents: backgroundEvents, signalEvents: signalEvents)
        self.dataEvents = dataEvents
        self.referenceEvents = referenceEvents
    }

    init(fit: Fit, toy: Int?, seed: UInt64?, backgroundEvents: Int?, signalEvents: Int?) {
        self.fit = fit
        self.toy = toy
        self.seed = seed
        self.backgroundEvents = backgroundEvents
        self.signalEvents = signalEvents
    }
}

/// A network's fit: t = −2 min L with its asymptotic χ², and the training that found it.
public struct NetworkFit: Sendable, Equatable {
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
    /// For two-sample tests: the t of each fit (t_f, t_g of the symmetrized test), whose sum is t;
    /// the parameters are those of the fits one after the other.
    public var components: [Double]?
    /// For tests with nuisance parameters: τ, Δ, ν̂, the fitted ν and pulls; then t = τ − Δ
    /// (dof = P) and the parameters are those of the τ fit then the Δ fit (P + n each: network, ν).
    public var nuisances: NuisanceRecord?

    /// The fit of `outcome`, its p-value under χ²_dof (+∞ when it diverged: p = 0).
    public init(outcome: FitOutcome, dof: Int, epochs: Int) {
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

    init(t: Double, dof: Int, p: Double, z: Double?, diverged: Bool, divergedAtEpoch: Int?, epochs: Int, history: [HistoryPoint],
         initialParameters: [Double], finalParameters: [Double], components: [Double]?, nuisances: NuisanceRecord?) {
        self.t = t
        self.dof = dof
        self.p = p
        self.z = z
        self.diverged = diverged
        self.divergedAtEpoch = divergedAtEpoch
        self.epochs = epochs
        self.history = history
        self.initialParameters = initialParameters
        self.finalParameters = finalParameters
        self.components = components
        self.nuisances = nuisances
    }
}
