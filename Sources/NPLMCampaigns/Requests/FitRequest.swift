import Foundation
import NPLMCore
import NPLMData
import NPLMEngines
import NPLMMethods

/// `nplm fit` as a front end takes it — the command line's options, the C interface's (and so
/// Python's) keywords and samples — with the defaults, the checks of how the options go together,
/// and the run: loading the samples, the preprocessing, the reference weights, the fit of the kind
/// the options ask for, the plots and the result files, in one place.
public struct FitRequest {
    /// NPLM: the data samples (several, or an HDF5 group, fit each against `reference`).
    public var data: [SampleSource] = []
    public var reference: SampleSource?
    /// One weight per reference event.
    public var referenceWeights: SampleSource?
    /// N(R₀): the reference weights N(R₀)/N_R.
    public var expected: Double?
    /// The two-sample test: A and B.
    public var a: SampleSource?
    public var b: SampleSource?
    public var statistic: TwoSampleStatistic?
    public var alsoNPLM = false
    /// The seed of the initial network parameters, or of the kernel model's centres.
    public var seed: UInt64 = 1
    public var output: String?
    public var saveModel: String?
    /// A folder for the learned log-ratio's pictures.
    public var plots: String?
    public var preprocess = Preprocessing.none
    public var model = ModelFamily.network
    /// A null campaign's file, for empirical p-values.
    public var null: String?
    /// The kernel model: the Nyström centres in the record.
    public var recordCentres = false
    /// "scale", "norm" or "scale,norm".
    public var nuisances: String?
    public var nuisanceSigma: String?
    public var nuisanceCentral: String?
    public var shapeOrder: Int?
    public var deltaModel: String?
    /// Fit the data as a batch of samples (`NPLMFitMany`: one record each) even when one sample is
    /// given without a null campaign.
    public var asSamples = false
    public var training = TrainingRequest()
    public var kernel = KernelRequest()

    public init() {}

    /// The fits a request can ask for.
    public enum Kind: Sendable, Equatable {
        /// One data sample against the reference with the network (`NPLMFit`).
        case nplm
        /// Several data samples, or one with a null campaign (`NPLMFitMany`).
        case samples
        /// A against B (`TwoSampleFit`).
        case twoSample
        /// The data against the reference with nuisance parameters (`NuisanceFit`).
        case nuisance
        /// The kernel model (`KernelFit`).
        case kernel
    }

    public var nuisanceGiven: Bool {
        nuisances != nil || nuisanceSigma != nil || nuisanceCentral != nil || shapeOrder != nil || deltaModel != nil
    }

    var twoSampleGiven: Bool { a != nil || b != nil || statistic != nil || alsoNPLM }

