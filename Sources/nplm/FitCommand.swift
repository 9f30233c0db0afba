import ArgumentParser
import Foundation
import NPLM

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Test a user's data against a reference sample (NPLM), or two samples against each other.",
        discussion: """
        NPLM: nplm fit --data D --reference R [--reference-weights W | --expected N]. The reference \
        weights are those of --reference-weights (one per reference row, finite, >= 0, positive sum), \
        else uniform N/N_R with N = --expected, else N = the observed number of data events. \
        Degrees of freedom of the asymptotic chi2: P (the network's parameter count) when the \
        normalisation is given (--expected or --reference-weights, D'Agnolo et al.), P - 1 when it is the \
        observed count (Bressler et al., Symmetrized Approach).

        Two samples: nplm fit --a A --b B [--statistic symmetrized|crossentropy] [--also-nplm]: the \
        symmetrized test t_{A+B} = t_f + t_g (two fits over the pool A+B; no clipping needed) or the \
        cross-entropy test t^delta (Bressler et al., Symmetrized Approach, eq. 34), dof = P - 1. --also-nplm adds the NPLM \
        statistic t_B(A): B as the reference with weights N_A/N_B, clipping as given.

        Several samples (data-quality monitoring): --data A --data B ... or --data file.h5:/group (the \
        group's datasets, in name order) fit every sample against --reference in one batch, one line \
        each (JSON Lines on --output), each the fit of that sample alone; they need --expected or \
        --reference-weights. --null NULL adds each t's empirical p-value (1 + #{t_null >= t}) / \
        (1 + N_null) against a null campaign of nplm toys with the same network, training, N(R0) and N_R.

        Files: .npy (float32 or float64, shape (N,) or (N, d), C order), .csv with a header row, or an \
        HDF5 dataset named file.h5:/group/name (float32 or float64, (N,) or (N, d)); \
        one row per event. Results: printed, and as JSON on --output (written whole or not at all).

        Nuisances: --nuisances scale,norm [--nuisance-sigma S] [--nuisance-central NU_HAT] \
        [--delta-model D | --shape-order K]: tau and Delta fits (D'Agnolo et al., Imperfect Machine), \
        t = tau - Delta against chi2_P; the record carries tau, Delta, the fitted nu of both fits and \
        their pulls (nu - nu_hat)/sigma; --save-model keeps the tau network, both fits' nu and the \
        nuisance set-up for nplm eval.
        """)

    @Option(name: .customLong("data"), help: "NPLM: the data sample (.npy, .csv or file.h5:/dataset). Several --data, or an HDF5 group file.h5:/group (its datasets), fit several samples in one batch: one line each (see --null).")
    var dataFiles: [String] = []

    /// The first (or only) data sample.
    var data: String? { dataFiles.first }

    @Option(help: "NPLM: the reference sample (.npy, .csv or file.h5:/dataset).")
    var reference: String?

    @Option(help: "NPLM: one weight per reference event (.npy, one-column .csv or file.h5:/dataset). dof = P.")
    var referenceWeights: String?

    @Option(help: "NPLM: N(R0), the expected data count; reference weights N(R0)/N_R, dof = P. Default: the observed data count, dof = P - 1.")
    var expected: Double?

    @Option(name: .customLong("a"), help: "Two-sample test: sample A (.npy, .csv or file.h5:/dataset).")
    var sampleA: String?

    @Option(name: .customLong("b"), help: "Two-sample test: sample B (.npy, .csv or file.h5:/dataset).")
    var sampleB: String?

    @Option(help: "Two-sample test: symmetrized (t_f + t_g) or crossentropy (t^delta).")
    var statistic: TwoSampleStatistic?

    @Flag(help: "Two-sample test: also compute the NPLM statistic t_B(A) (B as reference, weights N_A/N_B).")
    var alsoNplm = false

    @Option(help: "Seed of the initial network parameters.")
    var seed: UInt64 = 1

    @Option(help: "Write the result as JSON to this file.")
    var output: String?

    @Option(help: "Write the trained model as JSON to this file, for nplm eval: the network (architecture, loss, parameters, normalisation) or, with --model kernel, the centres, every width's coefficients, σ, λ, precision and jitter, the normalisation and the preprocessing.")
    var saveModel: String?

    @Option(help: "NPLM fit of --data against --reference: write the learned log-ratio into this folder (created if needed), with --output and --save-model all or none: log-ratio.svg (1-D: f(x) and the binned data/reference log-ratio) or marginals.svg (d > 1: every feature's histograms of data, reference and e^f·reference); with --model kernel one file per width, log-ratio-sigma-σ.svg or marginals-sigma-σ.svg.")
    var plots: String?

    @Option(help: "Feature preprocessing fitted on the reference (on A+B for two samples) and applied to every sample: none, standardize ((x - mean)/std), mean (x / mean, positive features), auto (x / mean where the reference is >= 0, else standardize). Recorded in the result and the saved model.")
    var preprocess: Preprocessing = .none

    @Option(help: "Model: network or kernel (Gaussian kernel, Nyström centres; NPLM --data/--reference only).")
    var model: ModelFamily = .network

    @Option(help: "A null campaign for empirical p-values: network fits, `nplm toys` with the same --architecture, training, --clip, --expected as N(R0) and --reference-size N_R; the kernel model, `nplm toys --model kernel` with the same widths.")
    var null: String?

    @Flag(help: "Kernel model: write the Nyström centres into the record (centreIndices: their 0-based indices among the pooled events, --reference first then --data; centreFeatures: their features as the fit saw them), so that the fit can be checked independently.")
    var recordCentres = false

    @OptionGroup var training: TrainingOptionGroup

    @OptionGroup var kernel: KernelOptionGroup

    @OptionGroup(title: "Nuisance parameters (NPLM --data/--reference)") var nuisance: FitNuisanceOptions

    func validate() throws {
        try validateSamples()
        if nuisance.anyGiven {
            guard nuisance.nuisances != nil else { throw ValidationError("--nuisance-sigma, --nuisance-central, --shape-order and --delta-model need --nuisances") }
            guard model == .network, sampleA == nil, sampleB == nil else {
                throw ValidationError("--nuisances fits --data against --reference with the network model (no two-sample test, no --model kernel)")
            }
            if preprocess != .none { throw ValidationError("--preprocess is not supported with --nuisances yet (the δ̂ networks take the features as given)") }
        }
        if model == .kernel {
            guard data != nil, reference != nil, sampleA == nil, sampleB == nil else {
                throw ValidationError("--model kernel fits --data against --reference (no two-sample test)")
            }
            try training.refuseWithKernel(campaign: false)
        } else if kernel.anyGiven || recordCentres {
            throw ValidationError(KernelOptions.belongToKernelModel([.recordCentres]).description)
        }
        if plots != nil, sampleA != nil || sampleB != nil || nuisance.anyGiven {
            throw ValidationError("--plots draws the NPLM fit of --data against --reference (not the two-sample test or --nuisances yet)")
        }
        let nplm = data != nil || reference != nil || referenceWeights != nil || expected != nil
        let twoSample = sampleA != nil || sampleB != nil || statistic != nil || alsoNplm
        if nplm && twoSample {
            let nplmOptions = [("--data", data != nil), ("--reference", reference != nil), ("--reference-weights", referenceWeights != nil),
                               ("--expected", expected != nil)].filter(\.1).map(\.0)
            if sampleA != nil, sampleB != nil, data == nil, reference == nil {
                throw ValidationError("\(nplmOptions.joined(separator: " and ")) belong\(nplmOptions.count == 1 ? "s" : "") to the NPLM fit (--data, --reference); the two-sample test (--a, --b) normalises to the observed counts: leave \(nplmOptions.joined(separator: " and ")) out")
            }
            throw ValidationError("give either --data and --reference (NPLM) or --a and --b (two-sample test), not both")
        }
        if twoSample {
            guard sampleA != nil, sampleB != nil else { throw ValidationError("the two-sample test needs both --a and --b") }
        } else {
            guard data != nil, reference != nil else {
                throw ValidationError("give --data and --reference (NPLM), or --a and --b (two-sample test)")
            }
        }
        if let expected { try checkExpectedEvents(expected) }
        if expected != nil && referenceWeights != nil {
            throw ValidationError("--expected and --reference-weights both set the normalisation: give one of them")
        }
    }

    func run() throws {
        let architecture = try training.parsedArchitecture()
        // Everything that can be checked is checked before training: files, shapes, output folders.
        var results = ResultFiles(output: output, model: saveModel,
                                  inputs: [("--data", data), ("--reference", reference), ("--reference-weights", referenceWeights),
                                           ("--a", sampleA), ("--b", sampleB), ("--null", null)] + dataFiles.dropFirst().map { ("--data" as ErrorText, $0) })
        if let plots, model != .kernel {   // the kernel model's files are named after its widths (runKernel)
            results.plots = try PlotFolder.prepare(plots, files: [LogRatioPlots.fileName(dimension: architecture.inputDimension)])
        }
        try results.check()
        if model == .kernel, let data, let reference {
            try runKernel(dataPath: data, referencePath: reference, results: results)
        } else if let sampleA, let sampleB {
            try runTwoSample(architecture: architecture, pathA: sampleA, pathB: sampleB, results: results)
        } else if let data, let reference, nuisance.anyGiven {
            try runNuisance(architecture: architecture, dataPath: data, referencePath: reference, results: results)
        } else if let reference, try fitsSeveralSamples() {
            try runSamples(referencePath: reference, results: results)
        } else if let data, let reference {
            try runNPLM(architecture: architecture, dataPath: data, referencePath: reference, results: results)
        }
    }

    // MARK: - NPLM

    func runNPLM(architecture: Architecture, dataPath: String, referencePath: String, results: ResultFiles) throws {
        let samples = try Samples.load([(.data, dataPath), (.reference, referencePath)], architecture: architecture,
                                       network: "--architecture \(training.architecture)")
        let (transform, prepared) = try FeatureTransform.prepare(
            preprocess, fitOn: samples[1], label: "--reference \(referencePath)",
            samples: [(samples[0], "--data \(dataPath)"), (samples[1], "--reference \(referencePath)")])
        let (dataEvents, referenceEvents) = (prepared[0], prepared[1])
        let perEvent = try referenceWeights.map {
            try SampleFile.weights(path: $0, parameter: .referenceWeights, count: referenceEvents.count,
                                   sampleLabel: "--reference \(referencePath)")
        }
        let weights = ReferenceWeights.choose(perEvent: perEvent, expected: expected, dataCount: dataEvents.count,
                                              referenceCount: referenceEvents.count)
        var fit = NPLMFit(architecture: architecture, data: dataEvents, reference: referenceEvents, weights: weights,
                          training: training.trainingOptions, seed: seed, backend: training.backendRequest)
        fit.preprocessing = transform
        if let transform { print("preprocessing \(transform.summary)") }
        let result = try fit.run(notice: note)

        let convention: String
        switch weights.normalisation {
        case .expected: convention = "expected N(R0) = \(Format.number(expected ?? 0))"
        case .observed: convention = "observed data count \(dataEvents.count)"
        case .weights: convention = "reference weights summing to \(Format.number(weights.total))"
        }
        let record = result.record
        print("NPLM t = \(Format.number(record.t))\(result.outcome.diverged ? " (diverged at epoch \(result.outcome.divergedAt!): no meaningful t; lower --learning-rate or clip the weights with --clip)" : "")")
        print("dof = \(result.dof) (normalisation: \(convention)), p = \(Format.number(record.p)), Z = \(Format.number(record.z ?? .nan))")
        print("data events: \(dataEvents.count), reference events: \(referenceEvents.count), epochs: \(fit.training.epochs), backend: \(result.backendName)")
        var drawings: [String] = []
        if plots != nil {
            guard !result.outcome.diverged else {
                throw NPLMError.invalidArgument("--plots \(plots!): the fit diverged, so there is no log-ratio to draw (nothing was written)")
            }
            let title = "\(URL(fileURLWithPath: dataPath).lastPathComponent) against \(URL(fileURLWithPath: referencePath).lastPathComponent): t = \(Format.number(record.t))"
            drawings = [try LogRatioPlots.fit(data: samples[0], reference: samples[1], weights: weights.values, architecture: architecture,
                                              parameters: result.outcome.finalParameters, preprocessing: transform, title: title)]
        }
        try results.write(record: record, model: result.model, plots: drawings)
        if plots != nil { note("wrote \(results.plots.joined(separator: ", "))") }
    }

    // MARK: - Two samples

    func runTwoSample(architecture: Architecture, pathA: String, pathB: String, results: ResultFiles) throws {
        let samples = try Samples.load([(.a, pathA), (.b, pathB)], architecture: architecture,
                                       network: "--architecture \(training.architecture)")
        let (transform, prepared) = try FeatureTransform.prepare(
            preprocess, fitOn: samples[0].appending(samples[1]), label: "the pool of --a \(pathA) and --b \(pathB)",
            samples: [(samples[0], "--a \(pathA)"), (samples[1], "--b \(pathB)")])
        var fit = TwoSampleFit(architecture: architecture, a: prepared[0], b: prepared[1], statistic: statistic ?? .symmetrized,
                               training: training.trainingOptions, seed: seed, backend: training.backendRequest, alsoNPLM: alsoNplm)
        fit.preprocessing = transform
        if let transform { print("preprocessing \(transform.summary)") }
        let result = try fit.run(notice: note)
        let (test, record) = (result.test, result.record)
        switch fit.statistic {
        case .symmetrized:
            print("symmetrized t_A+B = \(Format.number(test.t)) (t_f = \(Format.number(test.f.t)), t_g = \(Format.number(test.g!.t)))")
        case .crossEntropy:
            print("cross-entropy t^delta = \(Format.number(test.t))")
        }
        print("dof = \(record.dof), p = \(Format.number(record.p)), Z = \(Format.number(record.z))")
        print("A events: \(fit.a.count), B events: \(fit.b.count), epochs: \(fit.training.epochs), backend: \(result.backendName)")
        if let nplm = result.nplm {
            print("NPLM t_B(A) = \(Format.number(nplm.record.t))\(nplm.outcome.diverged ? " (diverged)" : ""), dof = \(nplm.dof), p = \(Format.number(nplm.record.p)), Z = \(Format.number(nplm.record.z ?? .nan))")
        }
        try results.write(record: record, model: result.model)
    }
}

extension TwoSampleStatistic: ExpressibleByArgument {}
