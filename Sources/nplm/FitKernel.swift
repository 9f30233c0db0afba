import ArgumentParser
import Foundation
import NPLM

extension FitCommand {
    /// `nplm fit --model kernel`: the kernel model on the user's data against the reference, every
    /// width of --widths (in the features after --preprocess); with --null, each width's empirical
    /// p-value; --save-model, --plots and --record-centres (`KernelFit`).
    func runKernel(dataPath: String, referencePath: String, results: ResultFiles) throws {
        var results = results
        let dataLabel: ErrorText = "--data \(dataPath)", referenceLabel: ErrorText = "--reference \(referencePath)"
        let rawData = try SampleFile.events(path: dataPath, parameter: .data)
        let rawReference = try SampleFile.events(path: referencePath, parameter: .reference)
        guard rawData.dimension == rawReference.dimension else {
            throw NPLMError.invalidInput(file: dataLabel,
                "has \(rawData.dimension) feature(s) per event but --reference \(referencePath) has \(rawReference.dimension)")
        }
        let (transform, prepared) = try FeatureTransform.prepare(preprocess, fitOn: rawReference, label: referenceLabel,
                                                                 samples: [(rawData, dataLabel), (rawReference, referenceLabel)])
        let (data, reference) = (prepared[0], prepared[1])
        let perEvent = try referenceWeights.map {
            try SampleFile.weights(path: $0, parameter: .referenceWeights, count: reference.count, sampleLabel: referenceLabel)
        }
        let weights = ReferenceWeights.choose(perEvent: perEvent, expected: expected, dataCount: data.count, referenceCount: reference.count)
        var fit = KernelFit(data: data, reference: reference, weights: weights, options: try kernel.options(), seed: seed,
                            backend: training.backendRequest)
        fit.preprocessing = transform
        fit.recordCentres = recordCentres
        try fit.checkMemory()
        if let plots {
            results.plots = try PlotFolder.prepare(plots, files: try fit.widths().map { LogRatioPlots.fileName(dimension: data.dimension, width: $0) })
            try results.check()
        }
        if let transform { print("preprocessing \(transform.summary)") }
        let nullRecords = try null.map { (records: try CampaignFile.read($0), file: $0) }
        let result = try fit.run(null: nullRecords, notice: note)
        let kernelRecord = result.kernel
        print("kernel model: M = \(kernelRecord.centres) centres, λ = \(Format.number(fit.options.lambda)), \(fit.options.precision.rawValue) kernel values, engine \(result.engineName)")
        for w in kernelRecord.widths.indices {
            let p = kernelRecord.empiricalP.map { ", empirical p = \(Format.number($0[w])), Z = \(Format.number(Significance.z(p: $0[w])))" } ?? ""
            let cg = kernelRecord.cg[w].map { "\($0.iterations)" }.joined(separator: "+")
            print("σ = \(Format.number(kernelRecord.widths[w])): t = \(Format.number(kernelRecord.t[w]))\(p) (CG iterations \(cg), jitter \(Format.number(kernelRecord.jitter[w]))·M)")
        }
        if kernelRecord.empiricalP == nil { print("(no asymptotic χ² for the kernel t: give --null with a kernel null campaign for p-values)") }
        var drawings: [String] = []
        if let plots {
            guard let model = result.model else {
                throw NPLMError.invalidArgument("--plots \(plots): a width's fit diverged, so there is no log-ratio to draw (nothing was written)")
            }
            let title = "\(URL(fileURLWithPath: dataPath).lastPathComponent) against \(URL(fileURLWithPath: referencePath).lastPathComponent)"
            drawings = try LogRatioPlots.kernelFit(data: rawData, reference: rawReference, weights: weights.values, model: model,
                                                   outcomes: result.outcomes, titlePrefix: title).map(\.svg)
        }
        try results.write(record: result.record, model: result.model, plots: drawings)
        if plots != nil { note("wrote \(results.plots.joined(separator: ", "))") }
    }
}