    /// Refuses options that do not go together or are out of range, naming them, before any work.
    public func validate() throws {
        try training.validate()
        _ = try kernel.options()
        try validateSamples()
        if nuisanceGiven {
            guard nuisances != nil else {
                throw NPLMError.invalidArgument("\(Parameter.nuisanceSigma), \(Parameter.nuisanceCentral), \(Parameter.shapeOrder) and \(Parameter.deltaModel) need \(Parameter.nuisances)")
            }
            guard model == .network, a == nil, b == nil else {
                throw NPLMError.invalidArgument("\(Parameter.nuisances) fits \(Parameter.data) against \(Parameter.reference) with the network model (no two-sample test, no \(Parameter.model) kernel)")
            }
            if preprocess != .none {
                throw NPLMError.invalidArgument("\(Parameter.preprocess) is not supported with \(Parameter.nuisances) yet (the δ̂ networks take the features as given)")
            }
        }
        if model == .kernel {
            guard !data.isEmpty, reference != nil, a == nil, b == nil else {
                throw NPLMError.invalidArgument("\(Parameter.model) kernel fits \(Parameter.data) against \(Parameter.reference) (no two-sample test)")
            }
            try training.refuseWithKernel(campaign: false)
        } else if kernel.anyGiven || recordCentres {
            throw NPLMError.invalidArgument(KernelOptions.belongToKernelModel([.recordCentres]))
        }
        if plots != nil, a != nil || b != nil || nuisanceGiven {
            throw NPLMError.invalidArgument("\(Parameter.plots) draws the NPLM fit of \(Parameter.data) against \(Parameter.reference) (not the two-sample test or \(Parameter.nuisances) yet)")
        }
        let nplmGiven = !data.isEmpty || reference != nil || referenceWeights != nil || expected != nil
        if nplmGiven && twoSampleGiven {
            let given = [(Parameter.data, !data.isEmpty), (.reference, reference != nil), (.referenceWeights, referenceWeights != nil),
                         (.expected, expected != nil)].filter(\.1).map(\.0)
            if a != nil, b != nil, data.isEmpty, reference == nil {
                var names: ErrorText = "\(given[0])"
                for parameter in given.dropFirst() { names = names + " and \(parameter)" }
                throw NPLMError.invalidArgument("\(names) belong\(given.count == 1 ? "s" : "") to the NPLM fit (\(Parameter.data), \(Parameter.reference)); the two-sample test (\(Parameter.a), \(Parameter.b)) normalises to the observed counts: leave \(names) out")
            }
            throw NPLMError.invalidArgument("give either \(Parameter.data) and \(Parameter.reference) (NPLM) or \(Parameter.a) and \(Parameter.b) (two-sample test), not both")
        }
        if twoSampleGiven {
            guard a != nil, b != nil else { throw NPLMError.invalidArgument("the two-sample test needs both \(Parameter.a) and \(Parameter.b)") }
        } else {
            guard !data.isEmpty, reference != nil else {
                throw NPLMError.invalidArgument("give \(Parameter.data) and \(Parameter.reference) (NPLM), or \(Parameter.a) and \(Parameter.b) (two-sample test)")
            }
        }
        if let expected { try SampleSize.checkExpected(expected, parameter: .expected) }
        if null != nil && preprocess != .none {
            // A campaign's toys are trained on the features as drawn; a preprocessed fit (the
            // network's clipping, the kernel's widths act in the transformed units) is another test.
            throw NPLMError.invalidArgument("\(Parameter.null) calibrates fits of the features as given (a campaign's toys are not preprocessed): leave out \(Parameter.preprocess), or \(Parameter.null)")
        }
        if expected != nil && referenceWeights != nil {
            throw NPLMError.invalidArgument("\(Parameter.expected) and \(Parameter.referenceWeights) both set the normalisation: give one of them")
        }
    }

    /// The checks for several data samples (or one with a null campaign): what fits one sample
    /// only, and the normalisation.
    func validateSamples() throws {
        guard a == nil, b == nil, data.count > 1 || asSamples || (null != nil && model == .network) else { return }
        if data.count > 1 || asSamples {
            if model == .kernel {
                throw NPLMError.invalidArgument("several \(Parameter.data) samples are fitted with the network model: fit them one at a time with \(Parameter.model) kernel")
            }
            if nuisanceGiven { throw NPLMError.invalidArgument("\(Parameter.nuisances) fits one \(Parameter.data) sample: give one") }
        } else if nuisanceGiven {
            throw NPLMError.invalidArgument("\(Parameter.null) calibrates network fits without nuisances: leave out \(Parameter.null) or \(Parameter.nuisances)")
        }
        try refuseForSeveral(samples: data.count)
    }

    /// What one sample allows and several do not; the normalisation several samples or a null campaign need.
    func refuseForSeveral(samples: Int) throws {
        if samples > 1, saveModel != nil {
            throw NPLMError.invalidArgument("\(Parameter.saveModel) saves the model of one fit: give one \(Parameter.data) (the fit of a sample alone gives its record of the batch, bit for bit)")
        }
        if samples > 1, plots != nil { throw NPLMError.invalidArgument("\(Parameter.plots) draws one fit: give one \(Parameter.data)") }
        try NPLMFitMany.checkNormalisation(normalised: expected != nil || referenceWeights != nil, samples: samples, null: null != nil)
    }

