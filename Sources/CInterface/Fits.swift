import Foundation
import NPLM
import CNPLM

// nplm_fit, nplm_two_sample, nplm_permute: `nplm fit` and `nplm permute` on samples given in
// memory or as files, step for step as the CLI's FitCommand, FitKernel, FitNuisance and
// PermuteCommand run them.

/// The options of `nplm fit` besides training (`TrainingArguments`) and the kernel model
/// (`KernelArguments`).
struct FitArguments: Decodable {
    var expected: Double?
    var statistic: String?
    var alsoNplm: Bool?
    var seed: UInt64?
    var output: String?
    var saveModel: String?
    var preprocess: String?
    var model: String?
    var null: String?
    var recordCentres: Bool?
    // Nuisances (the CLI's FitNuisanceOptions).
    var nuisances: String?
    var nuisanceSigma: String?
    var nuisanceCentral: String?
    var shapeOrder: Int?
    var deltaModel: String?

    var nuisanceGiven: Bool {
        nuisances != nil || nuisanceSigma != nil || nuisanceCentral != nil || shapeOrder != nil || deltaModel != nil
    }
}

/// The answer of nplm_fit and nplm_two_sample.
struct FitResponse: Encodable {
    /// The record `--output` writes.
    var record: AnyEncodable
    /// The model `--save-model` writes (`SavedModel` or `KernelModelFile`; nil: the fit diverged).
    var model: AnyEncodable?
    var backend: String
    var dof: Int
    /// The kernel model: what f(x) = Σ c_m k(x, x̃_m) needs.
    var kernel: KernelFunction?
    /// The two-sample test with --also-nplm: the record of t_B(A).
    var nplm: FitRecord?
    /// The kernel model with --null: each width's Z of its empirical p-value (as `nplm fit` prints it).
    var empiricalZ: [Double]?
}

/// The learned function of a kernel-model fit: the centres (feature-major, as `EventSet` stores
/// them) and every width's coefficients.
struct KernelFunction: Encodable {
    var dimension: Int
    var centres: [Float]
    var widths: [Double]
    var coefficients: [[Double]]
    var engine: String
}

/// Type erasure for the records of the different tests.
struct AnyEncodable: Encodable {
    let encodeValue: (Encoder) throws -> Void
    init<Value: Encodable>(_ value: Value) { encodeValue = value.encode }
    func encode(to encoder: Encoder) throws { try encodeValue(encoder) }
}

/// Loads samples and checks them against each other and the network chosen by the options (`SampleFile.load`).
func loadSamples(_ samples: [SampleArgument], architecture: Architecture, network: ErrorText) throws -> [EventSet] {
    try SampleFile.load(samples.map { sample in (sample.label, sample.events) }, architecture: architecture, network: network,
                        fromOptions: true)
}

