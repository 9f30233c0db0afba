import NPLMCore

/// Toys for the symmetrized test (Bressler et al., Symmetrized Approach, §III A): A and B drawn from b₀(x) = e^{−x}
/// with Poisson sizes of means N_A and N_B, and an optional signal injected in A only.
public struct SymmetricToys: Hashable, Codable, Sendable {
    public var expectedA: Double
    public var expectedB: Double
    public var signal: Signal1D
    public var signalEvents: Double

    public init(expectedA: Double, expectedB: Double, signal: Signal1D = .none, signalEvents: Double? = nil) {
        self.expectedA = expectedA
        self.expectedB = expectedB
        self.signal = signal
        self.signalEvents = signalEvents ?? signal.defaultEvents
    }

    /// Samples A and B of toy `toy`, each from its own stream.
    public func samples(seed: UInt64, toy: UInt32) -> (a: EventSet, b: EventSet, signal: Int) {
        var streamA = RandomStream(seed: seed, toy: toy, purpose: .sampleA)
        var streamB = RandomStream(seed: seed, toy: toy, purpose: .sampleB)
        var a = (0..<streamA.poisson(mean: expectedA)).map { _ in Float(streamA.exponential()) }
        let b = (0..<streamB.poisson(mean: expectedB)).map { _ in Float(streamB.exponential()) }
        var nS = 0
        if signal != .none && signalEvents > 0 {
            var signalStream = RandomStream(seed: seed, toy: toy, purpose: .signal)
            nS = signalStream.poisson(mean: signalEvents)
            a += (0..<nS).map { _ in Float(signal.draw(&signalStream)) }
        }
        return (EventSet(a), EventSet(b), nS)
    }
}
