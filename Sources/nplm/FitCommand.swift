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

    /// The options as the library takes them (`FitRequest`: its checks, its run).
    func request() throws -> FitRequest {
        var request = FitRequest()
        request.data = dataFiles.map { .file($0, parameter: .data) }
        request.reference = reference.map { .file($0, parameter: .reference) }
        request.referenceWeights = referenceWeights.map { .file($0, parameter: .referenceWeights) }
        request.expected = expected
        request.a = sampleA.map { .file($0, parameter: .a) }
        request.b = sampleB.map { .file($0, parameter: .b) }
        request.statistic = statistic
        request.alsoNPLM = alsoNplm
        request.seed = seed
        request.output = output
        request.saveModel = saveModel
        request.plots = plots
        request.preprocess = preprocess
        request.model = model
        request.null = null
        request.recordCentres = recordCentres
        request.nuisances = nuisance.nuisances
        request.nuisanceSigma = nuisance.nuisanceSigma
        request.nuisanceCentral = nuisance.nuisanceCentral
        request.shapeOrder = nuisance.shapeOrder
        request.deltaModel = nuisance.deltaModel
        request.training = training.request
        request.kernel = try kernel.request()
        return request
    }

    func validate() throws { try flagged { try request().validate() } }

    func run() throws {
        let request = try request()
        let run = try request.run(notice: note)
        if let transform = run.preprocessing { print("preprocessing \(transform.summary)") }
        switch run.result {
        case .nplm(let result): printNPLM(result, run: run)
        case .samples(let result): printSamples(result, run: run)
        case .twoSample(let result): printTwoSample(result, run: run)
        case .nuisance(let result, let settings): printNuisance(result, settings: settings, run: run)
        case .kernel(let result): printKernel(result, run: run)
        }
        try run.write()
        if !run.plotFiles.isEmpty { note("wrote \(run.plotFiles.joined(separator: ", "))") }
    }

    /// How the reference weights were normalised, in words.
    func normalisation(_ run: FitRun) -> String {
        guard let weights = run.weights else { return "" }
        switch weights.normalisation {
        case .expected: return "expected N(R0) = \(Format.number(expected ?? 0))"
        case .observed: return "observed data count \(run.events.first)"
        case .weights: return "reference weights summing to \(Format.number(weights.total))"
        }
    }

    func printNPLM(_ result: NPLMFit.Result, run: FitRun) {
        let record = result.record
        print("NPLM t = \(Format.number(record.t))\(result.outcome.diverged ? " (diverged at epoch \(result.outcome.divergedAt!): no meaningful t; lower --learning-rate or clip the weights with --clip)" : "")")
        print("dof = \(result.dof) (normalisation: \(normalisation(run))), p = \(Format.number(record.p)), Z = \(Format.number(record.z ?? .nan))")
        print("data events: \(run.events.first), reference events: \(run.events.second), epochs: \(training.epochs), backend: \(result.backendName)")
    }

    func printTwoSample(_ result: TwoSampleFit.Result, run: FitRun) {
        let (test, record) = (result.test, result.record)
        switch statistic ?? .symmetrized {
        case .symmetrized:
            print("symmetrized t_A+B = \(Format.number(test.t)) (t_f = \(Format.number(test.f.t)), t_g = \(Format.number(test.g!.t)))")
        case .crossEntropy:
            print("cross-entropy t^delta = \(Format.number(test.t))")
        }
        print("dof = \(record.dof), p = \(Format.number(record.p)), Z = \(Format.number(record.z))")
        print("A events: \(run.events.first), B events: \(run.events.second), epochs: \(training.epochs), backend: \(result.backendName)")
        if let nplm = result.nplm {
            print("NPLM t_B(A) = \(Format.number(nplm.record.t))\(nplm.outcome.diverged ? " (diverged)" : ""), dof = \(nplm.dof), p = \(Format.number(nplm.record.p)), Z = \(Format.number(nplm.record.z ?? .nan))")
        }
    }
}

extension TwoSampleStatistic: ExpressibleByArgument {}
