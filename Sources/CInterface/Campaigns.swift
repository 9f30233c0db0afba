import Foundation
import NPLM
import CNPLM

// nplm_toys, nplm_read_campaign, nplm_report, nplm_calibrate: `nplm toys`, `nplm report` and
// `nplm calibrate` as the CLI's ToysCommand (and ToysMixture), ReportCommand and CalibrateCommand
// run them. The campaign files are the CLI's: the same configuration (and hash) for the same
// options, so that a campaign started here resumes from the CLI and back.

/// The keywords of `nplm toys` besides training and the kernel model, decoded into the library's
/// `ToyCampaignRequest` (its defaults and checks, as the CLI's ToysCommand).
struct ToysArguments: Decodable {
    var toys: Int?
    var seed: UInt64?
    var preset: String?
    var expected: Double?
    var referenceSize: Int?
    var sizeA: Double?
    var sizeB: Double?
    var statistic: String?
    var benchmark: String?
    var dimension: Int?
    var signal: String?
    var signalStrength: Double?
    var signalEvents: Double?
    var nuisances: String?
    var nuisanceSigma: String?
    var nuisanceTruth: String?
    var shapeOrder: Int?
    var deltaModel: String?
    var batch: Int?
    var shard: String?
    var output: String?
    var model: String?
    var referenceSample: String?
    var truncate: Double?
    var writeSamples: String?

    /// The campaign `text` asks for, with the samples `samples` sets, checked.
    static func request(_ text: UnsafePointer<CChar>?, samples: (inout ToyCampaignRequest) -> Void = { _ in }) throws -> ToyCampaignRequest {
        let arguments = try options(ToysArguments.self, text)
        var request = ToyCampaignRequest()
        if let toys = arguments.toys { request.toys = toys }
        if let seed = arguments.seed { request.seed = seed }
        if let preset = arguments.preset {
            guard let value = CampaignPreset(rawValue: preset) else { throw InterfaceError("\(Parameter.preset) '\(preset)': give nplm or symmetric") }
            request.preset = value
        }
        request.expected = arguments.expected
        request.referenceSize = arguments.referenceSize
        request.sizeA = arguments.sizeA
        request.sizeB = arguments.sizeB
        request.statistic = try twoSampleStatistic(arguments.statistic)
        request.benchmark = try ToyBenchmarkKind(arguments.benchmark)
        request.dimension = arguments.dimension
        request.signal = try ToySignal(arguments.signal)
        request.signalStrength = arguments.signalStrength
        request.signalEvents = arguments.signalEvents
        request.nuisances = arguments.nuisances
        if let sigma = arguments.nuisanceSigma { request.nuisanceSigma = sigma }
        request.nuisanceTruth = arguments.nuisanceTruth
        request.shapeOrder = arguments.shapeOrder
        request.deltaModel = arguments.deltaModel
        if let batch = arguments.batch { request.batch = batch }
        request.shard = arguments.shard
        request.output = arguments.output
        request.truncate = arguments.truncate
        request.writeSamples = arguments.writeSamples
        request.model = try ModelFamily(arguments.model)
        request.referenceSample = try ReferenceSample(keyword: arguments.referenceSample)
        request.training = try options(TrainingArguments.self, text).request()
        request.kernel = try options(KernelArguments.self, text).request()
        samples(&request)
        try request.validate()
        return request
    }
}

extension ToyBenchmarkKind {
    /// `benchmark`: 1d (the default) or gauss.
    init(_ text: String?) throws {
        guard let kind = ToyBenchmarkKind(rawValue: text ?? ToyBenchmarkKind.oneD.rawValue) else {
            throw InterfaceError("\(Parameter.benchmark) '\(text ?? "")': give 1d or gauss")
        }
        self = kind
    }
}

extension ToySignal {
    /// The signal named `text` (none by default), as the CLI reads `--signal`.
    init(_ text: String?) throws {
        guard let signal = ToySignal(name: text ?? "none") else {
            throw InterfaceError("\(Parameter.signal) '\(text ?? "")': give one of \(ToySignal.names.joined(separator: ", "))")
        }
        self = signal
    }
}

