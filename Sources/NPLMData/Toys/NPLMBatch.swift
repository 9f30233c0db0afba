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

    /// The same test with a reference sample per fit: fit k owns its reference (a = its weights,
    /// b = 0) followed by its data (a = 0, b = 1); nothing is shared.
    public static func nplm(architecture: Architecture, references: [EventSet], referenceWeights: [Float],
                            data: [EventSet]) -> FitBatch {
        precondition(references.count == data.count)
        let zeros = [Float](repeating: 0, count: referenceWeights.count)
        return FitBatch(architecture: architecture, shared: .empty(dimension: architecture.inputDimension),
                        sharedTerms: [EventTerms(a: [], b: [])],
                        own: zip(references, data).map { $0.appending($1) },
                        ownTerms: data.map { EventTerms(a: referenceWeights + [Float](repeating: 0, count: $0.count),
                                                        b: zeros + [Float](repeating: 1, count: $0.count)) })
    }
}

/// The NPLM batch of some toys of a built-in benchmark: each toy's data (from its (seed, toy)
/// streams) against its reference sample (`ReferenceSample`), its initial network (from
/// (seed, toy, initialization)), and the samples drawn.
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
        return NPLMToyBatch(batch: batch, initialParameters: initialParameters(architecture, seed: seed, toys: toys), samples: samples)
    }

    /// The batch of `toys`, each against the reference sample `sample` gives it, weighted N(R₀)/N_R.
    public func batch(architecture: Architecture, seed: UInt64, toys: [Int], sample: ReferenceSample = .campaign) -> NPLMToyBatch {
        guard sample == .toy else {
            return batch(architecture: architecture, reference: reference(seed: seed), referenceWeights: referenceWeights, seed: seed, toys: toys)
        }
        let samples = toys.map { data(seed: seed, toy: UInt32($0)) }
        let batch = FitBatch.nplm(architecture: architecture, references: toys.map { reference(seed: seed, toy: UInt32($0)) },
                                  referenceWeights: referenceWeights, data: samples.map(\.events))
        return NPLMToyBatch(batch: batch, initialParameters: initialParameters(architecture, seed: seed, toys: toys), samples: samples)
    }

    private func initialParameters(_ architecture: Architecture, seed: UInt64, toys: [Int]) -> [Double] {
        toys.flatMap { architecture.initialParameters(seed: seed, toy: UInt32($0)) }
    }
}
