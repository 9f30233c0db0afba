import Foundation
import NPLM
import CNPLM

// nplm_fit, nplm_two_sample, nplm_permute: `nplm fit` (`FitRequest`) and `nplm permute`
// (`PermuteRequest`), as the CLI runs them, on samples given in memory or as files.

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

extension FitArguments {
    /// The options as the library takes them (`FitRequest`), with the caller's samples.
    func request(training: TrainingArguments, kernel: KernelArguments) throws -> FitRequest {
        var request = FitRequest()
        request.expected = expected
        request.statistic = try twoSampleStatistic(statistic)
        request.alsoNPLM = alsoNplm ?? false
        request.seed = seed ?? 1
        request.output = output
        request.saveModel = saveModel
        request.preprocess = try preprocessing(preprocess)
        request.model = try ModelFamily(model)
        request.null = null
        request.recordCentres = recordCentres ?? false
        request.nuisances = nuisances
        request.nuisanceSigma = nuisanceSigma
        request.nuisanceCentral = nuisanceCentral
        request.shapeOrder = shapeOrder
        request.deltaModel = deltaModel
        request.training = try training.request()
        request.kernel = try kernel.request()
        return request
    }
}

@_cdecl("nplm_fit")
public func nplmFit(_ optionsText: UnsafePointer<CChar>?, _ dataSample: UnsafePointer<nplm_sample>?,
                    _ referenceSample: UnsafePointer<nplm_sample>?, _ weightsSample: UnsafePointer<nplm_sample>?,
                    _ message: nplm_message_fn?, _ context: UnsafeMutableRawPointer?,
                    _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        let messenger = Messenger(function: message, context: context)
        let arguments = try options(FitArguments.self, optionsText)
        var request = try arguments.request(training: try options(TrainingArguments.self, optionsText),
                                            kernel: try options(KernelArguments.self, optionsText))
        request.data = [try required(dataSample, parameter: .data, keyword: "data").source]
        request.reference = try required(referenceSample, parameter: .reference, keyword: "reference").source
        request.referenceWeights = SampleArgument(weightsSample, parameter: .referenceWeights, keyword: "reference_weights")?.source
        if request.model == .network, request.null != nil, !request.nuisanceGiven {
            // The network's fits with a null campaign answer one record per sample: nplm_fit_many's.
            throw InterfaceError("\(Parameter.null) with the network model: call nplm_fit_many (Python: nplm.fit_many), which checks the null campaign and gives each t its empirical p-value")
        }
        let run = try request.run(notice: messenger.notice)
        if let transform = run.preprocessing { messenger.notice("preprocessing \(transform.summary)") }
        try run.write()
        switch run.result {
        case .nplm(let fit):
            return try json(FitResponse(record: AnyEncodable(fit.record), model: fit.model.map(AnyEncodable.init),
                                        backend: fit.backendName, dof: fit.dof))
        case .nuisance(let fit, _):
            return try json(FitResponse(record: AnyEncodable(fit.record), model: fit.model.map(AnyEncodable.init),
                                        backend: fit.backendName, dof: fit.dof))
        case .kernel(let fit):
            let function = KernelFunction(dimension: fit.centres.dimension, centres: fit.centres.features, widths: fit.kernel.widths,
                                          coefficients: fit.outcomes.map(\.coefficients), engine: fit.engineName)
            return try json(FitResponse(record: AnyEncodable(fit.record), model: fit.model.map(AnyEncodable.init),
                                        backend: fit.engineName, dof: fit.record.dof, kernel: function,
                                        empiricalZ: fit.kernel.empiricalP.map { $0.map { Significance.z(p: $0) } }))
        case .samples, .twoSample:
            preconditionFailure("one data sample against a reference without a null campaign is an NPLM, nuisance or kernel fit")
        }
    }
}

@_cdecl("nplm_two_sample")
public func nplmTwoSample(_ optionsText: UnsafePointer<CChar>?, _ sampleA: UnsafePointer<nplm_sample>?,
                          _ sampleB: UnsafePointer<nplm_sample>?, _ message: nplm_message_fn?, _ context: UnsafeMutableRawPointer?,
                          _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        let messenger = Messenger(function: message, context: context)
        var request = try options(FitArguments.self, optionsText).request(training: try options(TrainingArguments.self, optionsText),
                                                                           kernel: try options(KernelArguments.self, optionsText))
        request.a = try required(sampleA, parameter: .a, keyword: "a").source
        request.b = try required(sampleB, parameter: .b, keyword: "b").source
        let run = try request.run(notice: messenger.notice)
        if let transform = run.preprocessing { messenger.notice("preprocessing \(transform.summary)") }
        try run.write()
        guard case .twoSample(let fit) = run.result else { preconditionFailure("A and B make a two-sample test") }
        return try json(FitResponse(record: AnyEncodable(fit.record), model: fit.model.map(AnyEncodable.init), backend: fit.backendName,
                                    dof: fit.record.dof, nplm: fit.nplm?.record))
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
        var request = PermuteRequest()
        request.a = try required(sampleA, parameter: .a, keyword: "a").source
        request.b = try required(sampleB, parameter: .b, keyword: "b").source
        request.permutations = arguments.permutations
        request.statistic = try twoSampleStatistic(arguments.statistic) ?? .symmetrized
        request.seed = arguments.seed ?? 1
        request.batch = arguments.batch
        request.output = arguments.output
        request.preprocess = try preprocessing(arguments.preprocess)
        request.training = try options(TrainingArguments.self, optionsText).request()
        let outcome = try request.run(notice: messenger.notice)
        return try json(PermuteResponse(record: outcome.record, backend: outcome.backendName, isBound: outcome.isBound))
    }
}
