import Foundation
import NPLMCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file a command will write a result to, checked before any work so that writing it can never
/// destroy something:
/// - a new file: its folder must exist and be writable (the result is written to a temporary file
///   there and renamed into place, `AtomicWrite`);
/// - an existing regular file is replaced, unless it is read-only (no write permission bit, even
///   for root): then it is refused, since a read-only result is one somebody meant to keep;
/// - a symbolic link is followed: its target is written (replaced atomically), the link is kept;
///   a link to nothing is refused;
/// - a character device (`/dev/null`, a terminal) is a sink: written through, never replaced;
/// - a folder, a named pipe (FIFO), a socket or a block device is refused.
public struct OutputTarget: Sendable, Equatable {
    /// How the target is written.
    public enum Kind: Sendable, Equatable {
        /// A regular file, new or existing: written atomically (temporary file, rename).
        case file
        /// A character device such as /dev/null: written through, in place.
        case sink
    }

    /// The path as given.
    public let path: String
    /// How messages name it ("--output result.json").
    public let label: ErrorText
    /// The file written: `path`, or the file a symbolic link at `path` points at.
    public let target: String
    public let kind: Kind
    /// The absolute path of `target` with every link resolved (for new files: of its folder).
    public let canonical: String
    /// Device and inode of an existing target.
    package let identity: FileIdentity?

    /// Checks `path` as an output (see the type's description); errors name it as `label`.
    public static func check(_ path: String, label: ErrorText) throws -> OutputTarget {
        guard !path.isEmpty else { throw NPLMError.invalidArgument("\(label): the file name is empty") }
        if let (file, dataset) = HDF5Reader.split(path), let dataset {
            throw NPLMError.invalidInput(file: label, "names dataset \(dataset) inside \(file), but nplm writes its results as JSON files, not into HDF5: give a file name such as results.json")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let code = errno
            guard code == ENOENT else {
                throw NPLMError.invalidInput(file: label, "cannot be checked (\(String(cString: strerror(code)))): give a file in a folder you can write")
            }
            let folder = try writableFolder(of: path, label: label)
            let canonical = folder + "/" + URL(fileURLWithPath: path).lastPathComponent
            return OutputTarget(path: path, label: label, target: path, kind: .file, canonical: canonical, identity: nil)
        }
        var target = path
        if FileIdentity.type(info) == S_IFLNK {
            guard let resolved = FileIdentity.realPath(path), stat(resolved, &info) == 0 else {
                let points = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                throw NPLMError.invalidInput(file: label, "is a symbolic link to \(points), which does not exist: give the file itself, or remove the link")
            }
            target = resolved
        }
        let canonical = FileIdentity.realPath(target) ?? target
        let identity = FileIdentity(info)
        let mode = String(info.st_mode & 0o7777, radix: 8)
        switch FileIdentity.type(info) {
        case S_IFREG:
            guard info.st_mode & 0o222 != 0 else {
                throw NPLMError.invalidInput(file: label, "is read-only (mode \(mode)): nplm does not replace a read-only file; make it writable (chmod u+w) or give another file")
            }
            guard access(target, W_OK) == 0 else {
                throw NPLMError.invalidInput(file: label, "is not writable by you (mode \(mode)): give another file")
            }
            _ = try writableFolder(of: target, label: label)
            return OutputTarget(path: path, label: label, target: target, kind: .file, canonical: canonical, identity: identity)
        case S_IFCHR:
            guard access(target, W_OK) == 0 else {
                throw NPLMError.invalidInput(file: label, "is a device you cannot write: give a file name")
            }
            return OutputTarget(path: path, label: label, target: target, kind: .sink, canonical: canonical, identity: identity)
        case S_IFDIR:
            throw NPLMError.invalidInput(file: label, "is a folder: give a file name")
        case S_IFIFO:
            throw NPLMError.invalidInput(file: label, "is a named pipe (FIFO): nplm writes results to regular files (or through to /dev/null); give a file name")
        case S_IFSOCK:
            throw NPLMError.invalidInput(file: label, "is a socket: give a file name")
        case S_IFBLK:
            throw NPLMError.invalidInput(file: label, "is a block device: nplm never writes over a device; give a file name")
        default:
            throw NPLMError.invalidInput(file: label, "is not a regular file: give a file name")
        }
    }

    /// The folder a new file or a replaced one is written in (for the temporary file and the
    /// rename), resolved, checked to exist and be writable.
    private static func writableFolder(of path: String, label: ErrorText) throws -> String {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw NPLMError.invalidInput(file: label, "the folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else {
            throw NPLMError.invalidInput(file: label, "the folder \(folder) is not writable (nplm writes a temporary file there and renames it into place)")
        }
        return FileIdentity.realPath(folder) ?? folder
    }

    /// Refuses outputs that would overwrite an input or each other: the same file by device and
    /// inode, or (not written yet) by resolved path. `inputs` pairs an option with a path as given
    /// (for HDF5 datasets `file.h5:/x`, the file part counts). Sinks (/dev/null) alias nothing.
    public static func refuseAliases(outputs: [OutputTarget], inputs: [(option: ErrorText, path: String)]) throws {
        let files = outputs.filter { $0.kind == .file }
        for (k, output) in files.enumerated() {
            for other in files[..<k] where output.canonical == other.canonical || (output.identity != nil && output.identity == other.identity) {
                throw NPLMError.invalidArgument("\(other.label) and \(output.label) are the same file: give two different files")
            }
            guard let identity = output.identity else { continue }
            for input in inputs {
                let file = HDF5Reader.split(input.path)?.file ?? input.path
                if FileIdentity(path: file) == identity {
                    throw NPLMError.invalidArgument("\(output.label) is the file given as \(input.option) \(input.path): writing the result would destroy that input; write it to another file")
                }
            }
        }
    }
}

/// The identity of a file: its device and inode (after following links).
package struct FileIdentity: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// The identity of the file at `path`, nil when there is none.
    package init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// The identity of an open file.
    package init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        self.init(info)
    }

    static func type(_ info: stat) -> mode_t { info.st_mode & mode_t(S_IFMT) }

    /// Whether `path` names a character device (a sink such as /dev/null), following links.
    package static func isCharacterDevice(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && type(info) == mode_t(S_IFCHR)
    }

    /// realpath(3): the absolute path with every link resolved, nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
