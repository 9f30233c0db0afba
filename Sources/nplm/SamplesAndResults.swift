import Foundation
import NPLM

// Shared by fit, eval and permute: loading samples, result files, number format.

/// Loads event samples given through options and checks them against each other and the network.
enum Samples {
    /// The events of every (option, path), in order; all must have the architecture's input width.
    /// `network` names where the architecture came from in messages ("--architecture 1,4,1").
    static func load(_ files: [(parameter: Parameter, path: String)], architecture: Architecture, network: String) throws -> [EventSet] {
        var samples: [EventSet] = []
        for (parameter, path) in files {
            let events = try SampleFile.events(path: path, parameter: parameter)
            if let first = samples.first, first.dimension != events.dimension {
                throw NPLMError.invalidInput(file: "\(parameter) \(path)",
                    "has \(events.dimension) feature(s) per event but \(files[0].parameter) \(files[0].path) has \(first.dimension): the samples must have the same columns")
            }
            samples.append(events)
        }
        if let first = samples.first, architecture.inputDimension != first.dimension {
            let hint = network.hasPrefix("--architecture") ? "make the first layer width \(first.dimension)" : "give samples with the model's features"
            throw NPLMError.invalidArgument(
                "\(network) takes \(architecture.inputDimension) input feature(s) but \(files[0].parameter) \(files[0].path) has \(first.dimension) per event: \(hint)")
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
    var inputs: [(option: ErrorText, path: String)] = []
    /// Plot files (SVG, full paths in the --plots folder) written with the results.
    var plots: [String] = []

    init(output: String?, model: String?, inputs: [(option: ErrorText, String?)] = []) {
        self.output = output
        self.model = model
        self.inputs = inputs.compactMap { input in input.1.map { (input.option, $0) } }
    }

    func check() throws {
        var targets: [OutputTarget] = []
        if let output { targets.append(try AtomicWrite.checkWritable(output, label: "--output \(output)")) }
        if let model { targets.append(try AtomicWrite.checkWritable(model, label: "--save-model \(model)")) }
        targets += try plots.map { try AtomicWrite.checkWritable($0, label: "--plots \($0)") }
        try OutputTarget.refuseAliases(outputs: targets, inputs: inputs)
    }

    /// Writes the record (one JSON line), when one was asked for and the fit did not diverge the
    /// model, and the SVG text of every plot (in the order of `plots`): all or none.
    func write<Record: Encodable>(record: Record, model: (any ModelFileBody)?, plots drawings: [String] = []) throws {
        precondition(drawings.count == plots.count, "one drawing per plot file")
        var items = zip(plots, drawings).map { AtomicWrite.Item(Data($1.utf8), to: $0, label: "--plots \($0)") }
        if let output { items.append(AtomicWrite.Item(try NPLMJSON.line(record), to: output, label: "--output \(output)")) }
        if let path = self.model {
            guard let model else {
                throw NPLMError.invalidArgument("--save-model \(path): the fit diverged, so there is no model to save (nothing was written)")
            }
            items.append(AtomicWrite.Item(try model.encoded(), to: path, label: "--save-model \(path)"))
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

/// The folder of --plots: created when missing; a path that exists and is not a folder is
/// refused before any work.
enum PlotFolder {
    /// The paths of the files `names` in `folder`, creating the folder if needed.
    static func prepare(_ folder: String, files names: [String]) throws -> [String] {
        guard !folder.isEmpty else { throw NPLMError.invalidArgument("--plots needs a folder name (it is created if needed), got an empty one") }
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: folder), !FileManager.default.fileExists(atPath: folder) {
            throw NPLMError.invalidArgument("--plots \(folder) is a symbolic link to \(target), which does not exist: create that folder, remove the link, or give another folder")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), !isFolder.boolValue {
            throw NPLMError.invalidArgument("--plots \(folder) is a file, not a folder: give a folder (it is created if needed)")
        }
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw NPLMError.invalidArgument("--plots \(folder): cannot create the folder (\(error.localizedDescription))")
        }
        return names.map { URL(fileURLWithPath: folder).appendingPathComponent($0).path }
    }
}
