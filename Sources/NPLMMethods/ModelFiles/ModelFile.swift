import Foundation
import NPLMCore
import NPLMData

/// The kinds of the one model-file family. Every model file nplm writes is one JSON object (pretty,
/// sorted keys, a final newline) that starts — in meaning, the keys are sorted — with the envelope
/// `ModelFileHeader`: `format`, which names the kind, and `version`, the layout of that kind.
/// Readers accept every version of a kind that nplm ever wrote.
public enum ModelKind: String, CaseIterable, Sendable {
    /// A network fit of `nplm fit --save-model` (`SavedModel`): NPLM, symmetrized or cross-entropy.
    /// Version 1: the first layout; 2 added the preprocessing block; 3 is an NPLM fit with nuisance
    /// parameters (its nuisance block, `SavedNuisances`).
    case network = "nplm-model"
    /// The coefficient networks δ̂_k of a shape nuisance, written by `nplm nuisance train`
    /// (`DeltaModelFile`). Version 1.
    case shapeEffect = "nplm-shape-effect"
    /// A kernel-model fit of `nplm fit --model kernel --save-model` (`KernelModelFile`): the
    /// Nyström centres, every width's coefficients and what t needs. Version 1.
    case kernel = "nplm-kernel-model"

    /// The versions of this kind this nplm reads.
    public var readableVersions: ClosedRange<Int> {
        switch self {
        case .network: return SavedModel.readableVersions
        case .shapeEffect: return DeltaModelFile.currentVersion...DeltaModelFile.currentVersion
        case .kernel: return KernelModelFile.currentVersion...KernelModelFile.currentVersion
        }
    }

    /// What a file that is not of this kind is told (after its label).
    public var otherFile: ErrorText {
        switch self {
        case .network: return "is not a model file written by nplm fit \(Parameter.saveModel)"
        case .shapeEffect: return "is not a δ̂ model file written by nplm nuisance train"
        case .kernel: return "is not a kernel model file written by nplm fit \(Parameter.model) kernel \(Parameter.saveModel)"
        }
    }
}

/// The envelope of every model file: its kind and the version of that kind's layout.
public struct ModelFileHeader: Codable, Sendable, Equatable {
    public var format: String
    public var version: Int

    public var kind: ModelKind? { ModelKind(rawValue: format) }
}

/// The body of one kind of model file: the whole JSON object, envelope fields included.
public protocol ModelFileBody: Codable, Sendable {
    static var kind: ModelKind { get }
    var format: String { get }
    var version: Int { get }
    /// Checks that the model is complete and consistent (one line naming `label` otherwise).
    func check(label: ErrorText) throws
}

extension ModelFileBody {
    /// Reads and checks the model of this kind in the file at `path` (named `label` in errors).
    public static func load(path: String, label: ErrorText) throws -> Self {
        try ModelFile.decode(Self.self, from: try ModelFile.bytes(path: path, label: label), label: label)
    }

    /// The file's bytes: pretty JSON with sorted keys and a final newline.
    public func encoded() throws -> Data {
        var data = try NPLMJSON.encoder(pretty: true).encode(self)
        data.append(0x0A)
        return data
    }

    /// Writes the file through `AtomicWrite` (complete or not at all).
    public func write(to path: String, label: ErrorText) throws {
        try AtomicWrite.write(try encoded(), to: path, label: label)
    }
}

/// A model file of any kind, read through its envelope.
public enum ModelFile: Sendable {
    case network(SavedModel)
    case shapeEffect(DeltaModelFile)
    case kernel(KernelModelFile)

    /// Reads and checks the model in the file at `path`, whatever its kind.
    public static func load(path: String, label: ErrorText) throws -> ModelFile {
        let data = try bytes(path: path, label: label)
        guard let header = try? NPLMJSON.decoder().decode(ModelFileHeader.self, from: data), let kind = header.kind else {
            throw NPLMError.invalidInput(file: label, "is not a model file written by nplm (fit \(Parameter.saveModel) or nuisance train)")
        }
        switch kind {
        case .network: return .network(try decode(SavedModel.self, from: data, label: label))
        case .shapeEffect: return .shapeEffect(try decode(DeltaModelFile.self, from: data, label: label))
        case .kernel: return .kernel(try decode(KernelModelFile.self, from: data, label: label))
        }
    }

    /// The kind the envelope of the file at `path` names; nil when it has no model file's envelope
    /// (the kind's reader then says what is wrong).
    public static func kind(path: String, label: ErrorText) throws -> ModelKind? {
        let data = try bytes(path: path, label: label)
        return (try? NPLMJSON.decoder().decode(ModelFileHeader.self, from: data))?.kind
    }

    public var kind: ModelKind {
        switch self {
        case .network: return .network
        case .shapeEffect: return .shapeEffect
        case .kernel: return .kernel
        }
    }

    public var header: ModelFileHeader {
        switch self {
        case .network(let model): return ModelFileHeader(format: model.format, version: model.version)
        case .shapeEffect(let model): return ModelFileHeader(format: model.format, version: model.version)
        case .kernel(let model): return ModelFileHeader(format: model.format, version: model.version)
        }
    }

    /// The file's bytes (`ModelFileBody.encoded`).
    public func encoded() throws -> Data {
        switch self {
        case .network(let model): return try model.encoded()
        case .shapeEffect(let model): return try model.encoded()
        case .kernel(let model): return try model.encoded()
        }
    }

    /// The bytes of the file at `path`.
    static func bytes(path: String, label: ErrorText) throws -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw NPLMError.invalidInput(file: label, InputFile.unreadable(path, expected: "a model file"))
        }
    }

    /// The body of kind `Body` in `data`, checked: a file whose envelope names another kind, or
    /// whose body does not decode, is refused with the kind's `otherFile`.
    static func decode<Body: ModelFileBody>(_ type: Body.Type, from data: Data, label: ErrorText) throws -> Body {
        let decoder = NPLMJSON.decoder()
        guard let header = try? decoder.decode(ModelFileHeader.self, from: data), header.format == Body.kind.rawValue,
              let body = try? decoder.decode(Body.self, from: data) else {
            throw NPLMError.invalidInput(file: label, Body.kind.otherFile)
        }
        try body.check(label: label)
        return body
    }
}
