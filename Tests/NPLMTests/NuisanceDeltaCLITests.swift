import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// `nplm nuisance train` and `nplm nuisance check` end to end, and their one-line refusals.
final class NuisanceDeltaCLITests: XCTestCase {
    func testTrainAndCheckTheBuiltinScaleNuisance() throws {
        let folder = try CLI.temporaryDirectory(self)
        let train = try CLI.run(["nuisance", "train", "--builtin", "scale", "--points", "0.15,-0.15,0.3,-0.3", "--order", "2",
                                 "--architecture", "1,3,1", "--events", "100", "--epochs", "20", "--threads", "1", "--output", "d.json"],
                                in: folder)
        XCTAssertEqual(train.status, 0, train.stderr)
        let effect = try LearnedShapeEffect(contentsOf: folder.appendingPathComponent("d.json"))
        XCTAssertEqual(effect.order, 2)
        XCTAssertEqual(effect.points, [0.15, -0.15, 0.3, -0.3])
        XCTAssertEqual(effect.model.training.epochs, 20)
        let check = try CLI.run(["nuisance", "check", "--model", "d.json", "--builtin", "scale", "--events", "200", "--bins", "5",
                                 "--plot", "c.svg", "--output", "c.json"], in: folder)
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stdout.contains("exact: max|Δ|"), check.stdout)
        XCTAssertEqual(check.stdout.split(separator: "\n").filter { $0.hasPrefix("     0.15") || $0.hasPrefix("     -0.3") }.count, 2, check.stdout)
        let svg = try String(contentsOf: folder.appendingPathComponent("c.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<?xml") && svg.contains("</svg>"))
        let report = try NPLMJSON.decoder().decode(NuisanceCheckReport.self, from: try Data(contentsOf: folder.appendingPathComponent("c.json")))
        XCTAssertEqual(report.rows.count, 4)
        XCTAssertNotNil(report.rows[0].exactMaxDeviation)
    }

    func testBadInputsGiveOneLineAndNoFile() throws {
        let folder = try CLI.temporaryDirectory(self)
        try NpyTestFile.write((0..<50).map { Double($0) / 10 }, shape: [50], to: folder.appendingPathComponent("s.npy"))
        try NpyTestFile.write((0..<40).map { Double($0) / 10 }, shape: [20, 2], to: folder.appendingPathComponent("s2.npy"))
        let base = ["nuisance", "train", "--epochs", "2", "--output", "d.json"]
        let cases: [([String], String)] = [
            (["--builtin", "scale", "--points", "0.15,-0.15,0.3"], "--points: nuisance point 0.3 has no partner -0.3: the points must come in ± pairs"),
            (["--builtin", "scale", "--points", "0,0.1,-0.1"], "--points: nuisance point 0 carries no information"),
            (["--builtin", "scale", "--points", "0.1,x"], "--points '0.1,x' is not a comma-separated list of numbers"),
            (["--builtin", "scale"], "--points is required"),
            (["--builtin", "scale", "--points", "0.1,-0.1", "--order", "5"], "must be 1 to 4, got 5"),
            (["--builtin", "scale", "--points", "0.1,-0.1", "--architecture", "2,4,1"], "architecture 2,4,1 takes 2 input feature(s) but the samples have 1"),
            (["--points", "0.1,-0.1", "--varied", "s.npy", "--central", "s.npy"], "--varied gives 1 file(s) for 2 nuisance points"),
            (["--points", "0.1,-0.1", "--varied", "s.npy", "--varied", "s2.npy", "--central", "s.npy"], "--varied s2.npy: has 2 feature(s) per event but --varied s.npy has 1"),
            (["--points", "0.1,-0.1", "--varied", "s.npy", "--varied", "none.npy", "--central", "s.npy"], "--varied none.npy: no such file"),
        ]
        for (arguments, expected) in cases {
            let result = try CLI.run(base + arguments, in: folder)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one line for \(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(expected), "expected '\(expected)' in: \(result.stderr)")
            XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains { $0.hasPrefix("d.json") || $0.contains(".tmp-") })
        }
        // A model of another input dimension: check refuses it in one line and writes no plot.
        let train = try CLI.run(["nuisance", "train", "--points", "0.1,-0.1", "--varied", "s2.npy", "--varied", "s2.npy", "--central", "s2.npy",
                                 "--architecture", "2,3,1", "--epochs", "2", "--order", "1", "--output", "m2.json"], in: folder)
        XCTAssertEqual(train.status, 0, train.stderr)
        let check = try CLI.run(["nuisance", "check", "--model", "m2.json", "--builtin", "scale", "--events", "50", "--plot", "c.svg"], in: folder)
        XCTAssertNotEqual(check.status, 0)
        XCTAssertEqual(check.stderr.split(separator: "\n").count, 1, check.stderr)
        XCTAssertTrue(check.stderr.contains("--model m2.json: takes events of 2 feature(s) (architecture 2,3,1) but the samples have 1"), check.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("c.svg").path))
    }
}
