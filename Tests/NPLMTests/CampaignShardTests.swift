import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// Campaigns split into shards, interrupted and resumed, and merged: always the single run's bytes.
final class CampaignShardTests: XCTestCase {
    static let small = ["toys", "--toys", "7", "--epochs", "20", "--reference-size", "300", "--expected", "40",
                        "--history-every", "10", "--backend", "reference", "--seed", "5"]

    private func data(_ folder: URL, _ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    func testThreeShardsMergedEqualTheSingleRun() throws {
        let folder = try CLI.temporaryDirectory(self)
        var run = try CLI.run(Self.small + ["--batch", "4", "--output", "single.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        for i in 0..<3 {
            // Another batch size on purpose: a toy's result does not depend on its batch.
            run = try CLI.run(Self.small + ["--batch", "2", "--shard", "\(i)/3", "--output", "shard-\(i).jsonl"], in: folder)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        run = try CLI.run(["merge", "shard-2.jsonl", "shard-0.jsonl", "shard-1.jsonl", "--output", "merged.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("none missing"), run.stdout)
        let single = try data(folder, "single.jsonl")
        XCTAssertEqual(single.filter { $0 == 0x0A }.count, 7)
        XCTAssertEqual(try data(folder, "merged.jsonl"), single)
        // Shard 1/3 holds toys 1 and 4.
        let shard = try CampaignFile.read(folder.appendingPathComponent("shard-1.jsonl").path)
        XCTAssertEqual(shard.map(\.toy), [1, 4])
        XCTAssertEqual(Set(shard.map(\.shard)), ["1/3"])
    }

    func testInterruptedRunResumesToTheSameBytes() throws {
        let folder = try CLI.temporaryDirectory(self)
        let arguments = Self.small + ["--batch", "3", "--output", "run.jsonl"]
        var run = try CLI.run(arguments, in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let url = folder.appendingPathComponent("run.jsonl")
        let complete = try Data(contentsOf: url)
        let newlines = complete.indices.filter { complete[$0] == 0x0A }

        // Killed in the middle of writing line 5: four whole lines and half of the fifth.
        try complete[..<(newlines[3] + 1 + (newlines[4] - newlines[3]) / 2)].write(to: url)
        run = try CLI.run(arguments, in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("half-written"), run.stderr)
        XCTAssertTrue(run.stderr.contains("4 of the shard's 7 toys are already done"), run.stderr)
        XCTAssertEqual(try Data(contentsOf: url), complete)

        // Killed between batches: the last lines missing.
        try complete[..<(newlines[1] + 1)].write(to: url)
        run = try CLI.run(arguments, in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try Data(contentsOf: url), complete)

        // Nothing left to do: the file is unchanged.
        run = try CLI.run(arguments, in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try Data(contentsOf: url), complete)

        // Another configuration into the same file is refused, and the file left alone.
        run = try CLI.run(Self.small.map { $0 == "20" ? "21" : $0 } + ["--output", "run.jsonl"], in: folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("configuration hash mismatch"), run.stderr)
        XCTAssertEqual(try Data(contentsOf: url), complete)
    }

    func testMergeRejectsOverlapAndMixedCampaignsAndReportsGaps() throws {
        let folder = try CLI.temporaryDirectory(self)
        for (name, extra) in [("a", ["--shard", "0/3"]), ("b", ["--shard", "2/3"]), ("c", ["--shard", "1/3", "--seed", "6"])] {
            let run = try CLI.run(Self.small + extra + ["--output", "\(name).jsonl"], in: folder)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        var run = try CLI.run(["merge", "a.jsonl", "a.jsonl", "--output", "m.jsonl"], in: folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("overlapping"), run.stderr)
        run = try CLI.run(["merge", "a.jsonl", "c.jsonl", "--output", "m.jsonl"], in: folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("configuration hash mismatch"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.jsonl").path))
        run = try CLI.run(["merge", "a.jsonl", "b.jsonl", "--output", "m.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("missing 2 toys: 1, 4"), run.stdout)
        XCTAssertEqual(try CampaignFile.read(folder.appendingPathComponent("m.jsonl").path).map(\.toy), [0, 2, 3, 5, 6])
    }

    func testAHalfWrittenLineIsCutAtAnyLengthButAForeignFileIsLeftAlone() throws {
        let folder = try CLI.temporaryDirectory(self)
        let configuration = CampaignConfiguration(seed: 1, architecture: try Architecture([1, 2, 1]),
                                                  training: TrainingOptions(epochs: 3), benchmark: Benchmark1D(expectedBackground: 5, referenceSize: 10))
        let records = try CampaignRunner(configuration: configuration, backend: BackendRequest(kind: .reference))
            .train(toys: [0, 1], shard: .whole)
        let lines = try records.map { try NPLMJSON.line($0) }
        let path = folder.appendingPathComponent("r.jsonl").path
        for cut in [1, 10, 30, 40, 50, 70, lines[1].count - 1] {
            try (lines[0] + lines[1].prefix(cut)).write(to: URL(fileURLWithPath: path))
            let (found, notes) = try CampaignFile.prepareForResume(path, hash: configuration.hash)
            XCTAssertEqual(found, [records[0]], "cut \(cut)")
            XCTAssertEqual(notes.count, 1, "cut \(cut)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), lines[0], "cut \(cut)")
        }
        // Another campaign's half line, or a file that is no result file: refused, left as it was.
        // Files nplm did not write are never cut, whatever their size: a small JSON file without its
        // final newline, the start of a record line with no hash to show it is this campaign's.
        for foreign in [lines[0] + Data("{\"backgroundEvents\":3,\"campaign\":\"0123".utf8), Data("hello world".utf8),
                        Data("{\"a\":1}\n".utf8), Data("{\"lumi\":139,\"run\":2}".utf8), Data("{\"".utf8), Data("{".utf8),
                        Data("{\"backgroundEvents\":12".utf8), lines[0] + Data("{\"lumi\":1".utf8),
                        lines[0] + Data("{\"backgroundEvents\":1x".utf8)] {
            try foreign.write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try CampaignFile.prepareForResume(path, hash: configuration.hash))
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), foreign)
        }
    }

    func testAFirstLineCutAfterItsHashIsOursButAUsersJSONFileIsNot() throws {
        let folder = try CLI.temporaryDirectory(self)
        let arguments = ["toys", "--toys", "2", "--epochs", "5", "--reference-size", "300", "--expected", "40",
                         "--backend", "reference", "--output", "run.json"]
        var run = try CLI.run(arguments, in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let url = folder.appendingPathComponent("run.json")
        let complete = try Data(contentsOf: url)
        // Killed while writing the first line, after its campaign hash: cut and redone.
        try complete.prefix(80).write(to: url)
        run = try CLI.run(arguments, in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try Data(contentsOf: url), complete)
        // A user's small JSON file without a final newline: refused, byte for byte as it was.
        let users = Data("{\"lumi\":139,\"run\":2}".utf8)
        try users.write(to: url)
        run = try CLI.run(arguments, in: folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("not a result file of this campaign"), run.stderr)
        XCTAssertEqual(try Data(contentsOf: url), users)
    }

    func testShardParsingAndHashStability() throws {
        XCTAssertEqual(try Shard(parsing: "2/5").toys(total: 13), [2, 7, 12])
        XCTAssertThrowsError(try Shard(parsing: "3/3"))
        XCTAssertThrowsError(try Shard(parsing: "1-3"))
        // FNV-1a 64 of "a" (the published test vector).
        XCTAssertEqual(FNV1a64.hex(Array("a".utf8)), "af63dc4c8601ec8c")
        let architecture = try Architecture([1, 4, 1])
        let base = CampaignConfiguration(seed: 1, architecture: architecture, training: TrainingOptions(epochs: 10),
                                         benchmark: Benchmark1D())
        var other = base
        other.training.clipping = WeightClipping(bound: 9)
        XCTAssertEqual(base.hash, CampaignConfiguration(seed: 1, architecture: architecture, training: TrainingOptions(epochs: 10),
                                                        benchmark: Benchmark1D()).hash)
        XCTAssertNotEqual(base.hash, other.hash)
    }

    func testProgressText() {
        let meter = ProgressMeter(start: Date(timeIntervalSince1970: 0))
        let progress = CampaignRun.Progress(finished: 30, total: 100, resumed: 10, batchFraction: 0, batchSize: 0, backend: "cpu")
        let now = Date(timeIntervalSince1970: 10)
        XCTAssertEqual(meter.text(progress, now: now, bar: false), "toys 30/100 on cpu, 2.00 toys/s, ETA 0:35")
        XCTAssertTrue(meter.text(progress, now: now, bar: true).hasPrefix("[########--------------------] 30/100 toys"))
    }
}
