import ArgumentParser
import Foundation
import NPLM

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the result files of a campaign's shards into one file sorted by toy index.",
        discussion: """
        Checks that every record belongs to one campaign (the same configuration hash), that no toy \
        appears twice (overlapping shards), and reports missing toy indices (gaps). The output is \
        written atomically (a temporary file renamed into place) under the lock `nplm toys` takes, so \
        a file a running campaign appends to is never replaced (and a shard still being written is \
        refused); for a complete campaign it is byte for byte the file a single `nplm toys` run writes.
        """)

    @Argument(help: "Shard result files (JSON lines written by `nplm toys --output`).")
    var files: [String]

    @Option(help: "The merged file.")
    var output: String

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("nplm merge needs at least one input file") }
    }

    func run() throws {
        let merged = try CampaignMerge.merge(files: files, output: output)
        print("merged \(merged.records.count) toys of campaign \(merged.campaign) from \(files.count) files into \(output)")
        if !merged.missingShards.isEmpty {
            let list = merged.missingShards.joined(separator: ", ")
            print("missing shard\(merged.missingShards.count == 1 ? "" : "s") \(list): none of \(merged.missingShards.count == 1 ? "its" : "their") toys is in these files; merge \(merged.missingShards.count == 1 ? "its file" : "their files") too (nplm toys --shard \(merged.missingShards[0]) … writes it)")
        }
        if merged.gaps.isEmpty {
            print("toys 0-\((merged.records.last?.toy ?? 0)): none missing")
        } else {
            print("missing \(merged.missingCount) toys: \(merged.gapText)")
        }
    }
}
