import Foundation
import NPLMCore
import NPLMData

/// Which toys a campaign trains.
public enum CampaignPreset: String, CaseIterable, Codable, Sendable {
    /// The NPLM test t_B(A) on a built-in benchmark (the 1-D one, or the Gaussian mixture in d
    /// dimensions): Poisson data against a shared reference (dof = P).
    case nplm
    /// The symmetrized two-sample test on 1-D samples A and B (Bressler et al.; dof = P − 1).
    case symmetric
}

/// Everything that changes the result of a toy, and nothing else.
///
/// Two runs with equal configurations give bit-identical records for every toy index, whatever
/// the backend, thread count, batch size or shard (each backend guarantees per-fit results that do
/// not depend on the other fits of a batch). The number of toys is *not* part of it: a campaign can
/// be extended by rerunning with a larger `--toys` into the same file.
///
/// Its JSON (`CampaignConfiguration+Codable.swift`) and so its hash are those of the earlier
/// configuration of optional fields: a campaign file written before resumes, merges and reports.
public struct CampaignConfiguration: Hashable, Sendable {
    public var seed: UInt64
    /// The network's architecture. A kernel campaign carries the (unused) architecture and
    /// training options of its command too: they always were in its JSON, so in its hash.
    public var architecture: Architecture
    /// Epochs, history interval, Adam, clipping.
    public var training: TrainingOptions
    /// The benchmark, the model and the test.
    public var test: CampaignTest
    /// The NPLM preset's reference sample: one per campaign (the default) or one per toy. Only
    /// the NPLM test without nuisances draws one per toy (`validate`); in the JSON only then.
    public var referenceSample: ReferenceSample

    public init(seed: UInt64, architecture: Architecture, training: TrainingOptions, test: CampaignTest,
                referenceSample: ReferenceSample = .campaign) {
        self.seed = seed
        self.architecture = architecture
        self.training = training
        self.test = test
        self.referenceSample = referenceSample
    }

    /// The NPLM test of the network on the 1-D benchmark, with nuisance parameters when given.
    public init(seed: UInt64, architecture: Architecture, training: TrainingOptions, benchmark: Benchmark1D,
                nuisances: NuisanceSettings? = nil) {
        self.init(seed: seed, architecture: architecture, training: training,
                  test: .nplm(.oneD(benchmark, nuisances.map(NPLMModel.networkWithNuisances) ?? .network)))
    }

    /// The NPLM test of the kernel model on the 1-D benchmark (`architecture` and `training`: the
    /// command's, unused but part of the hash).
    public init(seed: UInt64, architecture: Architecture, training: TrainingOptions, benchmark: Benchmark1D, kernel: KernelOptions) {
        self.init(seed: seed, architecture: architecture, training: training, test: .nplm(.oneD(benchmark, .kernel(kernel))))
    }

    /// The NPLM test of the network on the Gaussian-mixture benchmark.
    public init(seed: UInt64, architecture: Architecture, training: TrainingOptions, mixture: GaussianMixtureBenchmark) {
        self.init(seed: seed, architecture: architecture, training: training, test: .nplm(.gaussianMixture(mixture)))
    }

    /// The two-sample test of 1-D samples.
    public init(seed: UInt64, architecture: Architecture, training: TrainingOptions, samples: SymmetricToys,
                statistic: TwoSampleStatistic) {
        self.init(seed: seed, architecture: architecture, training: training, test: .twoSample(samples, statistic))
    }

    /// Degrees of freedom of the asymptotic χ²: P for NPLM against the expected N(R₀) (D'Agnolo et al., Imperfect Machine),
    /// also for t = τ − Δ with nuisances (τ itself has P + n_ν, Δ has n_ν),
    /// P − 1 for the two-sample tests normalised to the observed counts (Bressler et al., Symmetrized Approach).
    /// 0 for the kernel model, whose t has no asymptotic χ² (its dof is fitted to null toys).
    public var degreesOfFreedom: Int {
        switch test {
        case .nplm(.oneD(_, .kernel)), .nplm(.userSample(_, .kernel)): return 0
        case .nplm: return TestStatistic.degreesOfFreedom(architecture, observedNormalisation: false)
        case .twoSample: return TwoSampleTest.degreesOfFreedom(architecture)
        }
    }

    /// The NPLM preset's benchmark: the 1-D one or the Gaussian mixture (nil for the symmetric preset).
    public var toyBenchmark: NPLMToyBenchmark? {
        if case .nplm(let benchmark) = test { return benchmark.toys }
        return nil
    }

    /// The 1-D signal of a campaign, and its expected number of events (.none and 0 for a null
    /// campaign and for the Gaussian mixture, whose signal is `mixture.signal`).
    public var signal: (kind: Signal1D, events: Double) {
        if let benchmark { return (benchmark.signal, benchmark.signalEvents) }
        if let samples { return (samples.signal, samples.signalEvents) }
        return (.none, 0)
    }

    public var hasSignal: Bool { mixture?.hasSignal ?? (signal.kind != .none && signal.events > 0) }

    /// The signal in words for reports: "NP1" or "shift, strength 0.25 (Gaussian mixture, d = 5)".
    public var signalName: String {
        guard let mixture else { return signal.kind.rawValue }
        return "\(mixture.signal.rawValue), strength \(mixture.strength) (Gaussian mixture, d = \(mixture.dimension))"
    }

    /// Z_id of the campaign's signal: `IdealSignificance` for the 1-D signals (against N(R₀), or
    /// N_A for the symmetric preset), the exact likelihood ratio's Asimov value for the Gaussian mixture.
    public var idealSignificance: Double {
        if let mixture { return mixture.idealSignificance() }
        return IdealSignificance.z(signal: signal.kind, signalEvents: signal.events,
                                   backgroundEvents: benchmark?.expectedBackground ?? samples?.expectedA ?? 1)
    }

    /// The configuration as canonical JSON: sorted keys, no whitespace, numbers as Swift prints
    /// them (shortest round-trip form), absent options left out.
    public var canonicalJSON: Data {
        // Encoding plain numbers, strings and arrays cannot fail.
        (try? NPLMJSON.encoder().encode(self)) ?? Data()
    }

    /// The campaign's identity: FNV-1a (64 bit) of the canonical JSON, as 16 hex digits.
    ///
    /// FNV-1a rather than a cryptographic hash: this is an identity check against mistakes (a
    /// rerun with other options into the same file, shards of two campaigns merged), not against
    /// an adversary, and a dozen lines of Swift keep it stable on every platform without building
    /// swift-crypto. With 2⁶⁴ values an accidental collision between campaigns is negligible.
    public var hash: String { FNV1a64.hex(canonicalJSON) }
}
