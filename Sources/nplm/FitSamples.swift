import ArgumentParser
import Foundation
import NPLM

extension FitCommand {
    /// Whether this is a fit of several data samples (several --data, or an HDF5 group) or one
    /// with --null: the network's NPLM fits of `NPLMFitMany`, one line per sample.
    func fitsSeveralSamples() throws -> Bool {
        guard model == .network, !nuisance.anyGiven, sampleA == nil, sampleB == nil, !dataFiles.isEmpty else { return false }
        if dataFiles.count > 1 || null != nil { return true }
        return try SampleFile.samplePaths(dataFiles, parameter: .data) != dataFiles
    }

    /// The checks of `validate` for several --data: what fits one sample only, and the normalisation.
    func validateSamples() throws {
        guard sampleA == nil, sampleB == nil, dataFiles.count > 1 || (null != nil && model == .network) else { return }
        if dataFiles.count > 1 {
            if model == .kernel { throw ValidationError("several --data samples are fitted with the network model: fit them one at a time with --model kernel") }
            if nuisance.anyGiven { throw ValidationError("--nuisances fits one --data sample: give one") }
        } else if nuisance.anyGiven {
            throw ValidationError("--null calibrates network fits without nuisances: leave out --null or --nuisances")
        }
        try refuseForSeveral(samples: dataFiles.count)
    }

    /// What one sample allows and several do not; the normalisation several samples or --null need.
    func refuseForSeveral(samples: Int) throws {
        if samples > 1, saveModel != nil {
            throw ValidationError("--save-model saves the model of one fit: give one --data (the fit of a sample alone gives its record of the batch, bit for bit)")
        }
        if samples > 1, plots != nil { throw ValidationError("--plots draws one fit: give one --data") }
        do {
            try NPLMFitMany.checkNormalisation(normalised: expected != nil || referenceWeights != nil, samples: samples, null: null != nil)
        } catch let error as NPLMError {
            throw ValidationError(ParameterFlags.message(error))
        }
    }

    /// `nplm fit` of several samples (`NPLMFitMany`): every --data sample (an HDF5 group's
    /// datasets) against --reference in one batch, one line per sample, printed and on --output
    /// (JSON Lines); with --null each t's empirical p-value.
    func runSamples(referencePath: String, results: ResultFiles) throws {
        let architecture = try training.parsedArchitecture()
        let paths = try SampleFile.samplePaths(dataFiles, parameter: .data)
        try refuseForSeveral(samples: paths.count)
        let samples = try Samples.load(paths.map { (Parameter.data, $0) } + [(.reference, referencePath)], architecture: architecture,
                                       network: "--architecture \(training.architecture)")
        let reference = samples[samples.count - 1]
        let (transform, prepared) = try FeatureTransform.prepare(
            preprocess, fitOn: reference, label: "--reference \(referencePath)",
            samples: zip(samples, paths + [referencePath]).enumerated().map { k, sample in
                (sample.0, k < paths.count ? "--data \(sample.1)" : "--reference \(sample.1)")
            })
        let perEvent = try referenceWeights.map {
            try SampleFile.weights(path: $0, parameter: .referenceWeights, count: reference.count, sampleLabel: "--reference \(referencePath)")
        }
        let weights = ReferenceWeights.choose(perEvent: perEvent, expected: expected, dataCount: prepared[0].count,
                                              referenceCount: reference.count)
        var fits = NPLMFitMany(architecture: architecture, samples: Array(zip(paths, prepared.dropLast())).map { ($0, $1) },
                               reference: prepared[prepared.count - 1], weights: weights, training: training.trainingOptions,
                               seed: seed, backend: training.backendRequest)
        fits.preprocessing = transform
        if let transform { print("preprocessing \(transform.summary)") }
        let nullRecords = try null.map { (records: try CampaignFile.read($0), file: $0) }
        let result = try fits.run(null: nullRecords, notice: note)

        let convention: String
        switch weights.normalisation {
        case .expected: convention = "expected N(R0) = \(Format.number(expected ?? 0))"
        case .observed: convention = "observed data count \(prepared[0].count)"
        case .weights: convention = "reference weights summing to \(Format.number(weights.total))"
        }
        print("NPLM fits of \(paths.count) sample\(paths.count == 1 ? "" : "s"): dof = \(result.dof) (normalisation: \(convention)), reference events: \(reference.count), epochs: \(fits.training.epochs), backend: \(result.backendName)")
        if let campaign = result.null, let null {
            print("null campaign \(campaign.campaign) (\(null)): \(campaign.toys) toys, empirical p = (1 + #{t_null >= t}) / (1 + \(campaign.toys))")
        }
        for sample in result.samples {
            let record = sample.record
            var line = "\(record.sample): t = \(Format.number(record.fit.t)), p = \(Format.number(record.fit.p)), Z = \(Format.number(record.fit.z ?? .nan))"
            if let p = record.null {
                line += "; empirical p = \(Format.number(p.p)) (\(p.atLeast) of \(p.toys) null toys with t >= \(Format.number(record.fit.t))), Z = \(Format.number(p.z))\(p.isBound ? " (a bound)" : "")"
            }
            line += "; \(record.fit.dataEvents ?? 0) events"
            if let epoch = sample.outcome.divergedAt { line += " (diverged at epoch \(epoch))" }
            print(line)
        }
        var drawings: [String] = []
        if let plots, let only = result.samples.first {
            guard !only.outcome.diverged else {
                throw NPLMError.invalidArgument("--plots \(plots): the fit diverged, so there is no log-ratio to draw (nothing was written)")
            }
            let title = "\(URL(fileURLWithPath: paths[0]).lastPathComponent) against \(URL(fileURLWithPath: referencePath).lastPathComponent): t = \(Format.number(only.record.fit.t))"
            drawings = [try LogRatioPlots.fit(data: samples[0], reference: reference, weights: weights.values, architecture: architecture,
                                              parameters: only.outcome.finalParameters, preprocessing: transform, title: title)]
        }
        try results.write(records: result.samples.map(\.record), model: result.samples.first?.model, plots: drawings)
        if plots != nil { note("wrote \(results.plots.joined(separator: ", "))") }
    }
}
