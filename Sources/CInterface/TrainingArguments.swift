import Foundation
import NPLM

/// The training keywords of every command that trains (`nplm fit`, `permute`, `toys`,
/// `calibrate`), decoded into the library's `TrainingRequest` (its defaults and checks, as the CLI's).
struct TrainingArguments: Decodable {
    var architecture: String?
    var epochs: Int?
    var clip: Double?
    var clipBiases: Bool?
    var historyEvery: Int?
    var learningRate: Double?
    var beta1: Double?
    var beta2: Double?
    var epsilon: Double?
    var backend: String?
    var threads: Int?
    var device: Int?

    /// The keywords as the library takes them; absent ones keep the request's defaults.
    func request() throws -> TrainingRequest {
        var request = networkRequest
        if let backend {
            guard let kind = BackendKind(rawValue: backend) else {
                throw InterfaceError("\(Parameter.backend) '\(backend)': give one of \(BackendKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            request.backend = kind
        }
        request.threads = threads
        request.device = device
        return request
    }

    /// The network's and the optimiser's keywords (everything but the backend's).
    private var networkRequest: TrainingRequest {
        var request = TrainingRequest()
        if let architecture { request.architecture = architecture }
        if let epochs { request.epochs = epochs }
        request.clip = clip
        if let clipBiases { request.clipBiases = clipBiases }
        if let historyEvery { request.historyEvery = historyEvery }
        if let learningRate { request.learningRate = learningRate }
        if let beta1 { request.beta1 = beta1 }
        if let beta2 { request.beta2 = beta2 }
        if let epsilon { request.epsilon = epsilon }
        return request
    }

    /// The options, checked as the CLI checks them before any work.
    func validate() throws { try request().validate() }

    var architectureText: String { networkRequest.architecture }

    func parsedArchitecture() throws -> Architecture { try networkRequest.parsedArchitecture() }

    var trainingOptions: TrainingOptions { networkRequest.trainingOptions }

    func backendRequest() throws -> BackendRequest { try request().backendRequest }
}

/// `--preprocess`: none, standardize, mean or auto.
func preprocessing(_ text: String?) throws -> Preprocessing {
    guard let method = Preprocessing(rawValue: text ?? Preprocessing.none.rawValue) else {
        throw InterfaceError("\(Parameter.preprocess) '\(text ?? "")': give one of \(Preprocessing.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return method
}

/// `--statistic`: symmetrized or crossentropy.
func twoSampleStatistic(_ text: String?) throws -> TwoSampleStatistic? {
    guard let text else { return nil }
    guard let statistic = TwoSampleStatistic(rawValue: text) else {
        throw InterfaceError("\(Parameter.statistic) '\(text)': give one of \(TwoSampleStatistic.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return statistic
}

/// The kernel model's keywords (`widths`, `centres`, `lambda`, …), decoded into the library's
/// `KernelRequest` (as the CLI's KernelOptionGroup).
struct KernelArguments: Decodable {
    var widths: [Double]?
    var centres: Int?
    var lambda: Double?
    var newtonSteps: Int?
    var cgTolerance: Double?
    var cgMaxIterations: Int?
    var kernelPrecision: String?
    var jitter: Double?

    func request() throws -> KernelRequest {
        var request = KernelRequest()
        request.widths = widths
        request.centres = centres
        if let lambda { request.lambda = lambda }
        if let newtonSteps { request.newtonSteps = newtonSteps }
        if let cgTolerance { request.cgTolerance = cgTolerance }
        if let cgMaxIterations { request.cgMaxIterations = cgMaxIterations }
        if let kernelPrecision {
            guard let precision = KernelPrecision(rawValue: kernelPrecision) else {
                throw InterfaceError("\(Parameter.kernelPrecision) '\(kernelPrecision)': give float64 or float32")
            }
            request.precision = precision
        }
        request.jitter = jitter
        return request
    }

    /// Whether any kernel option was given (a value other than the default), as the CLI decides.
    var anyGiven: Bool { (try? request().anyGiven) ?? true }

    func options() throws -> KernelOptions { try request().options() }
}

extension ModelFamily {
    /// `model`: network (the default) or kernel.
    init(_ text: String?) throws {
        guard let family = ModelFamily(rawValue: text ?? ModelFamily.network.rawValue) else {
            throw InterfaceError("\(Parameter.model) '\(text ?? "")': give network or kernel")
        }
        self = family
    }
}