@_cdecl("nplm_fit")
public func nplmFit(_ optionsText: UnsafePointer<CChar>?, _ dataSample: UnsafePointer<nplm_sample>?,
                    _ referenceSample: UnsafePointer<nplm_sample>?, _ weightsSample: UnsafePointer<nplm_sample>?,
                    _ message: nplm_message_fn?, _ context: UnsafeMutableRawPointer?,
                    _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        let messenger = Messenger(function: message, context: context)
        let arguments = try options(FitArguments.self, optionsText)
        let training = try options(TrainingArguments.self, optionsText)
        let kernel = try options(KernelArguments.self, optionsText)
        let data = try required(dataSample, parameter: .data, keyword: "data")
        let reference = try required(referenceSample, parameter: .reference, keyword: "reference")
        let weights = SampleArgument(weightsSample, parameter: .referenceWeights, keyword: "reference_weights")
        let family = try ModelFamily(arguments.model)
        let method = try preprocessing(arguments.preprocess)

        // The checks of FitCommand.validate that concern an NPLM fit.
        try training.validate()
        if arguments.nuisanceGiven {
            guard arguments.nuisances != nil else {
                throw InterfaceError("\(Parameter.nuisanceSigma), \(Parameter.nuisanceCentral), \(Parameter.shapeOrder) and \(Parameter.deltaModel) need \(Parameter.nuisances)")
            }
            guard family == .network else {
                throw InterfaceError("\(Parameter.nuisances) fits \(Parameter.data) against \(Parameter.reference) with the network model (no two-sample test, no \(Parameter.model) kernel)")
            }
            if method != .none { throw InterfaceError("\(Parameter.preprocess) is not supported with \(Parameter.nuisances) yet (the δ̂ networks take the features as given)") }
        }
        if family == .kernel {
            _ = try kernel.options()
        } else if kernel.anyGiven || arguments.recordCentres == true {
            throw InterfaceError(KernelOptions.belongToKernelModel([.recordCentres]))
        } else if arguments.null != nil {
            // The network's fits with a null campaign are nplm_fit_many's (FitCommand.runSamples).
            if arguments.nuisanceGiven { throw InterfaceError("\(Parameter.null) calibrates network fits without nuisances: leave out \(Parameter.null) or \(Parameter.nuisances)") }
            throw InterfaceError("\(Parameter.null) with the network model: call nplm_fit_many (Python: nplm.fit_many), which checks the null campaign and gives each t its empirical p-value")
        }
        if let expected = arguments.expected { try SampleSize.checkExpected(expected, parameter: .expected) }
        if arguments.expected != nil && weights != nil {
            throw InterfaceError("\(Parameter.expected) and \(Parameter.referenceWeights) both set the normalisation: give one of them")
        }
        let files = ResultFiles(output: arguments.output, model: arguments.saveModel,
                                inputs: [data.input, reference.input, weights?.input,
                                         arguments.null.map { ("\(Parameter.null)", $0) }].compactMap { $0 })
        try files.check()

        switch family {
        case .kernel:
            return try fitKernel(arguments, training: training, kernel: kernel, method: method, data: data, reference: reference,
                                 weights: weights, files: files, messenger: messenger)
        case .network where arguments.nuisances != nil:
            return try fitNuisance(arguments, training: training, data: data, reference: reference, weights: weights,
                                   files: files, messenger: messenger)
        case .network:
            return try fitNetwork(arguments, training: training, method: method, data: data, reference: reference,
                                  weights: weights, files: files, messenger: messenger)
        }
    }
}

/// `nplm fit --data --reference` with the network (FitCommand.runNPLM).
func fitNetwork(_ arguments: FitArguments, training: TrainingArguments, method: Preprocessing, data: SampleArgument,
                reference: SampleArgument, weights: SampleArgument?, files: ResultFiles, messenger: Messenger) throws -> String {
    let architecture = try training.parsedArchitecture()
    let samples = try loadSamples([data, reference], architecture: architecture, network: "\(Parameter.architecture) \(training.architectureText)")
    let (transform, prepared) = try FeatureTransform.prepare(method, fitOn: samples[1], label: "\(reference.label)",
                                                             samples: [(samples[0], data.label), (samples[1], reference.label)])
    let (dataEvents, referenceEvents) = (prepared[0], prepared[1])
    let perEvent = try weights.map { try $0.weights(count: referenceEvents.count, sampleLabel: reference.label) }
    let referenceWeights = ReferenceWeights.choose(perEvent: perEvent, expected: arguments.expected, dataCount: dataEvents.count,
                                                   referenceCount: referenceEvents.count)
    var fit = NPLMFit(architecture: architecture, data: dataEvents, reference: referenceEvents, weights: referenceWeights,
                      training: training.trainingOptions, seed: arguments.seed ?? 1, backend: try training.backendRequest())
    fit.preprocessing = transform
    if let transform { messenger.notice("preprocessing \(transform.summary)") }
    let result = try fit.run(notice: messenger.notice)
    try files.write(record: result.record, model: result.model)
    return try json(FitResponse(record: AnyEncodable(result.record), model: result.model.map(AnyEncodable.init),
                                backend: result.backendName, dof: result.dof))
}

