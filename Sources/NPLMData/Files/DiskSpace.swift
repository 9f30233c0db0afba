import Foundation
import NPLMCore
#if canImport(Glibc)
import Glibc
#endif

/// Files sized by options, checked against the free space of the file system they go to before
/// the first is written, so that a folder of samples does not stop half-written on a full disk.
public enum DiskSpace {
    /// Bytes free to an unprivileged writer on the file system that holds `path`, or would hold it
    /// (its nearest existing ancestor; nil: unknown).
    public static func available(at path: String) -> Double? {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var info = statvfs()
        while statvfs(url.path, &info) != 0 {
            guard url.path != "/" else { return nil }
            url.deleteLastPathComponent()
        }
        return Double(info.f_bavail) * Double(info.f_frsize)
    }

    /// Refuses `bytes` of files in `folder` when its file system has less free: `what` names them
    /// ("the samples of 1000 toys"), `advice` what to do; the error names `label`.
    public static func check(_ bytes: Double, in folder: String, for what: String, label: ErrorText, advice: String) throws {
        guard let free = available(at: folder), bytes > free else { return }
        throw NPLMError.invalidInput(file: label, "\(what) need about \(TrainingMemory.bytes(bytes)) and the file system has \(TrainingMemory.bytes(free)) free: \(advice)")
    }
}
