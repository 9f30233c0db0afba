import Foundation
import NPLMCore
import NPLMData
import NPLMEngines
import NPLMMethods

extension CampaignRunner {
    /// The toys of a kernel-model campaign: each toy's data against its reference sample (the
    /// campaign's, or its own: `ReferenceSample`; weights N(R₀)/N_R as the networks',
    /// `ReferenceWeights`), every width on the toy's own centres (drawn from its (seed, toy,
    /// centres) stream), so a toy's record depends only on the configuration and its index. The
    /// engine and the widths (a default width from the campaign's reference sample, toy 0's under
    /// either sampling) are set up once per campaign.
    func trainKernel(_ benchmark: NPLMToyBenchmark, options: KernelOptions, toys: [Int],
                     progress: ((Double) -> Void)?) throws -> [FitRecord] {
        guard let reference else { preconditionFailure("kernel campaign without a benchmark") }
        let (tester, widths) = try kernelTester(options, reference: reference.events)
        let seed = configuration.seed
        let samples = toys.map { benchmark.data(seed: seed, toy: UInt32($0)) }
        let references = configuration.referenceSample == .toy
            ? toys.map { benchmark.reference(seed: seed, toy: UInt32($0)) } : [reference.events]
        let weights = ReferenceWeights.expected(benchmark.expectedBackground, referenceCount: benchmark.referenceSize)
        let results = try tester.runBatch(references: references, weights: weights,
                                          data: samples.map(\.events), widths: widths, seed: seed,
                                          toys: toys.map { UInt32($0) }, progress: progress)
        return toys.indices.map { j in
            FitRecord(kernel: results[j], dataEvents: samples[j].events.count, referenceEvents: benchmark.referenceSize,
                      toy: toys[j], seed: seed, backgroundEvents: samples[j].background, signalEvents: samples[j].signal)
        }
    }

    /// The campaign's tester on the engine the device policy chooses, and its widths (the
    /// options', or the one chosen from the reference sample, announced).
    private func kernelTester(_ options: KernelOptions, reference: EventSet) throws -> (tester: KernelTester, widths: [Double]) {
        if let kernelSetup { return kernelSetup }
        let tester = try announcing(\.engineDescription) {
            try KernelTester(backend: backend, options: options, dimension: reference.dimension, notice: $0)
        }
        let widths = try tester.widths(reference: reference)
        if options.widths == nil {
            notice("kernel width from the reference sample (90th percentile of pairwise distances): σ = \(String(format: "%.4g", widths[0]))")
        }
        kernelSetup = (tester, widths)
        return (tester, widths)
    }
}
