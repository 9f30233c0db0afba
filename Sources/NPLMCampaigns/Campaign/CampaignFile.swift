import Foundation
import NPLMCore
import NPLMData
import NPLMMethods
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
    /// The records of a file, in file order. A line that is not a record, or a toy index already
    /// found on an earlier line, is an error naming the file and line; a last line without its
    /// newline (an interrupted write) is an error too unless `allowTruncatedTail`, in which case it
    /// is ignored.
    public static func read(_ path: String, allowTruncatedTail: Bool = false) throws -> [FitRecord] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw NPLMError.invalidInput(file: "\(path)", InputFile.unreadable(path, expected: "a campaign file (the JSON lines of `nplm toys \(Parameter.output)`)"))
        }
        return try parse(data, file: path, allowTruncatedTail: allowTruncatedTail)
    }

    static func parse(_ data: Data, file: String, allowTruncatedTail: Bool) throws -> [FitRecord] {
        let decoder = NPLMJSON.decoder()
        var records: [FitRecord] = []
        var lineStart = data.startIndex, lineNumber = 0
        var lineOfToy: [String: Int] = [:]  // "campaign/toy" → line (other campaigns are refused by their hash)
        while lineStart < data.endIndex {
            lineNumber += 1
            guard let newline = data[lineStart...].firstIndex(of: 0x0A) else {
                if allowTruncatedTail { break }
                throw NPLMError.invalidInput(file: "\(file)", "line \(lineNumber) is cut short (an interrupted run?): rerun the same `nplm toys` command to repair it, or delete the line")
            }
            let line = data[lineStart..<newline]
            lineStart = data.index(after: newline)
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let record: FitRecord
            do { record = try decoder.decode(FitRecord.self, from: line) } catch {
                throw NPLMError.invalidInput(file: "\(file)", "line \(lineNumber) is not an nplm result record")
            }
            if let toy = record.toy {
                let key = "\(record.campaign ?? "")/\(toy)"
                if let first = lineOfToy[key] {
                    throw NPLMError.invalidInput(file: "\(file)", "line \(lineNumber): toy \(toy) is also on line \(first) (files concatenated?): keep one line per toy (`nplm merge` joins shard files and refuses the same)")
                }
                lineOfToy[key] = lineNumber
            }
            records.append(record)
        }
        return records
    }

    /// Makes an existing result file ready to be appended to by campaign `hash`: cuts a trailing
    /// half-written line (returning a note saying so), checks that every record belongs to the
    /// campaign, and returns the records already there. A missing file is created empty.
    public static func prepareForResume(_ path: String, hash: String) throws -> (records: [FitRecord], notes: [String]) {
        let manager = FileManager.default
        // A sink such as /dev/null holds nothing to resume (and /dev/zero would never end).
        if FileIdentity.isCharacterDevice(path) { return ([], []) }
        guard manager.fileExists(atPath: path) else {
            guard manager.createFile(atPath: path, contents: nil) else {
                throw NPLMError.invalidArgument("\(Parameter.output) \(path): cannot create the file (does its folder exist and is it writable?)")
            }
            return ([], [])
        }
        guard let data = manager.contents(atPath: path) else {
            throw NPLMError.invalidArgument("\(Parameter.output) \(path): cannot read the existing file")
        }
        var notes: [String] = []
        let keep = data.last == 0x0A ? data.count : (data.lastIndex(of: 0x0A).map { $0 + 1 - data.startIndex } ?? 0)
        let complete = data.prefix(keep), tail = data.suffix(from: data.startIndex + keep)
        // Everything is checked before anything is cut, so a file that is not this campaign's
        // (a wrong --output) is refused untouched.
        let records = try parse(complete, file: path, allowTruncatedTail: false)
        for (k, record) in records.enumerated() where record.campaign != hash {
            throw NPLMError.invalidArgument("""
                \(Parameter.output) \(path): line \(k + 1) belongs to campaign \(record.campaign ?? "(none)"), but these options make \
                campaign \(hash) (configuration hash mismatch: seed, sizes, signal, architecture, training or nuisances (σ, ν*, shape order, the δ̂ model file's bytes) differ); \
                rerun with the file's options or write to another \(Parameter.output)
                """)
        }
        if !tail.isEmpty {
            // Only a line that nplm itself began may be cut: the tail must be the start of a
            // record line of this campaign, and when no complete record precedes it (so nothing
            // shows that nplm wrote the file) it must carry this campaign's whole hash.
            guard isCutRecordLine(tail, hash: hash, hashRequired: records.isEmpty) else {
                throw NPLMError.invalidArgument(records.isEmpty
                    ? "\(Parameter.output) \(path): the file exists and is not a result file of this campaign (it holds no complete record line); nplm leaves it untouched: write to another \(Parameter.output)"
                    : "\(Parameter.output) \(path): the file ends with a line that is not a record of this campaign; not touching it (write to another \(Parameter.output))")
            }
            try truncate(path, to: keep)
            notes.append("\(path): dropped a half-written last line (\(tail.count) bytes) left by an interrupted run")
        }
        return (records, notes)
    }

    /// Whether `tail` (bytes after the last newline) can be the start of a record line of campaign
    /// `hash` cut by an interrupted write. Record lines are JSON with sorted keys, so they open
    /// with `{`, then only the integer fields that sort before "campaign" (`aEvents`, `bEvents`,
    /// `backgroundEvents`), then `"campaign":"<hash>"`; the tail may stop anywhere in that
    /// opening, or go on after the whole hash. With `hashRequired`, stopping before the hash's
    /// end is not enough.
    static func isCutRecordLine(_ tail: Data, hash: String, hashRequired: Bool) -> Bool {
        let bytes = Array(tail)
        let counts = ["aEvents", "bEvents", "backgroundEvents"]
        var k = 0
        // Consumes `text` at k; true when it matches, or when the tail ends inside it.
        func expect(_ text: String) -> Bool? {
            for byte in text.utf8 {
                guard k < bytes.count else { return nil }
                guard bytes[k] == byte else { return false }
                k += 1
            }
            return true
        }
        let cut = !hashRequired  // what to answer when the tail ends before the whole hash
        switch expect("{") { case nil: return cut; case false?: return false; default: break }
        while true {
            switch expect("\"") { case nil: return cut; case false?: return false; default: break }
            let start = k
            while k < bytes.count, bytes[k] != 0x22 { k += 1 }
            let name = String(decoding: bytes[start..<k], as: UTF8.self)
            guard k < bytes.count else { return cut && (counts + ["campaign"]).contains { $0.hasPrefix(name) } }
            k += 1
            if name == "campaign" {
                switch expect(":\"" + hash) { case nil: return cut; case false?: return false; default: return expect("\"") != false }
            }
            guard counts.contains(name) else { return false }
            switch expect(":") { case nil: return cut; case false?: return false; default: break }
            let digits = k
            while k < bytes.count, (0x30...0x39).contains(bytes[k]) { k += 1 }
            guard k < bytes.count else { return cut }
            guard k > digits, bytes[k] == 0x2C else { return false }
            k += 1
        }
    }

    /// An advisory lock (flock) on a result file. `nplm toys` holds it exclusively while it
    /// appends, so that two runs of one shard (a job submitted twice) cannot write the same file at
    /// once, and `nplm merge` holds it exclusively on its output while it replaces it, so that it
    /// cannot replace a file a running campaign is appending to; `merge` holds shared locks on
    /// its inputs while reading them, so that it refuses a shard that is still being written.
    ///
    /// The lock is on the file (inode) the path names when it is taken: when the path was
    /// replaced in between (a merge renamed its result over it), the new file is locked instead,
    /// so an appending campaign always appends to the file the path names.
    public final class Lock {
        public private(set) var descriptor: Int32

        /// An exclusive lock; the file is created when missing.
        public convenience init(_ path: String) throws {
            try self.init(path, label: "\(Parameter.output) \(path)", shared: false)
        }

        /// A lock on `path`; errors name it `label`. Shared: for reading (the file must exist).
        public init(_ path: String, label: ErrorText, shared: Bool) throws {
            descriptor = -1
            let sink = FileIdentity.isCharacterDevice(path)
            for _ in 0..<100 {
                let fd = shared ? open(path, O_RDONLY) : open(path, O_RDWR | O_CREAT, 0o644)
                guard fd >= 0 else {
                    let reason = String(cString: strerror(errno))
                    throw NPLMError.invalidInput(file: label, shared ? "cannot be read (\(reason))" : "cannot be opened for writing (\(reason))")
                }
                guard flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
                    close(fd)
                    throw NPLMError.invalidInput(file: label, shared
                        ? "a running nplm toys is still writing this file (it holds its lock): wait for it to finish"
                        : "another nplm process (toys or merge) is writing this file: wait for it or use another file")
                }
                if sink || FileIdentity(descriptor: fd) == FileIdentity(path: path) {
                    descriptor = fd
                    return
                }
                close(fd)  // replaced or removed while we locked it: lock the file the path names now
            }
            throw NPLMError.invalidInput(file: label, "keeps being replaced while nplm tries to lock it: is another program rewriting it?")
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
        try AtomicWrite.write(data, to: path, label: "\(Parameter.output) \(path)")
    }
}

