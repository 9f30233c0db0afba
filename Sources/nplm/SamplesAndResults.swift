import Foundation
import NPLM

// Shared by fit, eval and permute: loading samples, result files, number format.

/// Loads event samples given through options and checks them against each other and the network.
enum Samples {
    /// The events of every (option, path), in order (`SampleFile.load`). `network` names where the
    /// architecture came from in messages ("--architecture 1,4,1", or a saved model: `fromOptions` false).
    static func load(_ files: [(parameter: Parameter, path: String)], architecture: Architecture, network: String,
                     fromOptions: Bool = true) throws -> [EventSet] {
        try SampleFile.load(files.map { file in (SampleFile.label(parameter: file.parameter, path: file.path),
                                                 { try SampleFile.events(path: file.path, parameter: file.parameter) }) },
                            architecture: architecture, network: ErrorText(verbatim: network), fromOptions: fromOptions)
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
