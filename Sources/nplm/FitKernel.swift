import ArgumentParser
import Foundation
import NPLM

extension FitCommand {
    /// `nplm fit --model kernel`: the kernel model on the user's data against the reference, every
    /// width of --widths; with --null, each width's empirical p-value.
    func runKernel(dataPath: String, referencePath: String, results: ResultFiles) throws {
        let data = try SampleFile.events(path: dataPath, option: "--data")
        let reference = try SampleFile.events(path: referencePath, option: "--reference")
        guard data.dimension == reference.dimension else {
            throw NPLMError.invalidInput(file: "--data \(dataPath)",
                "has \(data.dimension) feature(s) per event but --reference \(referencePath) has \(reference.dimension)")
        }
        let weights: [Double]
        if let referenceWeights {
            weights = try SampleFile.weights(path: referenceWeights, option: "--reference-weights", count: reference.count,
                                             sampleLabel: "--reference \(referencePath)")
        } else {
            weights = [Double](repeating: (expected ?? Double(data.count)) / Double(reference.count), count: reference.count)
        }
        let options = try kernel.options()
        try TrainingMemory.checkKernel(centres: try options.centreCount(events: data.count + reference.count),
                                       widths: options.widths?.count ?? 1, events: data.count + reference.count,
                                       dimension: data.dimension)
        let nullRecords = try null.map { try CampaignFile.read($0) }
        let tester = try KernelTester(engine: KernelCampaignTrainerEngine.engine(training.backendRequest), options: try kernel.options(),
                                      threads: training.threads, device: training.device)
        let widths = try tester.widths(reference: reference)
        var kernelRecord = try tester.run(reference: reference, referenceWeights: weights, data: data, widths: widths,
                                          seed: seed, toy: 0)
        if let nullRecords, let null { try kernelRecord.calibrate(null: nullRecords, nullFile: null) }
        let record = FitRecord(kernel: kernelRecord, dataEvents: data.count, referenceEvents: reference.count, seed: seed)
        print("kernel model: M = \(kernelRecord.centres) centres, λ = \(Format.number(tester.options.lambda)), engine \(tester.engineDescription)")
        for w in widths.indices {
            let p = kernelRecord.empiricalP.map { ", empirical p = \(Format.number($0[w])), Z = \(Format.number(Significance.z(p: $0[w])))" } ?? ""
            let cg = kernelRecord.cg[w].map { "\($0.iterations)" }.joined(separator: "+")
            print("σ = \(Format.number(widths[w])): t = \(Format.number(kernelRecord.t[w]))\(p) (CG iterations \(cg))")
        }
        if kernelRecord.empiricalP == nil { print("(no asymptotic χ² for the kernel t: give --null with a kernel null campaign for p-values)") }
        try results.write(record: record, model: nil)
    }
}