/// Appends whole lines to a result file through its lock's descriptor, fsyncing after each batch.
public final class CampaignWriter {
    private let descriptor: Int32
    private let sink: Bool
    public let path: String
    /// Whether anything was appended.
    public private(set) var appended = false

    /// A writer appending to the file `lock` holds (the file the path named when it was locked).
    public init(lock: CampaignFile.Lock, path: String) throws {
        self.path = path
        descriptor = dup(lock.descriptor)
        sink = FileIdentity.isCharacterDevice(path)
        guard descriptor >= 0 else {
            throw NPLMError.invalidInput(file: "\(Parameter.output) \(path)", "cannot be opened for writing (\(String(cString: strerror(errno))))")
        }
    }

    deinit { close(descriptor) }

    /// Appends the records with a single write and flushes them to the disk. A failure (a full
    /// disk) names the file and keeps what was written before: rerunning the command resumes.
    public func append(_ records: [FitRecord]) throws {
        var data = Data()
        for record in records { data.append(try NPLMJSON.line(record)) }
        if !sink { lseek(descriptor, 0, SEEK_END) }
        appended = true
        var error = AtomicWrite.writeFully(descriptor, data)
        if error == nil, !sink, fsync(descriptor) != 0 { error = errno }
        if let error {
            throw NPLMError.invalidInput(file: "\(Parameter.output) \(path)", "cannot append this batch's toys (\(String(cString: strerror(error)))): is the disk full? The toys written before are kept; free some space and rerun the same command to resume")
        }
    }
}
