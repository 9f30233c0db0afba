import Foundation
import NPLMCore

extension UserSampleToys {
    /// Refuses a user's reference, its weights, a pool and N(R₀) that do not go together, naming
    /// them, before any file is read: the weights and the pool belong to a reference, and N(R₀) is
    /// given once (`expected`, or the weights' sum).
    public static func checkSources(reference: SampleSource?, referenceWeights: SampleSource?, pool: SampleSource?,
                                    poolWeights: SampleSource?, expected: Double?) throws {
        guard reference != nil || pool != nil || referenceWeights != nil || poolWeights != nil else { return }
        guard reference != nil else {
            throw NPLMError.invalidArgument("\(Parameter.pool), \(Parameter.poolWeights) and \(Parameter.referenceWeights) belong to the toys of \(Parameter.reference): give \(Parameter.reference) too")
        }
        if poolWeights != nil, pool == nil {
            throw NPLMError.invalidArgument("\(Parameter.poolWeights) weighs the events of \(Parameter.pool): give \(Parameter.pool) too (the reference's own weights are \(Parameter.referenceWeights))")
        }
        if referenceWeights != nil, expected != nil {
            throw NPLMError.invalidArgument("\(Parameter.expected) and \(Parameter.referenceWeights) both set N(R0) (the weights' sum): give one of them")
        }
        guard expected != nil || referenceWeights != nil else {
            throw NPLMError.invalidArgument("\(Parameter.reference) needs \(Parameter.expected) N(R0), the expected number of events in a data sample of your reference hypothesis (or \(Parameter.referenceWeights), whose sum is N(R0))")
        }
    }

    /// Refuses the options of the built-in benchmarks given beside a user's reference (`given`:
    /// each option and whether it was set), naming the first.
    public static func refuseBenchmarkOptions(_ given: [(Parameter, Bool)]) throws {
        guard let first = given.first(where: \.1)?.0 else { return }
        throw NPLMError.invalidArgument("\(first) belongs to the built-in benchmarks; the toys of \(Parameter.reference) are null toys of that sample (N_R is its size): leave \(first) out")
    }

    /// The toys of `reference` (checked by `checkSources`), read: its events and the pool's with
    /// the features of `architecture`'s first layer (`network` names it in messages), or any
    /// number of features when `architecture` is nil (the kernel model), and their weights.
    public static func load(reference: SampleSource, referenceWeights: SampleSource?, pool: SampleSource?, poolWeights: SampleSource?,
                            expected: Double?, architecture: Architecture?, network: ErrorText) throws -> UserSampleToys {
        let sources = ([reference] + (pool.map { [$0] } ?? [])).map { ($0.label, $0.events) }
        let events = try architecture.map { try SampleFile.load(sources, architecture: $0, network: network, fromOptions: true) }
            ?? SampleFile.load(sources)
        let weights = try referenceWeights.map { try $0.weights(count: events[0].count, sampleLabel: reference.label) }
        let drawWeights = try pool.flatMap { pool in try poolWeights.map { try $0.weights(count: events[1].count, sampleLabel: pool.label) } }
        return try UserSampleToys(expectedBackground: expected ?? 0, reference: events[0], referenceWeights: weights,
                                  pool: events.count > 1 ? events[1] : nil, poolWeights: drawWeights)
    }
}
