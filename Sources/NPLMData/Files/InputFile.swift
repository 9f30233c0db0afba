import Foundation
import NPLMCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an input file cannot be read, in words that say what to do: missing, a link to nothing, a
/// folder, no read permission, or the system's reason.
public enum InputFile {
    /// The reason `path` could not be read (`what` names what was expected: "a campaign file").
    public static func unreadable(_ path: String, expected what: ErrorText) -> ErrorText {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            return errno == ENOENT ? "no such file" : "cannot be read (\(String(cString: strerror(errno))))"
        }
        if info.st_mode & S_IFMT == S_IFLNK && stat(path, &info) != 0 {
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
            return "is a symbolic link to \(target), which does not exist"
        }
        if info.st_mode & S_IFMT == S_IFDIR { return "is a folder, not \(what): give the file itself" }
        if access(path, R_OK) != 0 {
            return "cannot be read (\(String(cString: strerror(errno)))): check its permissions"
        }
        return "cannot be read (it is not a regular file, or reading it failed)"
    }
}
