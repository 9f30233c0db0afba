import Foundation
import NPLM

/// The training options of every command that trains (`nplm fit`, `permute`, `toys`,
/// `calibrate`: the CLI's TrainingOptionGroup), with the CLI's defaults and checks.
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

    static let defaultArchitecture = "1,4,1"
    static let defaultEpochs = 300_000

    var architectureText: String { architecture ?? Self.defaultArchitecture }

    /// The options, checked as the CLI checks them before any work.
    func validate() throws {
        try trainingOptions.validate()
        if clipBiases == true && clip == nil { throw InterfaceError("\(Parameter.clipBiases) needs \(Parameter.clip) W") }
        if let threads, threads < 1 { throw InterfaceError("\(Parameter.threads) must be at least 1, got \(threads)") }
        _ = try parsedArchitecture()
        _ = try backendKind()
    }

    func parsedArchitecture() throws -> Architecture {
        do { return try Architecture(parsing: architectureText) } catch { throw InterfaceError("\(Parameter.architecture): \(error)") }
    }

    var trainingOptions: TrainingOptions {
        let adam = Adam()
        return TrainingOptions(epochs: epochs ?? Self.defaultEpochs, historyEvery: historyEvery ?? 0,
                               optimizer: Adam(learningRate: learningRate ?? adam.learningRate, beta1: beta1 ?? adam.beta1,
                                               beta2: beta2 ?? adam.beta2, epsilon: epsilon ?? adam.epsilon),
                               clipping: clip.map { WeightClipping(bound: $0, includeBiases: clipBiases ?? false) })
    }

    func backendKind() throws -> BackendKind {
        guard let kind = BackendKind(rawValue: backend ?? BackendKind.auto.rawValue) else {
            throw InterfaceError("\(Parameter.backend) '\(backend ?? "")': give one of \(BackendKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }

    func backendRequest() throws -> BackendRequest { BackendRequest(kind: try backendKind(), threads: threads, device: device) }

    /// The network's options given with values other than their defaults (`model="kernel"` refuses
    /// them, as the CLI's `--model kernel` does: the kernel model does not use them).
    var networkOptionsGiven: [String] {
        let adam = Adam()
        return [("\(Parameter.architecture)", (try? parsedArchitecture()) != (try? Architecture(parsing: Self.defaultArchitecture))),
                ("\(Parameter.epochs)", (epochs ?? Self.defaultEpochs) != Self.defaultEpochs), ("\(Parameter.clip)", clip != nil),
                ("\(Parameter.clipBiases)", clipBiases == true), ("\(Parameter.historyEvery)", (historyEvery ?? 0) != 0),
                ("\(Parameter.learningRate)", (learningRate ?? adam.learningRate) != adam.learningRate), ("\(Parameter.beta1)", (beta1 ?? adam.beta1) != adam.beta1),
                ("\(Parameter.beta2)", (beta2 ?? adam.beta2) != adam.beta2), ("\(Parameter.epsilon)", (epsilon ?? adam.epsilon) != adam.epsilon)]
            .filter(\.1).map(\.0)
    }
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

/// The kernel model's options (`--widths`, `--centres`, `--lambda`, …: the CLI's KernelOptionGroup).
struct KernelArguments: Decodable {
    var widths: [Double]?
    var centres: Int?
    var lambda: Double?
    var newtonSteps: Int?
    var cgTolerance: Double?
    var cgMaxIterations: Int?
    var kernelPrecision: String?
    var jitter: Double?

    /// Whether any kernel option was given (a value other than the default), as the CLI decides.
    var anyGiven: Bool {
        widths != nil || centres != nil || (lambda.map { $0 != KernelOptions.defaultLambda } ?? false)
            || (newtonSteps.map { $0 != 1 } ?? false)
            || (cgTolerance.map { $0 != KernelOptions.defaultCGTolerance } ?? false)
            || (cgMaxIterations.map { $0 != KernelOptions.defaultCGMaxIterations } ?? false)
            || (kernelPrecision.map { $0 != KernelPrecision.float64.rawValue } ?? false) || jitter != nil
    }

    func options() throws -> KernelOptions {
        let precision = try kernelPrecision.map { text in
            guard let value = KernelPrecision(rawValue: text) else {
                throw InterfaceError("\(Parameter.kernelPrecision) '\(text)': give float64 or float32")
            }
            return value
        } ?? .float64
        let options = KernelOptions(widths: widths, centres: centres, lambda: lambda ?? KernelOptions.defaultLambda,
                                    newtonSteps: newtonSteps ?? 1, cgTolerance: cgTolerance ?? KernelOptions.defaultCGTolerance,
                                    cgMaxIterations: cgMaxIterations ?? KernelOptions.defaultCGMaxIterations, precision: precision,
                                    jitter: jitter)
        try options.validate()
        return options
    }
}

/// `--model`: network or kernel.
enum ModelFamily: String {
    case network, kernel

    init(_ text: String?) throws {
        guard let family = ModelFamily(rawValue: text ?? "network") else {
            throw InterfaceError("\(Parameter.model) '\(text ?? "")': give network or kernel")
        }
        self = family
    }
}

/// Refuses a sample-size option that is not finite, not positive (or zero when `allowZero`) or
/// beyond `SampleSize.largest`.
func checkSampleSize(_ value: Double, parameter: Parameter, allowZero: Bool = false) throws {
    try SampleSize.check(value, parameter: parameter, allowZero: allowZero)
}

/// The result files of a fit (`--output`, `--save-model`): checked before any work (no folder,
/// FIFO, device or read-only file replaced, none the same file as an input or as each other),
/// written all or none at the end, byte for byte as `nplm fit` writes them.
struct ResultFiles {
    var output: String?
    var model: String?
    var inputs: [(option: ErrorText, path: String)]

    func check() throws {
        var targets: [OutputTarget] = []
        if let output { targets.append(try AtomicWrite.checkWritable(output, label: "\(Parameter.output) \(output)")) }
        if let model { targets.append(try AtomicWrite.checkWritable(model, label: "\(Parameter.saveModel) \(model)")) }
        try OutputTarget.refuseAliases(outputs: targets, inputs: inputs)
    }

    /// Writes the record (one JSON line) and the model, when they were asked for: all or none.
    func write<Record: Encodable>(record: Record, model: (any ModelFileBody)?) throws {
        var items: [AtomicWrite.Item] = []
        if let output { items.append(AtomicWrite.Item(try NPLMJSON.line(record), to: output, label: "\(Parameter.output) \(output)")) }
        if let path = self.model {
            guard let model else {
                throw NPLMError.invalidArgument("\(Parameter.saveModel) \(path): the fit diverged, so there is no model to save (nothing was written)")
            }
            items.append(AtomicWrite.Item(try model.encoded(), to: path, label: "\(Parameter.saveModel) \(path)"))
        }
        guard !items.isEmpty else { return }
        try check()
        try AtomicWrite.writeAll(items)
    }
}
