import Foundation
import NPLMCore
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Writes result files so that no half-written result ever exists and nothing but the result's
/// own earlier version is replaced: every output is checked (`OutputTarget`: no folder, FIFO,
/// device or read-only file is replaced; a symbolic link's target is written, the link kept;
/// /dev/null-like character devices are written through), the bytes go to a temporary file in
/// the destination's folder, are flushed to disk, and the temporary file is renamed over the
/// destination (rename(2) within one file system is atomic), then the folder is flushed.
/// A reader sees the old file or the complete new one; a crash leaves at most a stray
/// `.name.tmp-XXXXXX`, never a partial result.
///
/// Several outputs of one command (`writeAll`) are written all or none: every temporary file is
/// written first; each existing destination is kept under a hard link `.name.old-XXXXXX` until
/// every rename has succeeded, and a failed rename puts the earlier ones back. What remains is a
/// window of a few system calls between the first and the last rename in which a `kill -9` or a
/// power cut leaves some outputs new and others old (plus the `.old`/`.tmp` files).
public enum AtomicWrite {
    /// One output: its bytes, its path and how messages name it ("--output result.json").
    public struct Item {
        public var data: Data
        public var path: String
        public var label: ErrorText

        public init(_ data: Data, to path: String, label: ErrorText) {
            self.data = data
            self.path = path
            self.label = label
        }
    }

    /// Writes `data` to `path`; errors name the file as `label` (e.g. "--output result.json").
    public static func write(_ data: Data, to path: String, label: ErrorText) throws {
        try writeAll([Item(data, to: path, label: label)])
    }

    /// Checks, before any long computation, that a result can later be written to `path`
    /// (`OutputTarget.check`).
    @discardableResult
    public static func checkWritable(_ path: String, label: ErrorText) throws -> OutputTarget {
        try OutputTarget.check(path, label: label)
    }

    /// Test hook: called before each rename with its index; throwing there makes `writeAll`
    /// fail at that rename (as a full or vanished folder would), to test the rollback.
    nonisolated(unsafe) static var beforeRename: ((Int) throws -> Void)?

    /// Writes every item, all or none (see the type's description). The outputs are checked
    /// again (a file may have become read-only or a FIFO during a long fit) and must be
    /// distinct files.
    public static func writeAll(_ items: [Item]) throws {
        let targets = try items.map { try OutputTarget.check($0.path, label: $0.label) }
        try OutputTarget.refuseAliases(outputs: targets, inputs: [])
        var temporaries: [String?] = Array(repeating: nil, count: items.count)
        var backups: [String?] = Array(repeating: nil, count: items.count)
        var renamed: [Int] = []
        var done = false
        defer {
            if !done {
                // Put back what was replaced, remove what was new, then the scratch files.
                for k in renamed.reversed() {
                    if let backup = backups[k] {
                        rename(backup, targets[k].target)
                    } else if targets[k].identity == nil {
                        unlink(targets[k].target)
                    }
                    backups[k] = nil
                }
                for path in temporaries.compactMap({ $0 }) + backups.compactMap({ $0 }) { unlink(path) }
            }
        }
        for (k, target) in targets.enumerated() where target.kind == .file {
            temporaries[k] = try writeTemporary(items[k].data, next: target.target, label: target.label)
        }
        for (k, target) in targets.enumerated() where target.kind == .file && target.identity != nil {
            backups[k] = keep(target.target)
        }
        for (k, target) in targets.enumerated() where target.kind == .file {
            try beforeRename?(k)
            guard rename(temporaries[k]!, target.target) == 0 else {
                throw NPLMError.invalidInput(file: target.label, "cannot be written (\(String(cString: strerror(errno)))); nothing was written")
            }
            temporaries[k] = nil
            renamed.append(k)
            syncFolder(of: target.target)
        }
        done = true
        for path in backups.compactMap({ $0 }) { unlink(path) }
        for (k, target) in targets.enumerated() where target.kind == .sink {
            try writeThrough(items[k].data, to: target.target, label: target.label)
        }
    }

    /// Writes `data` to a new temporary file next to `path`, flushed to disk; returns its path.
    private static func writeTemporary(_ data: Data, next path: String, label: ErrorText) throws -> String {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var template = Array((folder + "/." + url.lastPathComponent + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw NPLMError.invalidInput(file: label, "cannot create a file in \(folder) (\(String(cString: strerror(errno))))")
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        // mkstemp makes the file private (0600); give it the permissions a new file would get.
        let mask = umask(0)
        umask(mask)
        _ = fchmod(fd, 0o666 & ~mask)
        let error = writeFully(fd, data)
        let synced = error == nil ? (fsync(fd) == 0 ? nil : errno) : error
        let closed = close(fd) == 0
        guard error == nil, synced == nil, closed else {
            unlink(temporary)
            throw NPLMError.invalidInput(file: label, "cannot be written (\(String(cString: strerror(error ?? synced ?? EIO)))): is the disk full? Nothing was written")
        }
        return temporary
    }

    /// Writes `data` in place to a character device (/dev/null, a terminal).
    private static func writeThrough(_ data: Data, to path: String, label: ErrorText) throws {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw NPLMError.invalidInput(file: label, "cannot be opened (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        if let error = writeFully(fd, data) {
            throw NPLMError.invalidInput(file: label, "cannot be written (\(String(cString: strerror(error))))")
        }
    }

    /// write(2) until every byte is written; the errno of a failure, nil on success.
    package static func writeFully(_ fd: Int32, _ data: Data) -> Int32? {
        data.withUnsafeBytes { raw -> Int32? in
            var offset = 0
            while offset < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return errno }
                if n == 0 { return EIO }
                offset += n
            }
            return nil
        }
    }

    /// A hard link `.name.old-XXXXXX` to the existing `path`, so it can be put back; nil when the
    /// file system has no hard links (then a failed later rename cannot restore this file).
    private static func keep(_ path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        for attempt in 0..<8 {
            let backup = folder + "/." + url.lastPathComponent + ".old-\(getpid())-\(attempt)"
            if link(path, backup) == 0 { return backup }
            if errno != EEXIST { return nil }
        }
        return nil
    }

    /// fsync of the folder holding `path`, so that the rename survives a power cut.
    private static func syncFolder(of path: String) {
        let fd = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
