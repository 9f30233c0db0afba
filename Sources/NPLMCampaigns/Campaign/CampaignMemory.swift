import Foundation
import NPLMCore
import NPLMMethods

extension CampaignConfiguration {
    /// Refuses, before anything is drawn or written, a batch of `toys` toys that cannot fit in this
    /// machine's memory (`TrainingMemory`), naming the bytes and what to change.
    public func checkMemory(batch toys: Int) throws {
        let hint: ErrorText = "a smaller \(Parameter.batch) (now \(toys))"
        if let kernel {
            // One toy at a time; its pooled events are the reference and one data sample.
            guard let benchmark = toyBenchmark else { return }
            let events = benchmark.referenceSize + Self.poissonBound(benchmark.expectedBackground + benchmark.signalEvents)
            let centres = kernel.centres ?? KernelOptions.defaultCentres(events: events)
            try TrainingMemory.checkKernel(centres: min(centres, events), widths: kernel.widths?.count ?? 1, events: events,
                                           dimension: userSample?.dimension ?? architecture.inputDimension)
            return
        }
        let fits: Int, events: Int
        switch preset {
        case .nplm:
            // The 1-D benchmark's data have N(R₀)·e^{ν_N*} background events on average.
            let background = (toyBenchmark?.expectedBackground ?? 0) * Foundation.exp(benchmark?.normalizationNuisance ?? 0)
            let expected = background + (toyBenchmark?.signalEvents ?? 0)
            fits = toys * (nuisances == nil ? 1 : 2)
            // The campaign's reference is stored once; a reference per toy once per toy.
            let references = referenceSample == .toy ? toys : 1
            events = references * (toyBenchmark?.referenceSize ?? 0) + toys * Self.poissonBound(expected)
        case .symmetric:
            let expected = (samples?.expectedA ?? 0) + (samples?.expectedB ?? 0) + (samples?.signalEvents ?? 0)
            fits = toys * (statistic ?? .symmetrized).fitsPerTest
            events = toys * Self.poissonBound(expected)
        }
        try TrainingMemory.check(architecture: architecture, fits: fits, events: events, dimension: architecture.inputDimension,
                                 options: training, batchHint: hint)
    }

    /// A generous size of one toy's record in memory: its fields, the initial and final parameters,
    /// the loss history and, for the kernel model, every width's t and conjugate-gradient traces.
    var recordBytes: Double {
        let checkpoints = training.historyEvery > 0 ? Double(training.epochs) / Double(training.historyEvery) + 1 : 1
        let widths = Double(kernel?.widths?.count ?? 1)
        return 1024 + 2 * 8 * Double(architecture.parameterCount) + 16 * checkpoints
            + (kernel.map { 64 * widths * Double($0.newtonSteps + 1) } ?? 0)
    }

    /// A generous upper count of a Poisson sample of mean `mean` (mean + 6√mean + 10).
    static func poissonBound(_ mean: Double) -> Int { Int(min(mean + 6 * mean.squareRoot() + 10, 1e15)) }
}
