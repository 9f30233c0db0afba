import Foundation
import NPLMCore
import NPLMData
import NPLMMethods
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Joins the result files of a campaign's shards into one file of the whole campaign.
public enum CampaignMerge {
    /// The merged campaign: its records in toy order, its hash and the toys missing.
    public struct Result: Sendable {
        /// Every record, sorted by toy index, with shard "0/1" (a file of the whole campaign).
        public var records: [FitRecord]
        public var campaign: String
        /// Toy indices missing between 0 and the largest index found, as ranges.
        public var gaps: [ClosedRange<Int>]
        /// Shards of a split campaign none of whose records were given ("1/3"), in order: a file
        /// left out of the merge.
        public var missingShards: [String] = []

        public var gapText: String {
            gaps.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ", ")
        }
        public var missingCount: Int { gaps.reduce(0) { $0 + $1.count } }
    }

    /// Checks that the files hold one campaign (one configuration hash) and no toy twice, and
    /// joins them. `files` pairs a file name (for messages) with its records.
    public static func merge(_ files: [(name: String, records: [FitRecord])]) throws -> Result {
        var campaign: (hash: String, file: String)?
        var owner: [Int: (index: Int, name: String)] = [:]
        var records: [FitRecord] = []
        var shardsSeen: [Int: Set<Int>] = [:]  // n → the indices i of the shards i/n given
        for (fileIndex, file) in files.enumerated() {
            for (k, record) in file.records.enumerated() {
                if let text = record.shard, let shard = try? Shard(parsing: text), shard.count > 1 {
                    shardsSeen[shard.count, default: []].insert(shard.index)
                }
                guard let hash = record.campaign, let toy = record.toy else {
                    throw NPLMError.invalidInput(file: "\(file.name)", "line \(k + 1) is not a toy campaign record (no campaign hash or toy index)")
                }
                if let campaign, campaign.hash != hash {
                    throw NPLMError.invalidInput(file: "\(file.name)", """
                        line \(k + 1) belongs to campaign \(hash) but \(campaign.file) to campaign \(campaign.hash) \
                        (configuration hash mismatch): only shards of one campaign can be merged
                        """)
                }
                if campaign == nil { campaign = (hash, file.name) }
                if let first = owner[toy] {
                    let place = first.index == fileIndex ? "earlier in the same file"
                        : first.name == file.name ? "in the same file given twice" : "in \(first.name)"
                    throw NPLMError.invalidInput(file: "\(file.name)", "line \(k + 1): toy \(toy) is also \(place) (overlapping shards): merge each shard once")
                }
                owner[toy] = (fileIndex, file.name)
                var merged = record
                merged.shard = Shard.whole.description
                records.append(merged)
            }
        }
        guard let campaign else { throw NPLMError.invalidArgument("nplm merge: the input files hold no records") }
        records.sort { ($0.toy ?? 0) < ($1.toy ?? 0) }
        let missingShards = shardsSeen.keys.sorted().flatMap { n in
            (0..<n).filter { !shardsSeen[n]!.contains($0) }.map { "\($0)/\(n)" }
        }
        return Result(records: records, campaign: campaign.hash, gaps: gaps(records.compactMap(\.toy)), missingShards: missingShards)
    }

    /// `nplm merge`: reads the shard files (each under a shared lock, so a shard that a running
    /// `nplm toys` is still appending to is refused), joins them, and writes `output` atomically
    /// while holding its exclusive lock (`CampaignFile.Lock`, the one `nplm toys` holds while it
    /// appends): a running campaign's file is never replaced, and a campaign started afterwards
    /// appends to the merged file. `output` must not be one of the inputs.
    public static func merge(files: [String], output: String) throws -> Result {
        let label: ErrorText = "\(Parameter.output) \(output)"
        let target = try OutputTarget.check(output, label: label)
        try OutputTarget.refuseAliases(outputs: [target], inputs: files.map { (option: "the input", path: $0) })
        var inputs: [(name: String, records: [FitRecord])] = []
        for file in files {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), !isFolder.boolValue else {
                throw NPLMError.invalidInput(file: "\(file)", InputFile.unreadable(file, expected: "a shard file (the JSON lines of `nplm toys \(Parameter.output)`)"))
            }
            let lock = try CampaignFile.Lock(file, label: "\(file)", shared: true)
            defer { lock.release() }
            inputs.append((file, try CampaignFile.read(file)))
        }
        let merged = try merge(inputs)
        let existed = target.identity != nil
        let lock = try CampaignFile.Lock(output, label: label, shared: false)
        defer { lock.release() }
        do {
            try CampaignFile.writeAtomically(merged.records, to: output)
        } catch {
            if !existed { unlink(output) }  // the empty file the lock created
            throw error
        }
        return merged
    }

    /// Missing indices in 0 … max of sorted `toys`.
    static func gaps(_ toys: [Int]) -> [ClosedRange<Int>] {
        var gaps: [ClosedRange<Int>] = []
        var next = 0
        for toy in toys {
            if toy > next { gaps.append(next...(toy - 1)) }
            next = toy + 1
        }
        return gaps
    }
}
