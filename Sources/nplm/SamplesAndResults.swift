import Foundation
import NPLM

// Shared by fit, eval and permute: loading samples, result files, number format.

/// Loads event samples given through options and checks them against each other and the network.
enum Samples {
    /// The events of every (option, path), in order; all must have the architecture's input width.
    /// `network` names where the architecture came from in messages ("--architecture 1,4,1").
    static func load(_ files: [(option: String, path: String)], architecture: Architecture, network: String) throws -> [EventSet] {
        var samples: [EventSet] = []
        for (option, path) in files {
            let events = try SampleFile.events(path: path, option: option)
            if let first = samples.first, first.dimension != events.dimension {
                throw NPLMError.invalidInput(file: "\(option) \(path)",
                    "has \(events.dimension) feature(s) per event but \(files[0].option) \(files[0].path) has \(first.dimension): the samples must have the same columns")
            }
            samples.append(events)
        }
        if let first = samples.first, architecture.inputDimension != first.dimension {
            let hint = network.hasPrefix("--architecture") ? "make the first layer width \(first.dimension)" : "give samples with the model's features"
            throw NPLMError.invalidArgument(
                "\(network) takes \(architecture.inputDimension) input feature(s) but \(files[0].option) \(files[0].path) has \(first.dimension) per event: \(hint)")
        }
        return samples
    }
}

/// The optional result files of a command: checked before any work (`OutputTarget`: no folder,
/// FIFO, device or read-only file replaced, none the same file as an input or as each other),
/// written all or none at the end (`AtomicWrite.writeAll`).
struct ResultFiles {
    var output: String?
    var model: String?
    /// The command's input files (option, path): an output may not be one of them.
    var inputs: [(option: String, path: String)] = []

    init(output: String?, model: String?, inputs: [(option: String, String?)] = []) {
        self.output = output
        self.model = model
        self.inputs = inputs.compactMap { input in input.1.map { (input.option, $0) } }
    }

    func check() throws {
        var targets: [OutputTarget] = []
        if let output { targets.append(try AtomicWrite.checkWritable(output, label: "--output \(output)")) }
        if let model { targets.append(try AtomicWrite.checkWritable(model, label: "--save-model \(model)")) }
        try OutputTarget.refuseAliases(outputs: targets, inputs: inputs)
    }

    /// Writes the record (one JSON line) and, when one was asked for and the fit did not diverge,
    /// the model: both or neither.
    func write<Record: Encodable>(record: Record, model: SavedModel?) throws {
        var items: [AtomicWrite.Item] = []
        if let output { items.append(AtomicWrite.Item(try NPLMJSON.line(record), to: output, label: "--output \(output)")) }
        if let path = self.model {
            guard let model else {
                throw NPLMError.invalidArgument("--save-model \(path): the fit diverged, so there is no model to save (nothing was written)")
            }
            var data = try NPLMJSON.encoder(pretty: true).encode(model)
            data.append(0x0A)
            items.append(AtomicWrite.Item(data, to: path, label: "--save-model \(path)"))
        }
        try check()
        try AtomicWrite.writeAll(items)
    }
}

/// How numbers are printed: six significant digits.
enum Format {
    static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return String(format: "%.6g", x)
    }
}
