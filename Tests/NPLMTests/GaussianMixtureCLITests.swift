import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// `nplm toys --benchmark gauss`: a campaign end to end with its report, the Table 3 clipping as
/// the default, `nplm calibrate --benchmark gauss`, and bad input refused in one line with no
/// result file.
final class GaussianMixtureCLITests: XCTestCase {
    static let small = ["toys", "--benchmark", "gauss", "--dimension", "5", "--toys", "3", "--epochs", "30",
                        "--reference-size", "400", "--expected", "60", "--history-every", "10", "--backend", "reference"]

    private func records(_ url: URL) throws -> [FitRecord] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try NPLMJSON.decoder().decode(FitRecord.self, from: Data($0.utf8))
        }
    }

    func testCampaignAndReportWithTheTable3Clipping() throws {
        let folder = try CLI.temporaryDirectory(self)
        var run = try CLI.run(Self.small + ["--architecture", "5,5,5,5,1", "--output", "null.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let null = try records(folder.appendingPathComponent("null.jsonl"))
        XCTAssertEqual(null.count, 3)
        let configuration = try XCTUnwrap(null[0].configuration)
        XCTAssertEqual(configuration.training.clipping, WeightClipping(bound: 2.16))
        XCTAssertEqual(configuration.mixture, try GaussianMixtureBenchmark(dimension: 5, expectedBackground: 60, referenceSize: 400))
        XCTAssertNil(configuration.benchmark)
        XCTAssertEqual(null[0].dof, 96)
        XCTAssertNil(null[0].signalEvents)

        run = try CLI.run(Self.small + ["--architecture", "5,5,5,5,1", "--signal", "correlate", "--signal-strength", "0.9",
                                        "--seed", "2", "--output", "signal.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try CLI.run(["report", "signal.jsonl", "--null", "null.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("signal correlate, strength 0.9 (Gaussian mixture, d = 5):"), run.stdout)
        XCTAssertTrue(run.stdout.contains("ideal Z_id:"), run.stdout)
        run = try CLI.run(["report", "signal.jsonl", "--json"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let z = try NPLMJSON.decoder().decode(CampaignReport.self, from: Data(run.stdout.utf8)).signal?.idealZ
        let expected = try GaussianMixtureBenchmark(dimension: 5, expectedBackground: 60, referenceSize: 400, signal: .correlate,
                                                    strength: 0.9).idealSignificance()
        XCTAssertEqual(z, expected)

        // An explicit --clip wins; another architecture has no default clipping; another dimension
        // is another campaign, refused as the null of this one.
        run = try CLI.run(Self.small + ["--architecture", "5,50,1", "--clip", "3", "--output", "clip.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try records(folder.appendingPathComponent("clip.jsonl"))[0].configuration?.training.clipping, WeightClipping(bound: 3))
        run = try CLI.run(["toys", "--benchmark", "gauss", "--architecture", "4,3,1", "--toys", "1", "--epochs", "5",
                           "--reference-size", "100", "--expected", "20", "--backend", "reference", "--output", "d4.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let d4 = try records(folder.appendingPathComponent("d4.jsonl"))[0].configuration
        XCTAssertEqual(d4?.mixture?.dimension, 4)
        XCTAssertNil(d4?.training.clipping)
        assertOneLineRefusal(try CLI.run(["report", "signal.jsonl", "--null", "d4.jsonl"], in: folder), "it differs in", "other null")
    }

    /// Every backend gives the same campaign file up to the t tolerance (one toy, the shift signal).
    func testBackendsAgreeOnOneToy() throws {
        let folder = try CLI.temporaryDirectory(self)
        var t: [String: Double] = [:]
        var backends = ["reference", "cpu"]
        if (try? OpenCLTestSupport.device()) != nil { backends.append("opencl") }
        for backend in backends {
            let arguments = ["toys", "--benchmark", "gauss", "--architecture", "5,10,10,1", "--toys", "1", "--epochs", "200",
                             "--reference-size", "500", "--expected", "80", "--signal", "shift", "--signal-strength", "1",
                             "--backend", backend, "--output", "\(backend).jsonl"]
            let run = try CLI.run(arguments, in: folder)
            XCTAssertEqual(run.status, 0, run.stderr)
            t[backend] = try records(folder.appendingPathComponent("\(backend).jsonl"))[0].t
        }
        let reference = try XCTUnwrap(t["reference"])
        for (backend, value) in t {
            print("\(backend): t \(value)")
            XCTAssertLessThanOrEqual(BackendTolerances.statisticDifference(value, reference), BackendTolerances.fastCPU.t, backend)
        }
    }

    /// The clipping calibration on the mixture's null: a table and a choice; every W trains the
    /// same toys of the campaign the toys command would run at that W.
    func testCalibrateOnTheMixture() throws {
        let folder = try CLI.temporaryDirectory(self)
        let sizes = ["--benchmark", "gauss", "--dimension", "5", "--architecture", "5,5,1", "--expected", "60",
                     "--reference-size", "300", "--epochs", "20", "--backend", "reference"]
        let run = try CLI.run(["calibrate"] + sizes + ["--low", "1", "--high", "3", "--root-toys", "3", "--root-steps", "1",
                                                      "--toys", "4", "--points", "2", "--json"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let result = try NPLMJSON.decoder().decode(ClippingCalibration.Result.self, from: Data(run.stdout.utf8))
        XCTAssertEqual(result.dof, 36)
        let chosen = try XCTUnwrap(result.rows.first { $0.clip == result.chosen }?.cells.last)
        XCTAssertEqual(chosen.toys, 4)
        // The same toys as `toys` at the chosen W: the same ⟨t⟩.
        let toys = try CLI.run(["toys"] + sizes + ["--clip", String(result.chosen), "--toys", "4", "--output", "w.jsonl"], in: folder)
        XCTAssertEqual(toys.status, 0, toys.stderr)
        let t = try records(folder.appendingPathComponent("w.jsonl")).map(\.t)
        XCTAssertEqual(t.reduce(0, +) / 4 - 36, chosen.meanMinusDof, accuracy: 1e-9)

        let cases: [([String], String)] = [
            (["calibrate", "--benchmark", "gauss", "--architecture", "4,5,1", "--dimension", "5"],
             "--benchmark gauss in d = 5 needs an input width of 5, got 4,5,1"),
            (["calibrate", "--benchmark", "gauss", "--architecture", "3,5,1"], "--dimension must be between 4 and 30"),
            (["calibrate", "--dimension", "5"], "--dimension belongs to --benchmark gauss"),
            (["calibrate", "--architecture", "5,5,1"], "the 1-D benchmark needs an input width of 1"),
        ]
        for (arguments, expected) in cases {
            assertOneLineRefusal(try CLI.run(arguments, in: folder), expected, arguments.joined(separator: " "))
        }
    }

    func testBadInputIsOneLineAndNoResultFile() throws {
        let folder = try CLI.temporaryDirectory(self)
        let gauss = Self.small + ["--architecture", "5,5,1"]
        let cases: [([String], String)] = [
            (gauss.map { $0 == "5" ? "3" : $0 }, "--dimension must be between 4 and 30 for the Gaussian-mixture benchmark, got 3"),
            (Self.small + ["--dimension", "31", "--architecture", "31,5,1"], "--dimension must be between 4 and 30 for the Gaussian-mixture benchmark, got 31"),
            (gauss + ["--signal", "tilt"], "--signal"),
            (gauss + ["--signal", "NP1"], "--signal NP1 belongs to the 1-D benchmark"),
            (gauss + ["--architecture", "4,5,1"], "--benchmark gauss in d = 5 needs an input width of 5, got 4,5,1"),
            (gauss + ["--signal", "correlate", "--signal-strength", "1.5"], "must be in [0, 1], got 1.5"),
            (gauss + ["--signal", "widen", "--signal-strength", "-2"], "must be in (-1, 100], got -2"),
            (gauss + ["--signal-strength", "0.3"], "--signal-strength needs --signal"),
            (gauss + ["--signal", "shift", "--signal-events", "10"], "--signal-events belongs to the 1-D benchmark"),
            (gauss + ["--preset", "symmetric", "--size-a", "10", "--size-b", "10"], "--benchmark gauss needs --preset nplm"),
            (gauss + ["--nuisances", "scale"], "--nuisances belongs to the 1-D benchmark"),
            (gauss + ["--model", "kernel"], "--benchmark gauss trains networks only"),
            (["toys", "--signal", "shift", "--epochs", "5", "--toys", "1"], "--signal shift belongs to --benchmark gauss"),
            (["toys", "--dimension", "5", "--epochs", "5", "--toys", "1"], "--dimension and --signal-strength belong to --benchmark gauss"),
            (["toys", "--architecture", "5,5,1", "--epochs", "5", "--toys", "1"], "the 1-D benchmark needs an input width of 1"),
        ]
        for (arguments, expected) in cases {
            let output = folder.appendingPathComponent("out.jsonl")
            assertOneLineRefusal(try CLI.run(arguments + ["--output", "out.jsonl"], in: folder), expected, arguments.joined(separator: " "))
            XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), arguments.joined(separator: " "))
        }
    }
}