/// A campaign's progress, for the caller's callback.
struct ProgressMessage: Encodable {
    var finished: Int
    var total: Int
    var resumed: Int
    var batchFraction: Double
    var batchSize: Int
    var backend: String
}

/// The reference sample, its weights, the pool and its weights of null toys of a caller's own
/// reference (nplm_toys, nplm_calibrate), each of which may be NULL.
struct UserReferenceArguments {
    let reference: SampleSource?
    let weights: SampleSource?
    let pool: SampleSource?
    let poolWeights: SampleSource?

    init(_ reference: UnsafePointer<nplm_sample>?, _ weights: UnsafePointer<nplm_sample>?, _ pool: UnsafePointer<nplm_sample>?,
         _ poolWeights: UnsafePointer<nplm_sample>?) {
        self.reference = SampleArgument(reference, parameter: .reference, keyword: "reference")?.source
        self.weights = SampleArgument(weights, parameter: .referenceWeights, keyword: "reference_weights")?.source
        self.pool = SampleArgument(pool, parameter: .pool, keyword: "pool")?.source
        self.poolWeights = SampleArgument(poolWeights, parameter: .poolWeights, keyword: "pool_weights")?.source
    }
}

struct ToysResponse: Encodable {
    var campaign: String
    var shard: String
    var records: [FitRecord]
    /// The summary `nplm toys` prints at the end.
    var summary: String
}

@_cdecl("nplm_toys")
public func nplmToys(_ optionsText: UnsafePointer<CChar>?, _ referenceSample: UnsafePointer<nplm_sample>?,
                     _ weightsSample: UnsafePointer<nplm_sample>?, _ poolSample: UnsafePointer<nplm_sample>?,
                     _ poolWeightsSample: UnsafePointer<nplm_sample>?,
                     _ message: nplm_message_fn?, _ context: UnsafeMutableRawPointer?,
                     _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        let messenger = Messenger(function: message, context: context)
        let user = UserReferenceArguments(referenceSample, weightsSample, poolSample, poolWeightsSample)
        let request = try ToysArguments.request(optionsText) {
            ($0.reference, $0.referenceWeights, $0.pool, $0.poolWeights) = (user.reference, user.weights, user.pool, user.poolWeights)
        }
        if request.writeSamples != nil {
            return try json(["samples": try request.writeToySamples(notice: messenger.notice)])
        }
        let run = try request.campaignRun()
        let configuration = run.configuration
        let records = try run.run(notice: messenger.notice) { progress in
            messenger.progress(ProgressMessage(finished: progress.finished, total: progress.total, resumed: progress.resumed,
                                               batchFraction: progress.batchFraction, batchSize: progress.batchSize,
                                               backend: progress.backend))
        }
        let summary = CampaignSummary.text(records: records, configuration: configuration)
        return try json(ToysResponse(campaign: configuration.hash, shard: run.shard.description, records: records, summary: summary))
    }
}

struct RecordsResponse: Encodable {
    var records: [FitRecord]
}

@_cdecl("nplm_read_campaign")
public func nplmReadCampaign(_ path: UnsafePointer<CChar>?, _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        guard let path = string(path) else { throw InterfaceError("read_campaign: no path given") }
        return try json(RecordsResponse(records: try CampaignFile.read(path)))
    }
}

struct ReportArguments: Decodable {
    var null: String?
    var alpha: Double?
    /// Further kernel-model signal campaigns reported beside the file against `null`.
    var others: [String]?
}

struct ReportResponse: Encodable {
    /// What `nplm report --json` prints.
    var report: AnyEncodable
    /// What `nplm report` prints.
    var text: String
    /// network, kernel or nuisances: which report it is.
    var kind: String
}

