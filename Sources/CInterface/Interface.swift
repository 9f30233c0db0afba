import Foundation
import NPLM
import CNPLM
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The plumbing of the C interface (nplm.h): results and errors as strings, options as JSON, samples
// as buffers or paths, messages through the caller's callback. No method logic lives here: every
// function of this target marshals its arguments, calls the library's public API and marshals the
// answer back.

/// Raised for what the interface itself refuses (a malformed options document, a missing sample):
/// the message is the whole error, as nplm's own errors are.
struct InterfaceError: Error, CustomStringConvertible {
    let message: ErrorText
    init(_ message: ErrorText) { self.message = message }
    /// The message with the parameters named as the CLI names them (`respond` sets the naming).
    var description: String { message.description }
}

/// nplm's one-line message for `error`: what `nplm` prints after "Error: ".
func oneLine(_ error: Error) -> String {
    let text = (error as? NPLMError)?.description ?? String(describing: error)
    return text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? text
}

/// Runs `body` and hands its answer (or the error's one-line message) to the caller through
/// `result`, as a string the caller frees with `nplm_free`: 0 on success, 1 on failure.
func respond(_ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ body: () throws -> String) -> Int32 {
    // Messages name parameters as the command line does (its flags are the parameters' names with
    // dashes), so that Python and the CLI give one message.
    Parameter.naming = { "--" + $0.name.replacingOccurrences(of: "_", with: "-") }
    let status: Int32
    let text: String
    do {
        text = try body()
        status = 0
    } catch {
        text = oneLine(error)
        status = 1
    }
    result?.pointee = strdup(text)
    return status
}

/// `value` as nplm's JSON (`NPLMJSON`: sorted keys, non-finite numbers as "inf", "-inf", "nan").
func json<Value: Encodable>(_ value: Value) throws -> String {
    String(decoding: try NPLMJSON.encoder().encode(value), as: UTF8.self)
}

/// The C string `text` (nil stays nil).
func string(_ text: UnsafePointer<CChar>?) -> String? { text.map { String(cString: $0) } }

/// Decodes an options document: a JSON object whose keys are the command's flags in snake_case.
/// Every options type reads the keys it knows; absent keys keep the command's defaults.
func options<Options: Decodable>(_ type: Options.Type, _ text: UnsafePointer<CChar>?) throws -> Options {
    let document = string(text) ?? "{}"
    let decoder = NPLMJSON.decoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    do {
        return try decoder.decode(type, from: Data(document.utf8))
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
        let key = context.codingPath.map(\.stringValue).joined(separator: ".")
        throw InterfaceError("option \(key): \(context.debugDescription)")
    } catch let DecodingError.dataCorrupted(context) {
        let key = context.codingPath.map(\.stringValue).joined(separator: ".")
        throw InterfaceError(key.isEmpty ? "the options are not a JSON object (\(context.debugDescription))"
                                         : "option \(key): \(context.debugDescription)")
    }
}

/// The caller's message callback.
struct Messenger: @unchecked Sendable {
    let function: nplm_message_fn?
    let context: UnsafeMutableRawPointer?

    /// One line for the user (`NPLM_NOTICE`).
    func notice(_ text: String) { send(Int32(NPLM_NOTICE), text) }

    /// One JSON object (`NPLM_PROGRESS`).
    func progress<Value: Encodable>(_ value: Value) {
        guard function != nil, let text = try? json(value) else { return }
        send(Int32(NPLM_PROGRESS), text)
    }

    private func send(_ kind: Int32, _ text: String) {
        guard let function else { return }
        text.withCString { function(kind, $0, context) }
    }
}

/// One sample argument of a call: a buffer read in place, or a file nplm reads.
struct SampleArgument {
    let sample: nplm_sample
    /// The parameter the sample stands for (`.data`): files are named as the CLI names them.
    let parameter: Parameter
    /// The keyword the caller gave an in-memory sample as ("data").
    let keyword: String

    init?(_ pointer: UnsafePointer<nplm_sample>?, parameter: Parameter, keyword: String) {
        guard let pointer else { return nil }
        sample = pointer.pointee
        self.parameter = parameter
        self.keyword = keyword
    }

    var path: String? { string(sample.path) }

    /// How messages name the sample: "--data d.npy" for a file (as the CLI), else the caller's
    /// label or the keyword ("data").
    var label: ErrorText {
        if let path { return SampleFile.label(parameter: parameter, path: path) }
        return ErrorText(verbatim: string(sample.label) ?? keyword)
    }

    /// The (option, path) pair of a file sample, for the output checks (an output may not be an input).
    var input: (option: ErrorText, path: String)? { path.map { ("\(parameter)", $0) } }

    func valueType() throws -> SampleBuffer.ValueType {
        switch sample.type {
        case Int32(NPLM_FLOAT32): return .float32
        case Int32(NPLM_FLOAT64): return .float64
        default: throw InterfaceError("\(label): unknown value type \(sample.type) (1: float32, 2: float64)")
        }
    }

    /// The events: read from the file, or from the caller's buffer.
    func events() throws -> EventSet {
        if let path { return try SampleFile.events(path: path, parameter: parameter) }
        return try SampleBuffer.events(sample.values, type: try valueType(), rows: Int(sample.rows), columns: Int(sample.columns),
                                       vector: sample.vector != 0, label: label)
    }

    /// The sample as the library's requests take it: the file, or the caller's buffer.
    var source: SampleSource {
        if let path { return .file(path, parameter: parameter) }
        return SampleSource(label: label, name: "\(label)", parameter: parameter, events: events, weights: weights)
    }

    /// Per-event weights for the `count` events of the sample named `sampleLabel`.
    func weights(count: Int, sampleLabel: ErrorText) throws -> [Double] {
        if let path { return try SampleFile.weights(path: path, parameter: parameter, count: count, sampleLabel: sampleLabel) }
        return try SampleBuffer.weights(sample.values, type: try valueType(), rows: Int(sample.rows), columns: Int(sample.columns),
                                        vector: sample.vector != 0, label: label, count: count, sampleLabel: sampleLabel)
    }
}

/// A required sample argument.
func required(_ pointer: UnsafePointer<nplm_sample>?, parameter: Parameter, keyword: String) throws -> SampleArgument {
    guard let sample = SampleArgument(pointer, parameter: parameter, keyword: keyword) else {
        throw InterfaceError("\(keyword): no sample given (a null nplm_sample)")
    }
    return sample
}

@_cdecl("nplm_interface_version")
public func nplmInterfaceVersion() -> Int32 { 3 }

@_cdecl("nplm_free")
public func nplmFree(_ string: UnsafeMutablePointer<CChar>?) { free(string) }
