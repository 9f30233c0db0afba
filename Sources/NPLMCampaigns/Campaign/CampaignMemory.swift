import NPLMCore
import NPLMMethods

extension CampaignConfiguration {
    /// Refuses, before anything is drawn or written, a batch of `toys` toys that cannot fit in this
    /// machine's memory (`TrainingMemory`), naming the bytes and what to change.
    public func checkMemory(batch toys: Int) throws {
        let hint: ErrorText = "a smaller \(Parameter.batch) (now \(toys))"
        if let kernel {
            // One toy at a time; its pooled events are the reference and one data sample.
            guard let benchmark else { return }
            let events = benchmark.referenceSize + Self.poissonBound(benchmark.expectedBackground + benchmark.signalEvents)
            let centres = kernel.centres ?? KernelOptions.defaultCentres(events: events)
            try TrainingMemory.checkKernel(centres: min(centres, events), widths: kernel.widths?.count ?? 1, events: events,
                                           dimension: architecture.inputDimension)
            return
        }
        let fits: Int, events: Int
        switch preset {
        case .nplm:
            let expected = (toyBenchmark?.expectedBackground ?? 0) + (toyBenchmark?.signalEvents ?? 0)
            fits = toys * (nuisances == nil ? 1 : 2)
            events = (toyBenchmark?.referenceSize ?? 0) + toys * Self.poissonBound(expected)
        case .symmetric:
            let expected = (samples?.expectedA ?? 0) + (samples?.expectedB ?? 0) + (samples?.signalEvents ?? 0)
            fits = toys * (statistic ?? .symmetrized).fitsPerTest
            events = toys * Self.poissonBound(expected)
        }
        try TrainingMemory.check(architecture: architecture, fits: fits, events: events, dimension: architecture.inputDimension,
                                 options: training, batchHint: hint)
    }

    /// A generous upper count of a Poisson sample of mean `mean` (mean + 6√mean + 10).
    static func poissonBound(_ mean: Double) -> Int { Int(min(mean + 6 * mean.squareRoot() + 10, 1e15)) }
}