    /// The fit the options ask for (an HDF5 group given as the data is several samples).
    public func kind() throws -> Kind {
        if model == .kernel { return .kernel }
        if a != nil, b != nil { return .twoSample }
        if nuisanceGiven { return .nuisance }
        if asSamples || data.count > 1 || null != nil { return .samples }
        return try data.first?.expanded().count ?? 1 > 1 ? .samples : .nplm
    }

    /// Checks the options, the result files and the samples, runs the fit and returns it; the
    /// result files are written by the returned run's `write()` (so a front end can show the
    /// result first).
    public func run(notice: (String) -> Void = { _ in }) throws -> FitRun {
        try validate()
        let kind = try kind()
        let sources = data.prefix(1) + [reference, referenceWeights, a, b].compactMap { $0 }
        var files = ResultFiles(output: output, model: saveModel,
                                inputs: sources.map(\.input) + [("\(Parameter.null)", null)] + data.dropFirst().map(\.input))
        if let plots, kind != .kernel {   // the kernel model's files are named after its widths (runKernel)
            files.plots = try OutputFolder.prepare(plots, parameter: .plots, files: [LogRatioPlots.fileName(dimension: try training.parsedArchitecture().inputDimension)])
        }
        try files.check()
        switch kind {
        case .nplm: return try runNPLM(files: files, notice: notice)
        case .samples: return try runSamples(files: files, notice: notice)
        case .twoSample: return try runTwoSample(files: files, notice: notice)
        case .nuisance: return try runNuisance(files: files, notice: notice)
        case .kernel: return try runKernel(files: files, notice: notice)
        }
    }

    // MARK: - The fits

    /// The samples' events in order, checked against each other and the network.
    private func load(_ sources: [SampleSource]) throws -> [EventSet] {
        try SampleFile.load(sources.map { ($0.label, $0.events) }, architecture: try training.parsedArchitecture(),
                            network: "\(Parameter.architecture) \(training.architecture)", fromOptions: true)
    }

    /// The reference weights: per event from `referenceWeights`, else N(R₀)/N_R, else the observed count.
    private func weights(referenceCount: Int, dataCount: Int) throws -> ReferenceWeights {
        let perEvent = try referenceWeights.map { try $0.weights(count: referenceCount, sampleLabel: reference!.label) }
        return ReferenceWeights.choose(perEvent: perEvent, expected: expected, dataCount: dataCount, referenceCount: referenceCount)
    }

    private func runNPLM(files: ResultFiles, notice: (String) -> Void) throws -> FitRun {
        let (dataSource, referenceSource) = (data[0], reference!)
        let samples = try load([dataSource, referenceSource])
        let (transform, prepared) = try FeatureTransform.prepare(preprocess, fitOn: samples[1], label: referenceSource.label,
                                                                 samples: [(samples[0], dataSource.label), (samples[1], referenceSource.label)])
        let weights = try weights(referenceCount: prepared[1].count, dataCount: prepared[0].count)
        var fit = NPLMFit(architecture: try training.parsedArchitecture(), data: prepared[0], reference: prepared[1], weights: weights,
                          training: training.trainingOptions, seed: seed, backend: training.backendRequest)
        fit.preprocessing = transform
        let result = try fit.run(notice: notice)
        return FitRun(result: .nplm(result), preprocessing: transform, weights: weights, events: (prepared[0].count, prepared[1].count),
                      files: files) {
            let drawings = try self.plots.map { folder in
                [try self.networkPlot(folder: folder, diverged: result.outcome.diverged, data: samples[0], reference: samples[1],
                                      weights: weights, parameters: result.outcome.finalParameters, transform: transform,
                                      title: "\(dataSource.name) against \(referenceSource.name): t = \(String(format: "%.6g", result.record.t))")]
            } ?? []
            try files.write(record: result.record, model: result.model, plots: drawings)
        }
    }