@_cdecl("nplm_report")
public func nplmReport(_ path: UnsafePointer<CChar>?, _ optionsText: UnsafePointer<CChar>?,
                       _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        guard let file = string(path) else { throw InterfaceError("report: no campaign file given") }
        let arguments = try options(ReportArguments.self, optionsText)
        let alpha = arguments.alpha ?? 0.05
        guard alpha > 0 && alpha < 1 else { throw InterfaceError("\(Parameter.alpha) must be in (0, 1), got \(alpha)") }
        // ReportCommand.run, without --plots.
        if let others = arguments.others, !others.isEmpty {
            let comparison = try KernelPowerComparison(files: [file] + others, nullFile: arguments.null, alpha: alpha)
            return try json(ReportResponse(report: AnyEncodable(comparison), text: comparison.text, kind: "kernel-comparison"))
        }
        let records = try CampaignFile.read(file)
        let nullRecords = try arguments.null.map { try CampaignFile.read($0) }
        if records.first?.configuration?.kernel != nil {
            let report = try KernelCampaignReport(records: records, file: file, null: nullRecords, nullFile: arguments.null ?? "null",
                                                  alpha: alpha)
            return try json(ReportResponse(report: AnyEncodable(report), text: report.text, kind: "kernel"))
        }
        if records.first?.nuisances != nil {
            let report = try NuisanceCampaignReport(records: records, file: file, null: nullRecords, nullFile: arguments.null ?? "null")
            return try json(ReportResponse(report: AnyEncodable(report), text: report.text, kind: "nuisances"))
        }
        let report = try CampaignReport(records: records, file: file, null: nullRecords, nullFile: arguments.null ?? "null")
        return try json(ReportResponse(report: AnyEncodable(report), text: report.text, kind: "network"))
    }
}

/// The keywords of `nplm calibrate` besides training, decoded into the library's `CalibrationRequest`.
struct CalibrateArguments: Decodable {
    var benchmark: String?
    var dimension: Int?
    var seed: UInt64?
    var expected: Double?
    var referenceSize: Int?
    var low: Double?
    var high: Double?
    var rootToys: Int?
    var rootSteps: Int?
    var toys: String?
    var points: Int?
    var batch: Int?
    var calibrateBiases: Bool?
    var referenceSample: String?
}

struct CalibrateResponse: Encodable {
    /// What `nplm calibrate --json` prints.
    var result: ClippingCalibration.Result
    /// The table `nplm calibrate` prints.
    var text: String
}

@_cdecl("nplm_calibrate")
public func nplmCalibrate(_ optionsText: UnsafePointer<CChar>?, _ referenceSample: UnsafePointer<nplm_sample>?,
                          _ weightsSample: UnsafePointer<nplm_sample>?, _ poolSample: UnsafePointer<nplm_sample>?,
                          _ poolWeightsSample: UnsafePointer<nplm_sample>?,
                          _ message: nplm_message_fn?, _ context: UnsafeMutableRawPointer?,
                          _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        let messenger = Messenger(function: message, context: context)
        let arguments = try options(CalibrateArguments.self, optionsText)
        var request = CalibrationRequest()
        request.benchmark = try ToyBenchmarkKind(arguments.benchmark)
        request.dimension = arguments.dimension
        if let seed = arguments.seed { request.seed = seed }
        request.expected = arguments.expected
        request.referenceSize = arguments.referenceSize
        if let low = arguments.low { request.low = low }
        if let high = arguments.high { request.high = high }
        if let rootToys = arguments.rootToys { request.rootToys = rootToys }
        if let rootSteps = arguments.rootSteps { request.rootSteps = rootSteps }
        if let toys = arguments.toys { request.toys = toys }
        if let points = arguments.points { request.points = points }
        if let batch = arguments.batch { request.batch = batch }
        if let biases = arguments.calibrateBiases { request.calibrateBiases = biases }
        request.referenceSample = try ReferenceSample(keyword: arguments.referenceSample)
        let user = UserReferenceArguments(referenceSample, weightsSample, poolSample, poolWeightsSample)
        (request.reference, request.referenceWeights, request.pool, request.poolWeights) = (user.reference, user.weights, user.pool, user.poolWeights)
        request.training = try options(TrainingArguments.self, optionsText).request()
        try request.validate()
        let outcome = try request.run(log: messenger.notice)
        return try json(CalibrateResponse(result: outcome, text: ClippingCalibration.table(outcome)))
    }
}

extension ReferenceSample {
    /// The keyword `reference_sample` (nil: the default, one per campaign).
    init(keyword: String?) throws {
        guard let keyword else { self = .campaign; return }
        guard let value = ReferenceSample(rawValue: keyword) else {
            throw InterfaceError("\(Parameter.referenceSample) '\(keyword)': give campaign or toy")
        }
        self = value
    }
}
