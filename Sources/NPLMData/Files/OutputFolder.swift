import Foundation
import NPLMCore

/// A folder that an option names for files it writes (plots, toy samples): created when
/// missing; a path that exists and is not a folder is refused before any work.
public enum OutputFolder {
    /// The paths of the files `names` in `folder` (given through `parameter`), creating the
    /// folder if needed.
    public static func prepare(_ folder: String, parameter: Parameter, files names: [String]) throws -> [String] {
        guard !folder.isEmpty else { throw NPLMError.invalidArgument("\(parameter) needs a folder name (it is created if needed), got an empty one") }
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: folder), !FileManager.default.fileExists(atPath: folder) {
            throw NPLMError.invalidArgument("\(parameter) \(folder) is a symbolic link to \(target), which does not exist: create that folder, remove the link, or give another folder")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), !isFolder.boolValue {
            throw NPLMError.invalidArgument("\(parameter) \(folder) is a file, not a folder: give a folder (it is created if needed)")
        }
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw NPLMError.invalidArgument("\(parameter) \(folder): cannot create the folder (\(error.localizedDescription))")
        }
        return names.map { URL(fileURLWithPath: folder).appendingPathComponent($0).path }
    }
}
