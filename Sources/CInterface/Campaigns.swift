import Foundation
import NPLM
import CNPLM

// nplm_toys, nplm_read_campaign, nplm_report, nplm_calibrate: `nplm toys`, `nplm report` and
// `nplm calibrate` as the CLI's ToysCommand (and ToysMixture), ReportCommand and CalibrateCommand
// run them. The campaign files are the CLI's: the same configuration (and hash) for the same
// options, so that a campaign started here resumes from the CLI and back.

/// The options of `nplm toys` besides training and the kernel model.
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
}

/// `--benchmark`: 1d or gauss.
enum ToyBenchmarkKind: String {
    case oneD = "1d"
    case gauss

    init(_ text: String?) throws {
        guard let kind = ToyBenchmarkKind(rawValue: text ?? "1d") else { throw InterfaceError("\(Parameter.benchmark) '\(text ?? "")': give 1d or gauss") }
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

/// A toy campaign's options, checked and turned into the library's configuration (ToysCommand).
struct ToyCampaign {
    let arguments: ToysArguments
    let training: TrainingArguments
    let kernel: KernelArguments
    let preset: CampaignPreset
    let benchmark: ToyBenchmarkKind
    let signal: ToySignal
    let family: ModelFamily
    let statistic: TwoSampleStatistic?
    let toys: Int
    let batch: Int
    let referenceSample: ReferenceSample

    init(_ text: UnsafePointer<CChar>?) throws {
        arguments = try options(ToysArguments.self, text)
        training = try options(TrainingArguments.self, text)
        kernel = try options(KernelArguments.self, text)
        guard let preset = CampaignPreset(rawValue: arguments.preset ?? CampaignPreset.nplm.rawValue) else {
            throw InterfaceError("\(Parameter.preset) '\(arguments.preset ?? "")': give nplm or symmetric")
        }
        self.preset = preset
        benchmark = try ToyBenchmarkKind(arguments.benchmark)
        signal = try ToySignal(arguments.signal)
        family = try ModelFamily(arguments.model)
        statistic = try twoSampleStatistic(arguments.statistic)
        toys = arguments.toys ?? 100
        batch = arguments.batch ?? 64
        guard let referenceSample = ReferenceSample(rawValue: arguments.referenceSample ?? ReferenceSample.campaign.rawValue) else {
            throw InterfaceError("\(Parameter.referenceSample) '\(arguments.referenceSample ?? "")': give campaign or toy")
        }
        self.referenceSample = referenceSample
        try validate()
    }

    /// ToysCommand.validate.
    func validate() throws {
        try training.validate()
        if family == .kernel {
            if preset != .nplm { throw InterfaceError("\(Parameter.model) kernel needs \(Parameter.preset) nplm") }
            if arguments.nuisances != nil { throw InterfaceError("\(Parameter.nuisances) is not supported with \(Parameter.model) kernel yet") }
            let given = training.networkOptionsGiven
            if !given.isEmpty {
                throw InterfaceError("\(given.joined(separator: ", ")) train the network; \(Parameter.model) kernel does not use them (they would only change the campaign hash): leave them out")
            }
            _ = try kernel.options()
        }
        if family == .network && kernel.anyGiven {
            throw InterfaceError(KernelOptions.belongToKernelModel())
        }
        guard toys >= 1 else { throw InterfaceError("\(Parameter.toys) must be at least 1, got \(toys)") }
        guard toys <= Int(UInt32.max) else { throw InterfaceError("\(Parameter.toys) must be below 2^32") }
        for (value, parameter) in [(arguments.expected, Parameter.expected), (arguments.referenceSize.map(Double.init), .referenceSize),
                                   (arguments.sizeA, .sizeA), (arguments.sizeB, .sizeB), (arguments.signalEvents, .signalEvents)] {
            if let value { try checkSampleSize(value, parameter: parameter, allowZero: parameter == .signalEvents) }
        }
        if let expected = arguments.expected { try SampleSize.checkExpected(expected, parameter: .expected) }
        if arguments.signalEvents != nil && (arguments.signal ?? "none").lowercased() == "none" {
            throw InterfaceError("\(Parameter.signalEvents) sets N_S of a \(Parameter.signal) (NP1, NP2 or NP3): give a \(Parameter.signal), or leave \(Parameter.signalEvents) out")
        }
        guard batch >= 1 else { throw InterfaceError("\(Parameter.batch) must be at least 1, got \(batch)") }
        if let text = arguments.shard {
            let parsed = try Shard(parsing: text)
            guard parsed.index < toys else {
                throw InterfaceError("\(Parameter.shard) \(text): with \(Parameter.toys) \(toys) this shard holds no toy (shard i of n trains toys i, i + n, …): use i < \(min(toys, parsed.count)) or raise \(Parameter.toys)")
            }
        }
        try validateBenchmark(try training.parsedArchitecture())
        if arguments.nuisances == nil && (arguments.nuisanceTruth != nil || arguments.shapeOrder != nil || arguments.deltaModel != nil) {
            throw InterfaceError("\(Parameter.nuisanceTruth), \(Parameter.shapeOrder) and \(Parameter.deltaModel) need \(Parameter.nuisances)")
        }
        if arguments.nuisances != nil && preset != .nplm { throw InterfaceError("\(Parameter.nuisances) belongs to \(Parameter.preset) nplm") }
        switch preset {
        case .nplm:
            if arguments.sizeA != nil || arguments.sizeB != nil || statistic != nil {
                throw InterfaceError("\(Parameter.sizeA), \(Parameter.sizeB) and \(Parameter.statistic) belong to \(Parameter.preset) symmetric")
            }
        case .symmetric:
            if arguments.expected != nil || arguments.referenceSize != nil {
                throw InterfaceError("\(Parameter.expected) and \(Parameter.referenceSize) belong to \(Parameter.preset) nplm; use \(Parameter.sizeA) and \(Parameter.sizeB)")
            }
            guard arguments.sizeA != nil, arguments.sizeB != nil else { throw InterfaceError("\(Parameter.preset) symmetric needs \(Parameter.sizeA) and \(Parameter.sizeB)") }
        }
    }

    /// ToysCommand.validateBenchmark.
    func validateBenchmark(_ architecture: Architecture) throws {
        switch benchmark {
        case .oneD:
            if arguments.dimension != nil || arguments.signalStrength != nil {
                throw InterfaceError("\(Parameter.dimension) and \(Parameter.signalStrength) belong to \(Parameter.benchmark) gauss")
            }
            if case .mixture(let kind) = signal {
                throw InterfaceError("\(Parameter.signal) \(kind.rawValue) belongs to \(Parameter.benchmark) gauss; the 1-D benchmark's signals are NP1, NP2 and NP3")
            }
            try Benchmark1D.check(architecture)
        case .gauss:
            if preset != .nplm { throw InterfaceError("\(Parameter.benchmark) gauss needs \(Parameter.preset) nplm") }
            if family != .network { throw InterfaceError("\(Parameter.benchmark) gauss trains networks only (no \(Parameter.model) kernel yet)") }
            if arguments.nuisances != nil { throw InterfaceError("\(Parameter.nuisances) belongs to the 1-D benchmark, not \(Parameter.benchmark) gauss") }
            if arguments.signalEvents != nil {
                throw InterfaceError("\(Parameter.signalEvents) belongs to the 1-D benchmark; \(Parameter.benchmark) gauss sets its signal with \(Parameter.signalStrength)")
            }
            guard let kind = signal.mixture else {
                throw InterfaceError("\(Parameter.signal) \(signal) belongs to the 1-D benchmark; \(Parameter.benchmark) gauss has shift, widen and correlate")
            }
            if kind == .none && arguments.signalStrength != nil { throw InterfaceError("\(Parameter.signalStrength) needs \(Parameter.signal) shift, widen or correlate") }
            _ = try mixtureBenchmark(architecture)
        }
    }

    func mixtureBenchmark(_ architecture: Architecture) throws -> GaussianMixtureBenchmark {
        try GaussianMixtureBenchmark.forNetwork(architecture, dimension: arguments.dimension,
                            expected: arguments.expected ?? GaussianMixtureBenchmark.defaultExpectedBackground,
                            referenceSize: arguments.referenceSize ?? GaussianMixtureBenchmark.defaultReferenceSize,
                            signal: signal.mixture ?? .none, strength: arguments.signalStrength)
    }

    /// ToysCommand.campaignConfiguration.
    func configuration() throws -> CampaignConfiguration {
        var configuration = try testConfiguration()
        configuration.referenceSample = referenceSample
        return configuration
    }

    /// The configuration of the options' test, with the default reference sample.
    private func testConfiguration() throws -> CampaignConfiguration {
        let architecture = try training.parsedArchitecture()
        if benchmark == .gauss {
            var options = training.trainingOptions
            if options.clipping == nil, let bound = WeightClipping.imperfectMachine5D(architecture) {
                options.clipping = WeightClipping(bound: bound)
            }
            return CampaignConfiguration(seed: arguments.seed ?? 1, architecture: architecture, training: options,
                                         mixture: try mixtureBenchmark(architecture))
        }
        // Without a signal N_S changes nothing: left out of the configuration (and its hash).
        let oneD = signal.oneD
        let signalEvents = oneD == .none ? nil : arguments.signalEvents
        switch preset {
        case .nplm:
            var benchmark = Benchmark1D(expectedBackground: arguments.expected ?? 2000, referenceSize: arguments.referenceSize ?? 200_000,
                                        signal: oneD, signalEvents: signalEvents)
            var settings: NuisanceSettings?
            if let nuisances = arguments.nuisances {
                let parsed = try NuisanceSettings.parse(names: nuisances, sigmas: arguments.nuisanceSigma ?? "0.15",
                                                        order: arguments.shapeOrder, deltaModel: arguments.deltaModel)
                try benchmark.setNuisanceTruth(try parsed.values(arguments.nuisanceTruth ?? "0", parameter: .nuisanceTruth), settings: parsed)
                settings = parsed
            }
            if family == .kernel {
                return CampaignConfiguration(seed: arguments.seed ?? 1, architecture: architecture, training: training.trainingOptions,
                                             benchmark: benchmark, kernel: try kernel.options())
            }
            return CampaignConfiguration(seed: arguments.seed ?? 1, architecture: architecture,
                                         training: training.trainingOptions, benchmark: benchmark, nuisances: settings)
        case .symmetric:
            let samples = SymmetricToys(expectedA: arguments.sizeA ?? 0, expectedB: arguments.sizeB ?? 0, signal: oneD,
                                        signalEvents: signalEvents)
            return CampaignConfiguration(seed: arguments.seed ?? 1, architecture: architecture, training: training.trainingOptions,
                                         samples: samples, statistic: statistic ?? .symmetrized)
        }
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

struct ToysResponse: Encodable {
    var campaign: String
    var shard: String
    var records: [FitRecord]
    /// The summary `nplm toys` prints at the end.
    var summary: String
}

@_cdecl("nplm_toys")
public func nplmToys(_ optionsText: UnsafePointer<CChar>?, _ message: nplm_message_fn?, _ context: UnsafeMutableRawPointer?,
                     _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        let messenger = Messenger(function: message, context: context)
        let campaign = try ToyCampaign(optionsText)
        let configuration = try campaign.configuration()
        // ToysCommand.run.
        var run = CampaignRun(configuration: configuration, toys: campaign.toys,
                              shard: try campaign.arguments.shard.map(Shard.init(parsing:)) ?? .whole,
                              batch: campaign.batch, backend: try campaign.training.backendRequest(), output: campaign.arguments.output)
        run.inputs = campaign.arguments.deltaModel.map { [(option: "\(Parameter.deltaModel)" as ErrorText, path: $0)] } ?? []
        let records = try run.run(notice: messenger.notice) { progress in
            messenger.progress(ProgressMessage(finished: progress.finished, total: progress.total, resumed: progress.resumed,
                                               batchFraction: progress.batchFraction, batchSize: progress.batchSize,
                                               backend: progress.backend))
        }
        let summary = configuration.kernel != nil ? kernelSummary(records)
                                                  : CampaignSummary(records: records, dof: configuration.degreesOfFreedom).text
        return try json(ToysResponse(campaign: configuration.hash, shard: run.shard.description, records: records, summary: summary))
    }
}

/// The end-of-campaign summary of a kernel campaign, as `nplm toys --model kernel` prints it:
/// per width, the mean and median t.
func kernelSummary(_ records: [FitRecord]) -> String {
    func number(_ x: Double) -> String { x.isNaN ? "nan" : x.isInfinite ? (x > 0 ? "inf" : "-inf") : String(format: "%.6g", x) }
    let rows = records.compactMap(\.kernel)
    guard let widths = rows.first?.widths else { return "toys: 0" }
    var lines = ["toys: \(rows.count) (\(rows.filter { $0.t.contains { !$0.isFinite } }.count) diverged), M = \(rows[0].centres) centres"]
    for w in widths.indices {
        let ts = rows.map { $0.t[w] }.filter(\.isFinite)
        guard !ts.isEmpty else { continue }
        let summary = SampleSummary(ts)
        lines.append("σ = \(number(widths[w])): mean t \(String(format: "%.3f", summary.mean)) ± \(String(format: "%.3f", summary.standardError)), median t \(String(format: "%.3f", summary.median))")
    }
    lines.append("(the kernel t has no asymptotic χ²: `nplm report` fits its dof on a null campaign)")
    return lines.joined(separator: "\n")
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

/// The options of `nplm calibrate` besides training.
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
}

struct CalibrateResponse: Encodable {
    /// What `nplm calibrate --json` prints.
    var result: ClippingCalibration.Result
    /// The table `nplm calibrate` prints.
    var text: String
}

@_cdecl("nplm_calibrate")
public func nplmCalibrate(_ optionsText: UnsafePointer<CChar>?, _ message: nplm_message_fn?, _ context: UnsafeMutableRawPointer?,
                          _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        let messenger = Messenger(function: message, context: context)
        let arguments = try options(CalibrateArguments.self, optionsText)
        let training = try options(TrainingArguments.self, optionsText)
        let benchmark = try ToyBenchmarkKind(arguments.benchmark)
        let (low, high) = (arguments.low ?? 1, arguments.high ?? 100)
        let (rootToys, rootSteps, points, batch) = (arguments.rootToys ?? 20, arguments.rootSteps ?? 4, arguments.points ?? 5,
                                                    arguments.batch ?? 64)
        let expected = arguments.expected ?? 2000
        // CalibrateCommand.validate.
        guard training.clip == nil else { throw InterfaceError("\(Parameter.clip): nplm calibrate chooses W itself; leave \(Parameter.clip) out") }
        try training.validate()
        guard low > 0, high > low, high.isFinite else { throw InterfaceError("\(Parameter.low) and \(Parameter.high) need 0 < low < high, got \(low) and \(high)") }
        guard rootToys >= 2 else { throw InterfaceError("\(Parameter.rootToys) must be at least 2, got \(rootToys)") }
        guard rootSteps >= 0 else { throw InterfaceError("\(Parameter.rootSteps) must be 0 or positive, got \(rootSteps)") }
        guard points >= 2 else { throw InterfaceError("\(Parameter.points) must be at least 2, got \(points)") }
        guard batch >= 1 else { throw InterfaceError("\(Parameter.batch) must be at least 1, got \(batch)") }
        try SampleSize.checkExpected(expected, parameter: .expected)
        if let referenceSize = arguments.referenceSize { try checkSampleSize(Double(referenceSize), parameter: .referenceSize) }
        let scanText = arguments.toys ?? "40,100"
        let counts = scanText.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 2 }), zip(counts, counts.dropFirst()).allSatisfy({ $0! < $1! }) else {
            throw InterfaceError("\(Parameter.toys) '\(scanText)': expected increasing toy counts of at least 2, such as 40,100")
        }
        let architecture = try training.parsedArchitecture()
        // CalibrateCommand.baseConfiguration.
        let base: CampaignConfiguration
        switch benchmark {
        case .oneD:
            if arguments.dimension != nil { throw InterfaceError("\(Parameter.dimension) belongs to \(Parameter.benchmark) gauss") }
            try Benchmark1D.check(architecture)
            base = CampaignConfiguration(seed: arguments.seed ?? 1, architecture: architecture, training: training.trainingOptions,
                                         benchmark: Benchmark1D(expectedBackground: expected, referenceSize: arguments.referenceSize ?? 200_000))
        case .gauss:
            let mixture = try GaussianMixtureBenchmark.forNetwork(architecture, dimension: arguments.dimension, expected: expected,
                                              referenceSize: arguments.referenceSize ?? GaussianMixtureBenchmark.defaultReferenceSize)
            base = CampaignConfiguration(seed: arguments.seed ?? 1, architecture: architecture, training: training.trainingOptions,
                                         mixture: mixture)
        }
        // CalibrateCommand.run.
        let calibration = ClippingCalibration(base: base, clipBiases: arguments.calibrateBiases ?? false,
                                              backend: try training.backendRequest(), batch: batch, log: messenger.notice)
        let outcome = try calibration.run(low: low, high: high, rootToys: rootToys, rootSteps: rootSteps,
                                          scanToys: counts.map { $0! }, points: points)
        return try json(CalibrateResponse(result: outcome, text: ClippingCalibration.table(outcome)))
    }
}
