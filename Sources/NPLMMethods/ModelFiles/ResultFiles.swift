import Foundation
import NPLMCore
import NPLMData

/// The optional result files of a fit or an evaluation — the record (`output`), the model
/// (`saveModel`) and SVG plots: checked before any work (`OutputTarget`: no folder, FIFO, device
/// or read-only file replaced, none the same file as an input or as each other) and written all or
/// none at the end (`AtomicWrite.writeAll`), whichever front end asked for them.
public struct ResultFiles {
    public var output: String?
    public var model: String?
    /// The command's input files (option, path): an output may not be one of them.
    public var inputs: [(option: ErrorText, path: String)]
    /// Plot files (SVG, full paths in the plots folder) written with the results.
    public var plots: [String] = []

    /// `inputs`: the (option, path) of every input given (nil paths are left out).
    public init(output: String?, model: String?, inputs: [(option: ErrorText, path: String?)] = []) {
        self.output = output
        self.model = model
        self.inputs = inputs.compactMap { input in input.path.map { (input.option, $0) } }
    }

    public func check() throws {
        var targets: [OutputTarget] = []
        if let output { targets.append(try AtomicWrite.checkWritable(output, label: "\(Parameter.output) \(output)")) }
        if let model { targets.append(try AtomicWrite.checkWritable(model, label: "\(Parameter.saveModel) \(model)")) }
        targets += try plots.map { try AtomicWrite.checkWritable($0, label: "\(Parameter.plots) \($0)") }
        try OutputTarget.refuseAliases(outputs: targets, inputs: inputs)
    }

    /// Writes the record (one JSON line) and the model when they were asked for, and the SVG text
    /// of every plot (in the order of `plots`): all or none. A model asked for from a fit that
    /// diverged (`model` nil) is refused and nothing is written.
    public func write<Record: Encodable>(record: Record, model: (any ModelFileBody)?, plots drawings: [String] = []) throws {
        try write(records: [record], model: model, plots: drawings)
    }

    /// `write(record:model:plots:)` for several records: JSON Lines, one line each, in order.
    public func write<Record: Encodable>(records: [Record], model: (any ModelFileBody)?, plots drawings: [String] = []) throws {
        precondition(drawings.count == plots.count, "one drawing per plot file")
        var items = zip(plots, drawings).map { AtomicWrite.Item(Data($1.utf8), to: $0, label: "\(Parameter.plots) \($0)") }
        if let output {
            let lines = try records.reduce(into: Data()) { $0.append(try NPLMJSON.line($1)) }
            items.append(AtomicWrite.Item(lines, to: output, label: "\(Parameter.output) \(output)"))
        }
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
