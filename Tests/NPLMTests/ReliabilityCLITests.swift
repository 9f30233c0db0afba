import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// Writing results never destroys anything, and bad input gets one clear line, never a crash or a
/// result: hostile outputs, aliases, locks, duplicates, absurd values, every command.
final class ReliabilityCLITests: XCTestCase {
    static let fast = ["--epochs", "5", "--backend", "reference"]
    static let toys = ["toys", "--toys", "3", "--epochs", "5", "--reference-size", "100", "--expected", "20", "--backend", "reference"]

    var folder: URL!

    override func setUpWithError() throws {
        folder = try CLI.temporaryDirectory(self)
        try NpyTestFile.write((0..<100).map { -log((Double($0) + 0.5) / 100) }, shape: [100], to: url("ref.npy"))
        try NpyTestFile.write((0..<20).map { -1.3 * log((Double($0) + 0.5) / 20) }, shape: [20], to: url("data.npy"))
        try HDF5TestFile.write(url("s.h5").path, [.init(name: "/x", values: (0..<20).map { Double($0) / 7 }, shape: [20])])
    }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
    func run(_ arguments: [String]) throws -> CLIRun { try CLI.run(arguments, in: folder) }
    func contents(_ name: String) -> Data? { FileManager.default.contents(atPath: url(name).path) }

