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
