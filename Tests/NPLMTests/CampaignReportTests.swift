import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// `nplm report` and `nplm calibrate` on tiny campaigns: JSON that parses, SVG that is XML.
final class CampaignReportTests: XCTestCase {
    static let small = ["toys", "--toys", "6", "--epochs", "20", "--reference-size", "300", "--expected", "40",
                        "--history-every", "5", "--backend", "reference", "--clip", "9"]

    /// A campaign in which every fit diverged still gets a report and plots, saying so.
    func testEveryFitDivergedIsReportedNotCrashed() throws {
        let folder = try CLI.temporaryDirectory(self)
        var run = try CLI.run(Self.small + ["--seed", "4", "--output", "run.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let decoder = NPLMJSON.decoder()
        var lines = Data()
        for line in try String(contentsOf: folder.appendingPathComponent("run.jsonl"), encoding: .utf8).split(separator: "\n") {
            var record = try decoder.decode(FitRecord.self, from: Data(line.utf8))
            (record.t, record.diverged, record.divergedAtEpoch, record.p) = (.infinity, true, 3, 0)
            lines.append(try NPLMJSON.line(record))
        }
        try lines.write(to: folder.appendingPathComponent("diverged.jsonl"))
        run = try CLI.run(["report", "diverged.jsonl", "--plots", "plots"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("every fit diverged"), run.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("plots/histogram.svg").path))
    }

    func testReportJSONParsesAndPlotsAreWellFormedSVG() throws {
        let folder = try CLI.temporaryDirectory(self)
        var run = try CLI.run(Self.small + ["--seed", "2", "--output", "null.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        // the null's seed: the same reference sample, toy k is null toy k plus the signal
        run = try CLI.run(Self.small + ["--seed", "2", "--signal", "NP1", "--signal-events", "20", "--output", "signal.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)

        run = try CLI.run(["report", "null.jsonl", "--json", "--plots", "plots"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["toys"] as? Int, 6)
        XCTAssertEqual(object["dof"] as? Int, 13)
        XCTAssertEqual((object["checkpoints"] as? [Any])?.count, 4)
        XCTAssertNotNil(object["ks"])
        XCTAssertNil(object["signal"])
        for name in ["histogram.svg", "percentiles.svg", "log-ratio.svg"] {
            assertWellFormedSVG(try String(contentsOf: folder.appendingPathComponent("plots").appendingPathComponent(name), encoding: .utf8), atLeast: 21)
        }

        // A signal campaign: the median Z, asymptotic and against the null toys, beside Z_id.
        run = try CLI.run(["report", "signal.jsonl", "--null", "null.jsonl", "--json"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try NPLMJSON.decoder().decode(CampaignReport.self, from: Data(run.stdout.utf8))
        let signal = try XCTUnwrap(report.signal)
        XCTAssertEqual(signal.signal, .np1)
        XCTAssertEqual(signal.empirical?.nullToys, 6)
        XCTAssertGreaterThan(signal.idealZ, 0)
        XCTAssertTrue(report.notes.isEmpty, "\(report.notes)")
        run = try CLI.run(["report", "signal.jsonl", "--null", "null.jsonl"], in: folder)
        XCTAssertTrue(run.stdout.contains("median Z, empirical (6 null toys)"), run.stdout)
        XCTAssertTrue(run.stdout.contains("ideal Z_id"), run.stdout)
        // another seed, another reference sample: said
        run = try CLI.run(Self.small + ["--seed", "3", "--signal", "NP1", "--signal-events", "20", "--output", "other.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try CLI.run(["report", "other.jsonl", "--null", "null.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("note: the null campaign has seed 2 and this one 3"), run.stdout)
        XCTAssertTrue(run.stdout.contains("with the null's --seed"), run.stdout)

        // Two campaigns in one file are refused.
        let mixed = try Data(contentsOf: folder.appendingPathComponent("null.jsonl")) + Data(contentsOf: folder.appendingPathComponent("signal.jsonl"))
        try mixed.write(to: folder.appendingPathComponent("mixed.jsonl"))
        run = try CLI.run(["report", "mixed.jsonl"], in: folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("mixed.jsonl: line 7 belongs to campaign"), run.stderr)
    }

    func testTicksAndEscapes() {
        XCTAssertEqual(SVGPlot.ticks(0...10), [0, 2, 4, 6, 8, 10])
        XCTAssertEqual(SVGPlot.escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;")
    }

    func testCalibratePrintsATableAndAChoice() throws {
        let run = try CLI.run(["calibrate", "--expected", "30", "--reference-size", "200", "--epochs", "10", "--root-toys", "3",
                               "--root-steps", "1", "--toys", "4", "--points", "2", "--backend", "reference"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("4 toys: KS p"), run.stdout)
        XCTAssertTrue(run.stdout.contains("chosen W = "), run.stdout)
        XCTAssertEqual(ClippingCalibration.round(5.4772), 5.48)
        let rejected = try CLI.run(["calibrate", "--clip", "3"])
        XCTAssertNotEqual(rejected.status, 0)
        XCTAssertTrue(rejected.stderr.contains("--clip"), rejected.stderr)
    }
}
