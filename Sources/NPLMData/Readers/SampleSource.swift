import Foundation
import NPLMCore

/// A sample as a front end hands it to a request: a file given through an option (`.npy`, `.csv`,
/// `file.h5:/dataset`, or an HDF5 group of datasets), or events the caller holds in memory (the C
/// interface's buffers). Requests read every sample through this, whichever front end built them.
/// `@unchecked Sendable`: a file source holds its path; a caller's buffer is read only during the
/// call it was passed to, on that call's thread.
public struct SampleSource: @unchecked Sendable {
    /// How messages name the sample (its parameter and path, `SampleFile.label`, or the caller's label).
    public let label: ErrorText
    /// The parameter the sample stands for (`.data`).
    public let parameter: Parameter
    /// The file, when the sample is one.
    public let path: String?
    /// A short name for titles and records: the file's name, or the caller's label.
    public let name: String
    private let readEvents: () throws -> EventSet
    private let readWeights: (_ count: Int, _ sampleLabel: ErrorText) throws -> [Double]

    /// A sample held by the caller: `events` and `weights` read it when the request needs it.
    public init(label: ErrorText, name: String, parameter: Parameter, events: @escaping () throws -> EventSet,
                weights: @escaping (_ count: Int, _ sampleLabel: ErrorText) throws -> [Double]) {
        self.label = label
        self.name = name
        self.parameter = parameter
        self.path = nil
        self.readEvents = events
        self.readWeights = weights
    }

    /// The file at `path`, given through `parameter`.
    public static func file(_ path: String, parameter: Parameter) -> SampleSource {
        SampleSource(path: path, parameter: parameter)
    }

    private init(path: String, parameter: Parameter) {
        self.label = SampleFile.label(parameter: parameter, path: path)
        self.name = URL(fileURLWithPath: path).lastPathComponent
        self.parameter = parameter
        self.path = path
        self.readEvents = { try SampleFile.events(path: path, parameter: parameter) }
        self.readWeights = { count, sampleLabel in
            try SampleFile.weights(path: path, parameter: parameter, count: count, sampleLabel: sampleLabel)
        }
    }

    /// The events (checked: `SampleFile.events`, `SampleBuffer.events`).
    public func events() throws -> EventSet { try readEvents() }

    /// The sample as one weight per event of the `count` events of the sample named `sampleLabel`.
    public func weights(count: Int, sampleLabel: ErrorText) throws -> [Double] { try readWeights(count, sampleLabel) }

    /// The (option, path) of a file, for the checks that no output is an input.
    public var input: (option: ErrorText, path: String?) { ("\(parameter)", path) }

    /// The samples this one stands for: an HDF5 group's datasets in name order, else itself.
    public func expanded() throws -> [SampleSource] {
        guard let path else { return [self] }
        let members = try SampleFile.samplePaths([path], parameter: parameter)
        return members == [path] ? [self] : members.map { .file($0, parameter: parameter) }
    }
}
