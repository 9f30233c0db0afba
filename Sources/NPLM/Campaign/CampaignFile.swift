import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A campaign result file: one `FitRecord` per line (JSON Lines).
///
/// Crash safety: every batch is appended with one write of whole lines and then fsynced, so after
/// an interruption (even `kill -9` or a power cut) the file holds complete lines of finished toys,
/// possibly followed by one half-written line, which `prepareForResume` cuts off.
public enum CampaignFile {
    /// The records of a file, in file order. A line that is not a record is an error naming the
    /// file and line; a last line without its newline (an interrupted write) is an error too
    /// unless `allowTruncatedTail`, in which case it is ignored.
    public static func read(_ path: String, allowTruncatedTail: Bool = false) throws -> [FitRecord] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw NPLMError.invalidInput(file: path, "cannot read the file (does it exist?)")
        }
        return try parse(data, file: path, allowTruncatedTail: allowTruncatedTail)
    }

    static func parse(_ data: Data, file: String, allowTruncatedTail: Bool) throws -> [FitRecord] {
        let decoder = NPLMJSON.decoder()
        var records: [FitRecord] = []
        var lineStart = data.startIndex, lineNumber = 0
        while lineStart < data.endIndex {
            lineNumber += 1
            guard let newline = data[lineStart...].firstIndex(of: 0x0A) else {
                if allowTruncatedTail { break }
                throw NPLMError.invalidInput(file: file, "line \(lineNumber) is cut short (an interrupted run?): rerun the same `nplm toys` command to repair it, or delete the line")
            }
            let line = data[lineStart..<newline]
            lineStart = data.index(after: newline)
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do { records.append(try decoder.decode(FitRecord.self, from: line)) } catch {
                throw NPLMError.invalidInput(file: file, "line \(lineNumber) is not an nplm result record")
            }
        }
        return records
    }

    /// Makes an existing result file ready to be appended to by campaign `hash`: cuts a trailing
    /// half-written line (returning a note saying so), checks that every record belongs to the
    /// campaign, and returns the records already there. A missing file is created empty.
    public static func prepareForResume(_ path: String, hash: String) throws -> (records: [FitRecord], notes: [String]) {
        let manager = FileManager.default
        guard manager.fileExists(atPath: path) else {
            guard manager.createFile(atPath: path, contents: nil) else {
                throw NPLMError.invalidArgument("--output \(path): cannot create the file (does its folder exist and is it writable?)")
            }
            return ([], [])
        }
        guard let data = manager.contents(atPath: path) else {
            throw NPLMError.invalidArgument("--output \(path): cannot read the existing file")
        }
        var notes: [String] = []
        let keep = data.last == 0x0A ? data.count : (data.lastIndex(of: 0x0A).map { $0 + 1 - data.startIndex } ?? 0)
        let complete = data.prefix(keep), tail = data.suffix(from: data.startIndex + keep)
        // Everything is checked before anything is cut, so a file that is not this campaign's
        // (a wrong --output) is refused untouched.
        let records = try parse(complete, file: path, allowTruncatedTail: false)
        for (k, record) in records.enumerated() where record.campaign != hash {
            throw NPLMError.invalidArgument("""
                --output \(path): line \(k + 1) belongs to campaign \(record.campaign ?? "(none)"), but these options make \
                campaign \(hash) (configuration hash mismatch: seed, sizes, signal, architecture or training differ); \
                rerun with the file's options or write to another --output
                """)
        }
        if !tail.isEmpty {
            // A record line starts with {"backgroundEvents":…,"campaign":"<hash>" (sorted keys).
            let text = String(decoding: tail.prefix(200), as: UTF8.self)
            var ours = "{\"".hasPrefix(text.prefix(2))
            if let field = text.range(of: "\"campaign\":\"") {
                ours = ours && hash.hasPrefix(text[field.upperBound...].prefix(hash.count))
            } else {
                ours = ours && text.count < 60
            }
            guard ours else {
                throw NPLMError.invalidArgument("--output \(path): the file ends with a line that is not a record of this campaign; not touching it (write to another --output)")
            }
            try truncate(path, to: keep)
            notes.append("\(path): dropped a half-written last line (\(tail.count) bytes) left by an interrupted run")
        }
        return (records, notes)
    }

    /// An exclusive advisory lock (flock) on a result file, so that two runs of one shard (a job
    /// submitted twice) cannot append to the same file at once. Creates the file if needed.
    public final class Lock {
        private var descriptor: Int32

        public init(_ path: String) throws {
            descriptor = open(path, O_RDWR | O_CREAT, 0o644)
            guard descriptor >= 0 else {
                throw NPLMError.invalidArgument("--output \(path): cannot create the file (does its folder exist and is it writable?)")
            }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                close(descriptor)
                descriptor = -1
                throw NPLMError.invalidArgument("--output \(path): another nplm process is writing this file; wait for it or use another --output")
            }
        }

        public func release() {
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }

        deinit { release() }
    }

    private static func truncate(_ path: String, to length: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.truncate(atOffset: UInt64(length))
        try handle.synchronize()
    }

    /// Writes `records` as a new file at `path` atomically (`AtomicWrite`: a temporary file in
    /// the same folder, fsynced, renamed over `path`), so a reader never sees a half-written file.
    public static func writeAtomically(_ records: [FitRecord], to path: String) throws {
        var data = Data()
        for record in records { data.append(try NPLMJSON.line(record)) }
        try AtomicWrite.write(data, to: path, label: "--output \(path)")
    }
}

/// Appends whole lines to a result file, fsyncing after each batch.
public final class CampaignWriter {
    private let handle: FileHandle
    public let path: String

    public init(appendingTo path: String) throws {
        self.path = path
        do {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
        } catch {
            throw NPLMError.invalidArgument("--output \(path): cannot open the file for writing")
        }
    }

    deinit { try? handle.close() }

    /// Appends the records with a single write and flushes them to the disk.
    public func append(_ records: [FitRecord]) throws {
        var data = Data()
        for record in records { data.append(try NPLMJSON.line(record)) }
        try handle.write(contentsOf: data)
        try handle.synchronize()
    }
}