/// `nplm fit --nuisances` (FitCommand.runNuisance): τ and Δ, t = τ − Δ.
func fitNuisance(_ arguments: FitArguments, training: TrainingArguments, data: SampleArgument, reference: SampleArgument,
                 weights: SampleArgument?, files: ResultFiles, messenger: Messenger) throws -> String {
    let architecture = try training.parsedArchitecture()
    let settings = try NuisanceSettings.parse(names: arguments.nuisances ?? "", sigmas: arguments.nuisanceSigma ?? "0.15",
                                              order: arguments.shapeOrder, deltaModel: arguments.deltaModel)
    let central = try settings.values(arguments.nuisanceCentral ?? "0", parameter: .nuisanceCentral)
    let model = try settings.model()
    let samples = try loadSamples([data, reference], architecture: architecture, network: "\(Parameter.architecture) \(training.architectureText)")
    let (dataEvents, referenceEvents) = (samples[0], samples[1])
    let perEvent = try weights.map { try $0.weights(count: referenceEvents.count, sampleLabel: reference.label) }
    let referenceWeights = ReferenceWeights.choose(perEvent: perEvent, expected: arguments.expected, dataCount: dataEvents.count,
                                                   referenceCount: referenceEvents.count)
    var fit = NuisanceFit(architecture: architecture, data: dataEvents, reference: referenceEvents, weights: referenceWeights,
                          model: model, central: central, training: training.trainingOptions, seed: arguments.seed ?? 1,
                          backend: try training.backendRequest())
    fit.settings = settings
    let result = try fit.run(dataLabel: "\(data.label)", referenceLabel: "\(reference.label)", notice: messenger.notice)
    try files.write(record: result.record, model: result.model)
    return try json(FitResponse(record: AnyEncodable(result.record), model: result.model.map(AnyEncodable.init),
                                backend: result.backendName, dof: result.dof))
}

/// `nplm fit --model kernel` (FitCommand.runKernel): every width of --widths on one set of centres
/// (in the features after --preprocess); with --null, each width's empirical p-value.
func fitKernel(_ arguments: FitArguments, training: TrainingArguments, kernel: KernelArguments, method: Preprocessing,
               data: SampleArgument, reference: SampleArgument, weights: SampleArgument?, files: ResultFiles,
               messenger: Messenger) throws -> String {
    let rawData = try data.events()
    let rawReference = try reference.events()
    guard rawData.dimension == rawReference.dimension else {
        throw NPLMError.invalidInput(file: "\(data.label)",
            "has \(rawData.dimension) feature(s) per event but \(reference.label) has \(rawReference.dimension)")
    }
    let (transform, prepared) = try FeatureTransform.prepare(method, fitOn: rawReference, label: reference.label,
                                                             samples: [(rawData, data.label), (rawReference, reference.label)])
    let (dataEvents, referenceEvents) = (prepared[0], prepared[1])
    let perEvent = try weights.map { try $0.weights(count: referenceEvents.count, sampleLabel: reference.label) }
    let referenceWeights = ReferenceWeights.choose(perEvent: perEvent, expected: arguments.expected, dataCount: dataEvents.count,
                                                   referenceCount: referenceEvents.count)
    var fit = KernelFit(data: dataEvents, reference: referenceEvents, weights: referenceWeights, options: try kernel.options(),
                        seed: arguments.seed ?? 1, backend: try training.backendRequest())
    fit.preprocessing = transform
    fit.recordCentres = arguments.recordCentres ?? false
    try fit.checkMemory()
    if let transform { messenger.notice("preprocessing \(transform.summary)") }
    let nullRecords = try arguments.null.map { (records: try CampaignFile.read($0), file: $0) }
    let result = try fit.run(null: nullRecords, notice: messenger.notice)
    try files.write(record: result.record, model: result.model)
    let function = KernelFunction(dimension: result.centres.dimension, centres: result.centres.features, widths: result.kernel.widths,
                                  coefficients: result.outcomes.map(\.coefficients), engine: result.engineName)
    return try json(FitResponse(record: AnyEncodable(result.record), model: result.model.map(AnyEncodable.init),
                                backend: result.engineName, dof: result.record.dof, kernel: function,
                                empiricalZ: result.kernel.empiricalP.map { $0.map { Significance.z(p: $0) } }))
}

