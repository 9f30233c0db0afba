import NPLMCore

extension FitBatch {
    /// The NPLM test t_B(A) (D'Agnolo et al., Imperfect Machine, eq. 28–29) for several data samples against one reference:
    /// the reference is shared (a = its weights, b = 0), each fit adds its data (a = 0, b = 1).
    public static func nplm(architecture: Architecture, reference: EventSet, referenceWeights: [Float],
                            data: [EventSet]) -> FitBatch {
        FitBatch(architecture: architecture, shared: reference,
                 sharedTerms: [EventTerms(a: referenceWeights, b: Array(repeating: 0, count: reference.count))],
                 own: data, ownTerms: data.map { .data(count: $0.count) })
    }
}

/// The NPLM batch of some toys of a built-in benchmark: each toy's data (from its (seed, toy)
/// streams) against the shared reference, its initial network (from (seed, toy, initialization)),
/// and the samples drawn.
public struct NPLMToyBatch {
    public let batch: FitBatch
    /// The toys' initial parameters, one network after the other.
    public let initialParameters: [Double]
    /// Each toy's data with its background and signal counts.
    public let samples: [(events: EventSet, background: Int, signal: Int)]
}

extension NPLMToyBenchmark {
    /// The batch of `toys` against `reference` weighted `referenceWeights` (drawn once per campaign).
    public func batch(architecture: Architecture, reference: EventSet, referenceWeights: [Float], seed: UInt64,
                      toys: [Int]) -> NPLMToyBatch {
        let samples = toys.map { data(seed: seed, toy: UInt32($0)) }
        let batch = FitBatch.nplm(architecture: architecture, reference: reference, referenceWeights: referenceWeights,
                                  data: samples.map(\.events))
        let initial = toys.flatMap { architecture.initialParameters(seed: seed, toy: UInt32($0)) }
        return NPLMToyBatch(batch: batch, initialParameters: initial, samples: samples)
    }

    /// The batch of `toys` against this benchmark's reference sample and weights N(R₀)/N_R.
    public func batch(architecture: Architecture, seed: UInt64, toys: [Int]) -> NPLMToyBatch {
        batch(architecture: architecture, reference: reference(seed: seed), referenceWeights: referenceWeights, seed: seed, toys: toys)
    }
}