    private func networkPlot(folder: String, diverged: Bool, data: EventSet, reference: EventSet, weights: ReferenceWeights,
                             parameters: [Double], transform: FeatureTransform?, title: String) throws -> String {
        guard !diverged else {
            throw NPLMError.invalidArgument("\(Parameter.plots) \(folder): the fit diverged, so there is no log-ratio to draw (nothing was written)")
        }
        return try LogRatioPlots.fit(data: data, reference: reference, weights: weights.values, architecture: try training.parsedArchitecture(),
                                     parameters: parameters, preprocessing: transform, title: title)
    }

    private func runSamples(files: ResultFiles, notice: (String) -> Void) throws -> FitRun {
        let sources = try data.flatMap { try $0.expanded() }
        try refuseForSeveral(samples: sources.count)
        let referenceSource = reference!
        let samples = try load(sources + [referenceSource])
        let (transform, prepared) = try FeatureTransform.prepare(
            preprocess, fitOn: samples[samples.count - 1], label: referenceSource.label,
            samples: zip(samples, sources.map(\.label) + [referenceSource.label]).map { ($0, $1) })
        let referenceEvents = prepared[prepared.count - 1]
        let weights = try weights(referenceCount: referenceEvents.count, dataCount: prepared[0].count)
        var fits = NPLMFitMany(architecture: try training.parsedArchitecture(),
                               samples: zip(sources, prepared.dropLast()).map { ($0.path ?? $0.name, $1) },
                               reference: referenceEvents, weights: weights, training: training.trainingOptions,
                               seed: seed, backend: training.backendRequest)
        fits.preprocessing = transform
        let nullRecords = try null.map { (records: try CampaignFile.read($0), file: $0) }
        let result = try fits.run(null: nullRecords, notice: notice)
        return FitRun(result: .samples(result), preprocessing: transform, weights: weights, events: (prepared[0].count, referenceEvents.count),
                      files: files) {
            var drawings: [String] = []
            if let folder = self.plots, let only = result.samples.first {
                drawings = [try self.networkPlot(folder: folder, diverged: only.outcome.diverged, data: samples[0],
                                                 reference: samples[samples.count - 1], weights: weights,
                                                 parameters: only.outcome.finalParameters, transform: transform,
                                                 title: "\(sources[0].name) against \(referenceSource.name): t = \(String(format: "%.6g", only.record.fit.t))")]
            }
            try files.write(records: result.samples.map(\.record), model: result.samples.first?.model, plots: drawings)
        }
    }

    private func runTwoSample(files: ResultFiles, notice: (String) -> Void) throws -> FitRun {
        let (transform, prepared) = try TwoSamples.load(a: a!, b: b!, preprocess: preprocess, training: training)
        var fit = TwoSampleFit(architecture: try training.parsedArchitecture(), a: prepared.a, b: prepared.b,
                               statistic: statistic ?? .symmetrized, training: training.trainingOptions, seed: seed,
                               backend: training.backendRequest, alsoNPLM: alsoNPLM)
        fit.preprocessing = transform
        let result = try fit.run(notice: notice)
        return FitRun(result: .twoSample(result), preprocessing: transform, weights: nil, events: (prepared.a.count, prepared.b.count),
                      files: files) {
            try files.write(record: result.record, model: result.model)
        }
    }

    private func runNuisance(files: ResultFiles, notice: (String) -> Void) throws -> FitRun {
        let settings = try NuisanceSettings.parse(names: nuisances ?? "", sigmas: nuisanceSigma ?? "\(Benchmark1D.defaultNuisanceSigma)",
                                                  order: shapeOrder, deltaModel: deltaModel)
        let central = try settings.values(nuisanceCentral ?? "0", parameter: .nuisanceCentral)
        let nuisanceModel = try settings.model()
        let (dataSource, referenceSource) = (data[0], reference!)
        let samples = try load([dataSource, referenceSource])
        let weights = try weights(referenceCount: samples[1].count, dataCount: samples[0].count)
        var fit = NuisanceFit(architecture: try training.parsedArchitecture(), data: samples[0], reference: samples[1], weights: weights,
                              model: nuisanceModel, central: central, training: training.trainingOptions, seed: seed,
                              backend: training.backendRequest)
        fit.settings = settings
        let result = try fit.run(dataLabel: dataSource.label, referenceLabel: referenceSource.label, notice: notice)
        return FitRun(result: .nuisance(result, settings), preprocessing: nil, weights: weights, events: (samples[0].count, samples[1].count),
                      files: files) {
            try files.write(record: result.record, model: result.model)
        }
    }