@_cdecl("nplm_two_sample")
public func nplmTwoSample(_ optionsText: UnsafePointer<CChar>?, _ sampleA: UnsafePointer<nplm_sample>?,
                          _ sampleB: UnsafePointer<nplm_sample>?, _ message: nplm_message_fn?, _ context: UnsafeMutableRawPointer?,
                          _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        let messenger = Messenger(function: message, context: context)
        let arguments = try options(FitArguments.self, optionsText)
        let training = try options(TrainingArguments.self, optionsText)
        let a = try required(sampleA, parameter: .a, keyword: "a")
        let b = try required(sampleB, parameter: .b, keyword: "b")
        let method = try preprocessing(arguments.preprocess)
        let statistic = try twoSampleStatistic(arguments.statistic) ?? .symmetrized
        try training.validate()
        let files = ResultFiles(output: arguments.output, model: arguments.saveModel, inputs: [a.input, b.input].compactMap { $0 })
        try files.check()
        // FitCommand.runTwoSample.
        let architecture = try training.parsedArchitecture()
        let samples = try loadSamples([a, b], architecture: architecture, network: "\(Parameter.architecture) \(training.architectureText)")
        let (transform, prepared) = try FeatureTransform.prepare(
            method, fitOn: samples[0].appending(samples[1]), label: "the pool of \(a.label) and \(b.label)",
            samples: [(samples[0], a.label), (samples[1], b.label)])
        var fit = TwoSampleFit(architecture: architecture, a: prepared[0], b: prepared[1], statistic: statistic,
                               training: training.trainingOptions, seed: arguments.seed ?? 1, backend: try training.backendRequest(),
                               alsoNPLM: arguments.alsoNplm ?? false)
        fit.preprocessing = transform
        if let transform { messenger.notice("preprocessing \(transform.summary)") }
        let outcome = try fit.run(notice: messenger.notice)
        try files.write(record: outcome.record, model: outcome.model)
        return try json(FitResponse(record: AnyEncodable(outcome.record), model: outcome.model.map(AnyEncodable.init), backend: outcome.backendName,
                                    dof: outcome.record.dof, nplm: outcome.nplm?.record))
    }
}

/// The options of `nplm permute` besides training.
struct PermuteArguments: Decodable {
    var permutations: Int?
    var statistic: String?
    var seed: UInt64?
    var batch: Int?
    var output: String?
    var preprocess: String?
}

struct PermuteResponse: Encodable {
    var record: PermutationRecord
    var backend: String
    /// t_obs is above every permutation: p is an upper bound and Z a lower bound.
    var isBound: Bool
}

@_cdecl("nplm_permute")
public func nplmPermute(_ optionsText: UnsafePointer<CChar>?, _ sampleA: UnsafePointer<nplm_sample>?,
                        _ sampleB: UnsafePointer<nplm_sample>?, _ message: nplm_message_fn?, _ context: UnsafeMutableRawPointer?,
                        _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        let messenger = Messenger(function: message, context: context)
        let arguments = try options(PermuteArguments.self, optionsText)
        let training = try options(TrainingArguments.self, optionsText)
        let a = try required(sampleA, parameter: .a, keyword: "a")
        let b = try required(sampleB, parameter: .b, keyword: "b")
        let method = try preprocessing(arguments.preprocess)
        let statistic = try twoSampleStatistic(arguments.statistic) ?? .symmetrized
        // PermuteCommand.validate.
        try training.validate()
        guard let permutations = arguments.permutations else { throw InterfaceError("Missing expected argument '\(Parameter.permutations) <permutations>'") }
        guard permutations >= 1 else { throw InterfaceError("\(Parameter.permutations) must be at least 1, got \(permutations)") }
        guard permutations < Int(UInt32.max) else { throw InterfaceError("\(Parameter.permutations) must be below 2^32") }
        if let batch = arguments.batch, batch < 1 { throw InterfaceError("\(Parameter.batch) must be at least 1, got \(batch)") }
        // PermuteCommand.run.
        let architecture = try training.parsedArchitecture()
        let files = ResultFiles(output: arguments.output, model: nil, inputs: [a.input, b.input].compactMap { $0 })
        try files.check()
        let samples = try loadSamples([a, b], architecture: architecture, network: "\(Parameter.architecture) \(training.architectureText)")
        let (transform, prepared) = try FeatureTransform.prepare(
            method, fitOn: samples[0].appending(samples[1]), label: "the pool of \(a.label) and \(b.label)",
            samples: [(samples[0], a.label), (samples[1], b.label)])
        var test = PermutationTest(architecture: architecture, a: prepared[0], b: prepared[1], permutations: permutations,
                                   statistic: statistic, training: training.trainingOptions, seed: arguments.seed ?? 1,
                                   backend: try training.backendRequest(), batch: arguments.batch)
        test.preprocessing = transform
        let outcome = try test.run(notice: messenger.notice)
        try files.write(record: outcome.record, model: nil)
        return try json(PermuteResponse(record: outcome.record, backend: outcome.backendName, isBound: outcome.isBound))
    }
}
