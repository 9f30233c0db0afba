import NPLMCore

/// Which reference sample the toys of a campaign are tested against.
///
/// `.campaign` (the default): every toy against one reference sample, drawn from the campaign's
/// (seed, 0, reference) stream — t's null distribution is then the one given that sample, and a
/// signal campaign is calibrated by a null campaign of the same seed.
/// `.toy`: each toy against its own reference sample, from its (seed, toy, reference) stream —
/// t's distribution is averaged over reference samples, as the published code of the kernel NPLM
/// (Letizia et al., "Learning new physics efficiently with nonparametric methods") draws its toys:
/// reference and data afresh for every toy. Toy 0's reference is the same under both.
public enum ReferenceSample: String, CaseIterable, Codable, Sendable {
    case campaign
    case toy
}

/// A built-in benchmark of the NPLM preset: reference samples with uniform weights N(R₀)/N_R and
/// the data of each toy, all from (seed, toy index) alone.
/// `Benchmark1D` (1-D, e^{−x}) and `GaussianMixtureBenchmark` (d = 4…30) are the two.
public protocol NPLMToyBenchmark: Sendable {
    /// N(R₀), the expected number of background events in a data sample.
    var expectedBackground: Double { get }
    /// N_R, the size of the reference sample.
    var referenceSize: Int { get }
    /// Expected events of an added signal (0 when the signal is a changed density, not added events).
    var signalEvents: Double { get }
    /// The weight of every reference event.
    var referenceWeights: [Float] { get }
    /// The reference sample of the (seed, toy, reference) stream.
    func reference(seed: UInt64, toy: UInt32) -> EventSet
    func data(seed: UInt64, toy: UInt32) -> (events: EventSet, background: Int, signal: Int)
}

extension NPLMToyBenchmark {
    /// The campaign's reference sample, shared by its toys under `ReferenceSample.campaign`:
    /// the one of the (seed, 0, reference) stream.
    public func reference(seed: UInt64) -> EventSet { reference(seed: seed, toy: 0) }
}

extension Benchmark1D: NPLMToyBenchmark {}

extension GaussianMixtureBenchmark: NPLMToyBenchmark {
    /// The signal changes the density at a fixed N(R₀): no events are added.
    public var signalEvents: Double { 0 }
}