    func testHostileOutputsAreRefusedUntouchedOrWrittenThrough() throws {
        let fit = ["fit", "--data", "data.npy", "--reference", "ref.npy"] + Self.fast
        try FileManager.default.createDirectory(at: url("folder"), withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(url("fifo").path, 0o644), 0)
        try Data("keep\n".utf8).write(to: url("readonly.json"))
        chmod(url("readonly.json").path, 0o444)
        let cases: [([String], String)] = [
            (fit + ["--output", "folder"], "is a folder"),
            (fit + ["--output", "fifo"], "is a named pipe (FIFO)"),
            (fit + ["--output", "readonly.json"], "is read-only (mode 444)"),
            (fit + ["--save-model", "readonly.json"], "is read-only"),
            (fit + ["--output", "missing/out.json"], "does not exist"),
            (fit + ["--output", "ok.h5:/results"], "names dataset /results inside ok.h5, but nplm writes its results as JSON files"),
            (fit + ["--output", "data.npy"], "--output data.npy is the file given as --data data.npy"),
            (fit + ["--output", "a.json", "--save-model", "./a.json"], "are the same file"),
            (["fit", "--data", "s.h5:/x", "--reference", "ref.npy", "--output", "s.h5"] + Self.fast, "is the file given as --data s.h5:/x"),
            (["permute", "--a", "data.npy", "--b", "ref.npy", "--permutations", "2", "--output", "ref.npy"] + Self.fast, "given as --b"),
            (fit + ["--output", "/dev/full"], "No space left on device"),
        ]
        for (arguments, expected) in cases {
            assertOneLineRefusal(try run(arguments), expected, arguments.joined(separator: " "))
        }
        XCTAssertEqual(contents("readonly.json"), Data("keep\n".utf8))
        XCTAssertFalse(FileManager.default.fileExists(atPath: url("a.json").path))
        XCTAssertEqual(try NumpyReader.read(url("data.npy"), label: "data").rows, 20, "the input is untouched")

        // /dev/null is written through (it stays a device); a symbolic link's target is written, the link kept.
        let sink = try run(fit + ["--output", "/dev/null", "--save-model", "/dev/null"])
        XCTAssertEqual(sink.status, 0, sink.stderr)
        var info = stat()
        XCTAssertEqual(stat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR)
        try Data("old\n".utf8).write(to: url("target.json"))
        try FileManager.default.createSymbolicLink(atPath: url("link.json").path, withDestinationPath: "target.json")
        let linked = try run(fit + ["--output", "link.json"])
        XCTAssertEqual(linked.status, 0, linked.stderr)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: url("link.json").path), "target.json")
        XCTAssertTrue(String(decoding: contents("target.json") ?? Data(), as: UTF8.self).contains("\"dof\""))
        try FileManager.default.createSymbolicLink(atPath: url("dangling.json").path, withDestinationPath: "nowhere/x.json")
        assertOneLineRefusal(try run(fit + ["--output", "dangling.json"]), "which does not exist", "dangling link")
    }

    func testSeveralOutputsAreWrittenAllOrNone() throws {
        try Data("old A\n".utf8).write(to: url("A"))
        defer { AtomicWrite.beforeRename = nil }
        AtomicWrite.beforeRename = { k in if k == 1 { throw NPLMError.invalidArgument("injected failure at the second rename") } }
        XCTAssertThrowsError(try AtomicWrite.writeAll([AtomicWrite.Item(Data("new A\n".utf8), to: url("A").path, label: "A"),
                                                       AtomicWrite.Item(Data("new B\n".utf8), to: url("B").path, label: "B")]))
        XCTAssertEqual(contents("A"), Data("old A\n".utf8), "the replaced file is put back")
        XCTAssertNil(contents("B"), "the new file is removed")
        AtomicWrite.beforeRename = nil
        try AtomicWrite.writeAll([AtomicWrite.Item(Data("new A\n".utf8), to: url("A").path, label: "A"),
                                  AtomicWrite.Item(Data("new B\n".utf8), to: url("B").path, label: "B")])
        XCTAssertEqual(contents("A"), Data("new A\n".utf8))
        XCTAssertEqual(contents("B"), Data("new B\n".utf8))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(names, [], "no temporary or backup file is left")
    }

    func testMergeTakesTheCampaignLockAndDuplicatesAreRefused() throws {
        XCTAssertEqual(try run(Self.toys + ["--output", "c.jsonl"]).status, 0)
        let campaign = try XCTUnwrap(contents("c.jsonl"))

        // A running `nplm toys` holds the lock on its file: merge neither replaces it nor reads it.
        try Data().write(to: url("running.jsonl"))
        let running = try CampaignFile.Lock(url("running.jsonl").path)
        assertOneLineRefusal(try run(["merge", "c.jsonl", "--output", "running.jsonl"]), "another nplm process", "merge over a running file")
        assertOneLineRefusal(try run(["merge", "running.jsonl", "--output", "m.jsonl"]), "still writing", "merge of a running shard")
        running.release()
        XCTAssertEqual(contents("running.jsonl"), Data())
        XCTAssertNil(contents("m.jsonl"))
        assertOneLineRefusal(try run(["merge", "c.jsonl", "--output", "c.jsonl"]), "is the file given as the input c.jsonl", "merge onto its input")

        // After a merge, a campaign appends to the merged file: no toy lost, none twice.
        XCTAssertEqual(try run(["merge", "c.jsonl", "--output", "m.jsonl"]).status, 0)
        let extended = try run(Self.toys.map { $0 == "3" ? "5" : $0 } + ["--output", "m.jsonl"])
        XCTAssertEqual(extended.status, 0, extended.stderr)
        XCTAssertEqual(try CampaignFile.read(url("m.jsonl").path).map(\.toy), [0, 1, 2, 3, 4])

        // A campaign file concatenated with itself: report and resume refuse it, naming the toy.
        try (campaign + campaign).write(to: url("twice.jsonl"))
        assertOneLineRefusal(try run(["report", "twice.jsonl"]), "line 4: toy 0 is also on line 1", "report")
        assertOneLineRefusal(try run(Self.toys + ["--output", "twice.jsonl"]), "toy 0 is also on line 1", "resume")
        XCTAssertEqual(contents("twice.jsonl"), campaign + campaign)

        // A read-only campaign file is not replaced by merge (nor appended to by toys).
        try campaign.write(to: url("kept.jsonl"))
        chmod(url("kept.jsonl").path, 0o444)
        assertOneLineRefusal(try run(["merge", "c.jsonl", "--output", "kept.jsonl"]), "is read-only", "merge over read-only")
        assertOneLineRefusal(try run(Self.toys.map { $0 == "3" ? "4" : $0 } + ["--output", "kept.jsonl"]), "is read-only", "toys into read-only")
        XCTAssertEqual(contents("kept.jsonl"), campaign)

        // A full disk while appending names the file.
        assertOneLineRefusal(try run(Self.toys + ["--output", "/dev/full"]), "--output /dev/full: cannot append", "disk full")
    }

    func testReportRefusesANullCampaignOfAnotherSetUp() throws {
        XCTAssertEqual(try run(Self.toys + ["--signal", "NP3", "--seed", "2", "--output", "signal.jsonl"]).status, 0)
        XCTAssertEqual(try run(Self.toys + ["--output", "null.jsonl"]).status, 0)
        XCTAssertEqual(try run(Self.toys + ["--architecture", "1,3,1", "--output", "other.jsonl"]).status, 0)
        XCTAssertEqual(try run(["report", "signal.jsonl", "--null", "null.jsonl"]).status, 0)
        assertOneLineRefusal(try run(["report", "signal.jsonl", "--null", "other.jsonl"]), "differs in architecture (1,3,1, not 1,4,1)", "architecture")
        assertOneLineRefusal(try run(["report", "signal.jsonl", "--null", "signal.jsonl"]), "has a signal", "signal as null")
    }

    /// Absurd or non-finite values, negative numbers as separate words, memory beyond the machine:
    /// one line naming the option, no result file, for every command.
    func testBadValuesGetOneLineAndNoResult() throws {
        let fit = ["fit", "--data", "data.npy", "--reference", "ref.npy", "--output", "out.json"] + Self.fast
        try NpyTestFile.write(Array(repeating: 1e7, count: 100), shape: [100], to: url("heavy.npy"))
        let cases: [([String], String)] = [
            (fit + ["--learning-rate", "inf"], "--learning-rate must be a positive finite number, got inf"),
            (fit + ["--expected", "1e300"], "--expected must be at most 1e8 events"),
            (fit + ["--beta1", "1"], "--beta1 must be in [0, 1)"),
            (fit + ["--beta2", "-0.5"], "--beta2 must be in [0, 1)"),
            (fit + ["--epsilon", "0"], "--epsilon must be a positive finite number"),
            (fit + ["--epochs", "-5"], "--epochs must be at least 1, got -5"),
            (fit + ["--clip", "-1"], "--clip must be a positive number, got -1"),
            (fit + ["--seed", "-1"], "'-1' is invalid for '--seed"),
            (fit + ["--reference-weights", "heavy.npy"], "the weights sum to"),
            (fit + ["--architecture", "1,100000,100000,1"], "of memory; this machine has"),
            (fit + ["--epoch", "3"], "Did you mean '--epochs'?"),
            (["fit", "--a", "data.npy", "--b", "ref.npy", "--expected", "100", "--output", "out.json"], "--expected belongs to the NPLM fit"),
            (["fit", "--model", "kernel", "--data", "data.npy", "--reference", "ref.npy", "--centres", "-3", "--output", "out.json"],
             "--centres must be at least 1"),
            (["permute", "--a", "data.npy", "--b", "ref.npy", "--permutations", "-2", "--output", "out.json"], "--permutations must be at least 1"),
            (["eval", "--model", "nothing.json", "--data", "data.npy", "--reference", "ref.npy", "--output", "out.json"], "--model nothing.json"),
            (Self.toys + ["--architecture", "1,100000,100000,1", "--output", "out.json"], "use a smaller --architecture, a smaller --batch"),
            (["toys", "--toys", "3", "--model", "kernel", "--centres", "100000", "--reference-size", "10000000", "--backend", "reference",
              "--output", "out.json"], "use fewer --centres"),
            (Self.toys + ["--nuisances", "scale", "--nuisance-sigma", "inf", "--output", "out.json"], "--nuisance-sigma"),
            (Self.toys + ["--signal", "NP1", "--signal-events", "-3", "--output", "out.json"], "--signal-events must be a non-negative number"),
            (Self.toys + ["--learning-rate", "nan", "--output", "out.json"], "--learning-rate must be a positive finite number, got nan"),
            (Self.toys + ["--shard", "5/100", "--output", "out.json"], "this shard holds no toy"),
            (["calibrate", "--expected", "inf"], "--expected must be a positive number, got inf"),
            (["report", "nothing.jsonl", "--alpha", "2"], "--alpha must be in (0, 1)"),
            (["merge", "--output", "out.json"], "`nplm merge --help` lists the options"),
            (["nuisance", "train", "--builtin", "scale", "--points", "-0.1,0.1", "--epochs", "-3", "--output", "out.json"],
             "--epochs must be at least 1, got -3"),
            (["nuisance", "train", "--builtin", "scale", "--points", "0.1,-0.1", "--learning-rate", "inf", "--output", "out.json"],
             "--learning-rate must be a positive finite number"),
            (["nuisance", "train", "--builtin", "scale", "--points", "0.1,-0.1", "--expected", "1e300", "--output", "out.json"],
             "--expected must be at most 1e8"),
        ]
        for (arguments, expected) in cases {
            assertOneLineRefusal(try run(arguments), expected, arguments.joined(separator: " "))
            XCTAssertNil(contents("out.json"), arguments.joined(separator: " "))
        }
    }
}