    private func runKernel(files: ResultFiles, notice: (String) -> Void) throws -> FitRun {
        var files = files
        let (dataSource, referenceSource) = (data[0], reference!)
        let rawData = try dataSource.events()
        let rawReference = try referenceSource.events()
        guard rawData.dimension == rawReference.dimension else {
            throw NPLMError.invalidInput(file: dataSource.label,
                "has \(rawData.dimension) feature(s) per event but \(referenceSource.label) has \(rawReference.dimension)")
        }
        let (transform, prepared) = try FeatureTransform.prepare(preprocess, fitOn: rawReference, label: referenceSource.label,
                                                                 samples: [(rawData, dataSource.label), (rawReference, referenceSource.label)])
        let weights = try weights(referenceCount: prepared[1].count, dataCount: prepared[0].count)
        var fit = KernelFit(data: prepared[0], reference: prepared[1], weights: weights, options: try kernel.options(), seed: seed,
                            backend: training.backendRequest)
        fit.preprocessing = transform
        fit.recordCentres = recordCentres
        try fit.checkMemory()
        if let plots {
            files.plots = try OutputFolder.prepare(plots, parameter: .plots, files: try fit.widths().map { LogRatioPlots.fileName(dimension: rawData.dimension, width: $0) })
            try files.check()
        }
        let nullRecords = try null.map { (records: try CampaignFile.read($0), file: $0) }
        let result = try fit.run(null: nullRecords, notice: notice)
        return FitRun(result: .kernel(result), preprocessing: transform, weights: weights, events: (prepared[0].count, prepared[1].count),
                      files: files) { [files] in
            var drawings: [String] = []
            if let folder = self.plots {
                guard let model = result.model else {
                    throw NPLMError.invalidArgument("\(Parameter.plots) \(folder): a width's fit diverged, so there is no log-ratio to draw (nothing was written)")
                }
                drawings = try LogRatioPlots.kernelFit(data: rawData, reference: rawReference, weights: weights.values, model: model,
                                                       outcomes: result.outcomes,
                                                       titlePrefix: "\(dataSource.name) against \(referenceSource.name)").map(\.svg)
            }
            try files.write(record: result.record, model: result.model, plots: drawings)
        }
    }
}

/// A fit of `FitRequest.run`: its result, and the result files to write.
public struct FitRun {
    /// The fit's result, by kind.
    public enum Result {
        case nplm(NPLMFit.Result)
        case samples(NPLMFitMany.Result)
        case twoSample(TwoSampleFit.Result)
        case nuisance(NuisanceFit.Result, NuisanceSettings)
        case kernel(KernelFit.Result)
    }

    public var result: Result
    /// The preprocessing fitted and applied (nil: none).
    public var preprocessing: FeatureTransform?
    /// The reference weights (nil for the two-sample test).
    public var weights: ReferenceWeights?
    /// The events of the first data sample (or A) and of the reference (or B).
    public var events: (first: Int, second: Int)
    /// The plot files `write()` writes.
    public var plotFiles: [String]
    private let writeFiles: () throws -> Void

    init(result: Result, preprocessing: FeatureTransform?, weights: ReferenceWeights?, events: (first: Int, second: Int),
         files: ResultFiles, write: @escaping () throws -> Void) {
        self.result = result
        self.preprocessing = preprocessing
        self.weights = weights
        self.events = events
        self.plotFiles = files.plots
        self.writeFiles = write
    }

    /// Draws the plots asked for and writes the record(s), the model and the plots: all or none
    /// (`ResultFiles`). Throws when a plot or a model was asked for from a fit that diverged.
    public func write() throws { try writeFiles() }
}
