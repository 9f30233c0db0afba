import Foundation
import NPLMCore

/// The folder of the plots (`Parameter.plots`): created when missing; a path that exists and is not a folder is
/// refused before any work.
public enum PlotFolder {
    /// The paths of the files `names` in `folder`, creating the folder if needed.
    public static func prepare(_ folder: String, files names: [String]) throws -> [String] {
        guard !folder.isEmpty else { throw NPLMError.invalidArgument("\(Parameter.plots) needs a folder name (it is created if needed), got an empty one") }
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: folder), !FileManager.default.fileExists(atPath: folder) {
            throw NPLMError.invalidArgument("\(Parameter.plots) \(folder) is a symbolic link to \(target), which does not exist: create that folder, remove the link, or give another folder")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), !isFolder.boolValue {
            throw NPLMError.invalidArgument("\(Parameter.plots) \(folder) is a file, not a folder: give a folder (it is created if needed)")
        }
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw NPLMError.invalidArgument("\(Parameter.plots) \(folder): cannot create the folder (\(error.localizedDescription))")
        }
        return names.map { URL(fileURLWithPath: folder).appendingPathComponent($0).path }
    }
}
