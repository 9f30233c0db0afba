import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Writes result files so that no half-written result ever exists: the bytes go to a temporary
/// file in the destination's folder, are flushed to disk, and the temporary file is renamed over
/// the destination (rename(2) within one file system is atomic). A reader sees the old file or
/// the complete new one; a crash leaves at most a stray `.name.tmp-XXXXXX`, never a partial result.
public enum AtomicWrite {
    /// Writes `data` to `path`; errors name the file as `label` (e.g. "--output result.json").
    public static func write(_ data: Data, to path: String, label: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var template = Array((folder + "/." + url.lastPathComponent + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw NPLMError.invalidInput(file: label, "cannot create a file in \(folder) (\(String(cString: strerror(errno)))): does the folder exist and is it writable?")
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var success = false
        defer {
            if !success { unlink(temporary) }
        }
        // mkstemp makes the file private (0600); give it the permissions a new file would get.
        let mask = umask(0)
        umask(mask)
        _ = fchmod(fd, 0o666 & ~mask)
        let written: Bool = data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        let error = String(cString: strerror(errno))
        let synced = fsync(fd) == 0
        let closed = close(fd) == 0
        guard written, synced, closed else {
            throw NPLMError.invalidInput(file: label, "cannot be written (\(error)); is the disk full?")
        }
        guard rename(temporary, path) == 0 else {
            throw NPLMError.invalidInput(file: label, "cannot be written (\(String(cString: strerror(errno))))")
        }
        success = true
    }

    /// Checks, before any long computation, that a result can later be written to `path`: its
    /// folder exists and is writable, and `path` is not a folder.
    public static func checkWritable(_ path: String, label: String) throws {
        let url = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw NPLMError.invalidInput(file: label, "is a folder: give a file name")
        }
        let folder = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw NPLMError.invalidInput(file: label, "the folder \(folder) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw NPLMError.invalidInput(file: label, "the folder \(folder) is not writable")
        }
    }
}
