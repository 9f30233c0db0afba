import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// `nplm fit` and `nplm eval` end to end, on tiny samples with the reference backend.
final class FitCLITests: XCTestCase {
    static let training = ["--epochs", "30", "--backend", "reference", "--seed", "5"]

    var folder: URL!

    override func setUpWithError() throws {
        folder = try CLI.temporaryDirectory(self)
        // Deterministic samples: quantiles of e^-x (reference, B) and of a stretched e^-x (data, A).
        let reference = (0..<200).map { -log((Double($0) + 0.5) / 200) }
        let data = (0..<40).map { -1.3 * log((Double($0) + 0.5) / 40) }
        try NpyTestFile.write(reference, shape: [200], to: url("ref.npy"))
        try NpyTestFile.write(data, shape: [40], to: url("data.npy"))
        try ("x\n" + data.map { String($0) }.joined(separator: "\n") + "\n").write(to: url("data.csv"), atomically: true, encoding: .utf8)
        try NpyTestFile.write((0..<200).map { 0.1 + 0.2 * Double($0 % 3) }, shape: [200], to: url("weights.npy"))
    }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    func run(_ arguments: [String]) throws -> CLIRun { try CLI.run(arguments, in: folder) }

    func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(name))) as! [String: Any]
    }

    func testFitThenEvalReproducesTForEveryNormalisation() throws {
        for (extra, dof) in [([String](), 12), (["--expected", "45"], 13), (["--reference-weights", "weights.npy"], 13)] {
            let fit = try run(["fit", "--data", "data.npy", "--reference", "ref.npy", "--output", "fit.json",
                               "--save-model", "model.json"] + extra + Self.training)
            XCTAssertEqual(fit.status, 0, fit.stderr)
            let record = try json("fit.json")
            let t = try XCTUnwrap(record["t"] as? Double)
            XCTAssertEqual(record["dof"] as? Int, dof, "\(extra)")
            XCTAssertEqual(record["dataEvents"] as? Int, 40)
            XCTAssertNotNil(record["z"] as? Double)
            XCTAssertTrue(fit.stdout.contains("dof = \(dof)"), fit.stdout)

            let weightsOption = extra.first == "--reference-weights" ? extra : []
            let eval = try run(["eval", "--model", "model.json", "--data", "data.npy", "--reference", "ref.npy",
                                "--output", "eval.json"] + weightsOption)
            XCTAssertEqual(eval.status, 0, eval.stderr)
            let evalT = try XCTUnwrap(try json("eval.json")["t"] as? Double)
            XCTAssertEqual(evalT, t, accuracy: 1e-12 * max(1, abs(t)), "\(extra)")
        }
        // The model says how it was normalised: weights are needed again, and only then.
        let missing = try run(["eval", "--model", "model.json", "--data", "data.npy", "--reference", "ref.npy"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("--reference-weights"), missing.stderr)
        // Samples with other features than the model's.
        try NpyTestFile.write((0..<80).map { Double($0) / 80 }, shape: [40, 2], to: url("data2d.npy"))
        let wide = try run(["eval", "--model", "model.json", "--data", "data2d.npy", "--reference", "data2d.npy",
                            "--reference-weights", "weights.npy"])
        XCTAssertNotEqual(wide.status, 0)
        XCTAssertTrue(wide.stderr.contains("--model model.json (architecture 1,4,1) takes 1 input feature(s) but --data data2d.npy has 2"), wide.stderr)
    }

    func testCSVAndNpyGiveTheSameT() throws {
        var ts: [Double] = []
        for data in ["data.npy", "data.csv"] {
            let fit = try run(["fit", "--data", data, "--reference", "ref.npy", "--output", "out.json"] + Self.training)
            XCTAssertEqual(fit.status, 0, fit.stderr)
            ts.append(try XCTUnwrap(try json("out.json")["t"] as? Double))
        }
        XCTAssertEqual(ts[0], ts[1])
    }

    func testBadInputGivesOneLineErrorAndNoResultFile() throws {
        try NpyTestFile.write([1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 2, 2], to: url("cube.npy"))
        try "x\n0.5\n1.5\nNaN\n2\n".write(to: url("nan.csv"), atomically: true, encoding: .utf8)
        try NpyTestFile.write([], shape: [0], to: url("empty.npy"))
        try NpyTestFile.write((0..<200).map { $0 == 17 ? -0.5 : 0.2 }, shape: [200], to: url("negative.npy"))
        try NpyTestFile.write((0..<80).map { Double($0) / 80 }, shape: [40, 2], to: url("data2d.npy"))
        let base = ["fit", "--output", "out.json", "--save-model", "model.json"] + Self.training
        let cases: [([String], String)] = [
            (["--data", "missing.npy", "--reference", "ref.npy"], "--data missing.npy: no such file"),
            (["--data", "cube.npy", "--reference", "ref.npy"], "--data cube.npy: holds an array of shape (2, 2, 2)"),
            (["--data", "nan.csv", "--reference", "ref.npy"], "--data nan.csv: line 4, column 1 ('x'): 'NaN' is not a finite number"),
            (["--data", "data.npy", "--reference", "empty.npy"], "--reference empty.npy: holds no events"),
            (["--data", "data.npy", "--reference", "ref.npy", "--reference-weights", "negative.npy"],
             "--reference-weights negative.npy: entry [17] = -0.5 is negative"),
            (["--data", "data.npy", "--reference", "ref.npy", "--reference-weights", "data.npy"],
             "--reference-weights data.npy: holds 40 weights for the 200 events of --reference ref.npy"),
            (["--data", "data2d.npy", "--reference", "ref.npy"], "--reference ref.npy: has 1 feature(s) per event but --data data2d.npy has 2"),
            (["--data", "data2d.npy", "--reference", "data2d.npy"], "--architecture 1,4,1 takes 1 input feature(s) but --data data2d.npy has 2"),
            (["--a", "data.npy", "--b", "data2d.npy"], "--b data2d.npy: has 2 feature(s) per event but --a data.npy has 1"),
        ]
        for (arguments, expected) in cases {
            let result = try run(base + arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "one line for \(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(expected), "expected '\(expected)' in: \(result.stderr)")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            XCTAssertFalse(files.contains { $0.hasPrefix("out.json") || $0.hasPrefix("model.json") || $0.contains(".tmp-") }, "\(arguments): \(files)")
        }
    }

    func testBadOptionCombinationsAreRejectedByName() throws {
        let cases: [([String], String)] = [
            (["--data", "data.npy", "--reference", "ref.npy", "--a", "data.npy"], "not both"),
            (["--a", "data.npy", "--b", "ref.npy", "--expected", "100"], "--expected belongs to the NPLM fit"),
            (["--data", "data.npy"], "--reference"),
            (["--a", "data.npy"], "--b"),
            (["--data", "data.npy", "--reference", "ref.npy", "--expected", "-3"], "--expected"),
            (["--data", "data.npy", "--reference", "ref.npy", "--expected", "40", "--reference-weights", "weights.npy"], "--reference-weights"),
            (["--a", "data.npy", "--b", "ref.npy", "--statistic", "nonsense"], "--statistic"),
            (["--data", "data.npy", "--reference", "ref.npy", "--output", "nowhere/out.json"], "--output nowhere/out.json"),
        ]
        for (arguments, option) in cases {
            let result = try run(["fit"] + arguments + Self.training)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(option), "\(arguments): \(result.stderr)")
        }
        let help = try run(["fit", "--help"])
        XCTAssertTrue(help.stdout.contains("P - 1 when it is the"), help.stdout)
    }

    func testSwappingAAndBGivesTheSameT() throws {
        var records: [[String: Any]] = []
        for (a, b) in [("data.npy", "ref.npy"), ("ref.npy", "data.npy")] {
            let fit = try run(["fit", "--a", a, "--b", b, "--output", "ab.json", "--also-nplm"] + Self.training)
            XCTAssertEqual(fit.status, 0, fit.stderr)
            records.append(try json("ab.json"))
        }
        let t = records.map { $0["t"] as! Double }
        // 1e-9, not 1e-12: swapping sums the pool in another order (A∪B against B∪A), which the
        // reference engine's Double training keeps to ~1e-9 (TwoSampleTestTests).
        XCTAssertEqual(t[0], t[1], accuracy: 1e-9 * max(1, abs(t[0])))
        XCTAssertEqual(records[0]["dof"] as? Int, 12)
        // f of one order is g of the other.
        let fits = records.map { ($0["fits"] as! [[String: Any]]).map { $0["t"] as! Double } }
        XCTAssertEqual(fits[0][0], fits[1][1], accuracy: 1e-9 * max(1, abs(fits[0][0])))
        XCTAssertEqual(fits[0][1], fits[1][0], accuracy: 1e-9 * max(1, abs(fits[0][1])))
        XCTAssertEqual(fits[0][0] + fits[0][1], t[0], accuracy: 1e-12 * max(1, abs(t[0])))
        // --also-nplm: t_B(A) with B as the reference (not symmetric, so only present).
        XCTAssertNotNil((records[0]["nplm"] as? [String: Any])?["t"] as? Double)
    }

    func testTwoSampleModelsReproduceTInEval() throws {
        for statistic in ["symmetrized", "crossentropy"] {
            let fit = try run(["fit", "--a", "data.npy", "--b", "ref.npy", "--statistic", statistic, "--output", "ab.json",
                               "--save-model", "ab-model.json"] + Self.training)
            XCTAssertEqual(fit.status, 0, fit.stderr)
            let t = try XCTUnwrap(try json("ab.json")["t"] as? Double)
            let eval = try run(["eval", "--model", "ab-model.json", "--a", "data.npy", "--b", "ref.npy", "--output", "e.json"])
            XCTAssertEqual(eval.status, 0, eval.stderr)
            XCTAssertEqual(try XCTUnwrap(try json("e.json")["t"] as? Double), t, accuracy: 1e-12 * max(1, abs(t)), statistic)
        }
        let wrong = try run(["eval", "--model", "ab-model.json", "--data", "data.npy", "--reference", "ref.npy"])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("give --a and --b"), wrong.stderr)
    }
}
