import Foundation
import NPLMCore
import NPLMData
import NPLMEngines
import NPLMMethods
import NPLMCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A campaign run on one machine: the toys of one shard, trained batch after batch, appended to a
/// result file after every batch, resuming where an earlier run of the same command stopped.
public struct CampaignRun {
    public var configuration: CampaignConfiguration
    /// Toys 0 ..< toys make the campaign.
    public var toys: Int
    public var shard: Shard
    /// Tests trained together in one batch.
    public var batch: Int
    public var backend: BackendRequest
    /// The result file (nil: results are kept in memory only).
    public var output: String?
    /// Files the campaign reads (option, path), which `output` must not be.
    public var inputs: [(option: ErrorText, path: String)] = []

    public init(configuration: CampaignConfiguration, toys: Int, shard: Shard = .whole, batch: Int,
                backend: BackendRequest, output: String?) {
        self.configuration = configuration
        self.toys = toys
        self.shard = shard
        self.batch = batch
        self.backend = backend
        self.output = output
    }

    /// Progress of a run: toys finished (including those found in the file), toys of the shard,
    /// toys done by this run, and the fraction of the current batch's epochs done.
    public struct Progress: Sendable {
        public var finished: Int
        public var total: Int
        public var resumed: Int
        public var batchFraction: Double
        public var batchSize: Int
        public var backend: String
    }

    /// Runs the toys of the shard that the output file does not hold yet and returns the records
    /// of every toy of the shard (found and new), in toy order. Notes (a repaired file, toys
    /// skipped) go to `notice`.
    public func run(notice: @escaping (String) -> Void = { _ in }, progress: ((Progress) -> Void)? = nil) throws -> [FitRecord] {
        try configuration.validate()
        let hash = configuration.hash
        // Everything is checked before the file is touched: memory, the output, its lock.
        // The shard's toys and their records are kept in memory (the summary is of every toy).
        let count = shard.count(total: toys)
        try configuration.checkMemory(batch: max(1, min(batch, count)))
        try MemoryLimit.check(Double(count) * configuration.recordBytes, for: "keeping the records of the shard's \(count) toys",
                              label: "\(Parameter.toys) \(toys)",
                              advice: "split the campaign into shards (\(Parameter.shard) i/n: each run keeps only its own toys) or use fewer \(Parameter.toys)")
        let wanted = shard.toys(total: toys)
        var found: [Int: FitRecord] = [:]
        var writer: CampaignWriter?
        var lock: CampaignFile.Lock?
        var created: String?
        defer {
            // A file this run created and never wrote to is removed: no empty result is left.
            if let created, writer?.appended == false { unlink(created) }
            lock?.release()
        }
        if let output {
            let target = try OutputTarget.check(output, label: "\(Parameter.output) \(output)")
            try OutputTarget.refuseAliases(outputs: [target], inputs: inputs)
            let existed = target.identity != nil
            lock = try CampaignFile.Lock(output)
            if !existed && target.kind == .file { created = output }
            let (records, notes) = try CampaignFile.prepareForResume(output, hash: hash)
            notes.forEach(notice)
            for record in records { if let toy = record.toy { found[toy] = record } }
            writer = try CampaignWriter(lock: lock!, path: output)
        }
        let todo = wanted.filter { found[$0] == nil }
        let resumed = wanted.count - todo.count
        if resumed > 0 {
            notice("\(output ?? ""): \(resumed) of the shard's \(wanted.count) toys are already done; training the other \(todo.count)")
        }
        // Said after the first batch has trained, so that a run that fails at once says only why.
        var advice = configuration.kernel != nil ? BLASDenseAlgebra.kernelsAdvice : nil
        let runner = CampaignRunner(configuration: configuration, backend: backend, notice: notice)
        var finished = resumed
        for start in stride(from: 0, to: todo.count, by: batch) {
            let toysOfBatch = Array(todo[start..<min(start + batch, todo.count)])
            let done = finished
            let records = try runner.train(toys: toysOfBatch, shard: shard) { fraction in
                progress?(Progress(finished: done, total: wanted.count, resumed: resumed, batchFraction: fraction,
                                   batchSize: toysOfBatch.count, backend: runner.backendName))
            }
            try writer?.append(records)
            if let text = advice { notice(text); advice = nil }
            for record in records { if let toy = record.toy { found[toy] = record } }
            finished += records.count
            progress?(Progress(finished: finished, total: wanted.count, resumed: resumed, batchFraction: 0,
                               batchSize: 0, backend: runner.backendName))
        }
        return wanted.compactMap { found[$0] }
    }
}
