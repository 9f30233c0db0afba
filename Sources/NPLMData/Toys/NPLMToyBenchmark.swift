import NPLMCore

/// A built-in benchmark of the NPLM preset: a reference sample shared by a campaign's toys, with
/// uniform weights N(R₀)/N_R, and the data of each toy, all from (seed, toy index) alone.
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
    func reference(seed: UInt64) -> EventSet
    func data(seed: UInt64, toy: UInt32) -> (events: EventSet, background: Int, signal: Int)
}

extension Benchmark1D: NPLMToyBenchmark {}

extension GaussianMixtureBenchmark: NPLMToyBenchmark {
    /// The signal changes the density at a fixed N(R₀): no events are added.
    public var signalEvents: Double { 0 }
}
