import Foundation
import XCTest
@testable import NPLM

// `report --plots` and `fit --plots` write the learned log-ratio: SVG files beside the other
// outputs, all or none, and one line for a bad --plots.

/// A refusal: non-zero status, one line on stderr (besides the backend note) containing `expected`.
private func assertOneLineRefusal(_ run: CLIRun, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertNotEqual(run.status, 0, file: file, line: line)
    let lines = run.stderr.split(separator: "\n").filter { !$0.hasPrefix("backend auto:") }
    XCTAssertEqual(lines.count, 1, run.stderr, file: file, line: line)
    XCTAssertTrue(run.stderr.contains(expected), "expected '\(expected)' in: \(run.stderr)", file: file, line: line)
}

extension CampaignReportTests {
    func testReportPlotsTheLearnedLogRatioOfANetworkCampaign() throws {
        let folder = try CLI.temporaryDirectory(self)
        func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) }
        XCTAssertEqual(try CLI.run(Self.small + ["--signal", "NP3", "--signal-events", "10", "--output", "np3.jsonl"], in: folder).status, 0)
        let report = try CLI.run(["report", "np3.jsonl", "--plots", "plots"], in: folder)
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stderr.contains("plots/log-ratio.svg"), report.stderr)
        let svg = try String(contentsOf: folder.appendingPathComponent("plots/log-ratio.svg"), encoding: .utf8)
        for label in ["f, median toy", "f, 16–84 % of 6 toys", "true log-ratio", "np3.jsonl: learned log-ratio"] {
            XCTAssertTrue(svg.contains(label), label)
        }
        assertWellFormedSVG(svg, atLeast: 8)
        XCTAssertTrue(exists("plots/histogram.svg") && exists("plots/percentiles.svg"))

        // --plots naming a file: one line, nothing written.
        try Data("x".utf8).write(to: folder.appendingPathComponent("taken"))
        assertOneLineRefusal(try CLI.run(["report", "np3.jsonl", "--plots", "taken"], in: folder), "--plots taken is a file, not a folder")
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("taken")), Data("x".utf8))
    }
}

extension FitCLITests {
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: url(name).path) }

    func text(_ name: String) throws -> String { try String(contentsOf: url(name), encoding: .utf8) }

    func testPlotsShowTheLogRatioIn1DAndTheMarginalsInMoreDimensions() throws {
        let fit = ["fit", "--data", "data.npy", "--reference", "ref.npy", "--expected", "45"] + Self.training
        var result = try run(fit + ["--preprocess", "standardize", "--output", "fit.json", "--save-model", "model.json", "--plots", "p1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(exists("fit.json") && exists("model.json"))
        let curve = try text("p1/log-ratio.svg")
        XCTAssertTrue(curve.contains("log(data / reference), bins") && curve.contains("learned f(x)"))
        XCTAssertTrue(curve.contains("data.npy against ref.npy: t = "), "the title names the samples and t")
        assertWellFormedSVG(curve, atLeast: 20)

        // 2-D: the e^-x quantiles with a second column.
        let reference = (0..<200).map { -log((Double($0) + 0.5) / 200) }, data = (0..<40).map { -1.3 * log((Double($0) + 0.5) / 40) }
        try NpyTestFile.write(reference.flatMap { [$0, sin(7 * $0)] }, shape: [200, 2], to: url("ref2.npy"))
        try NpyTestFile.write(data.flatMap { [$0, cos(5 * $0)] }, shape: [40, 2], to: url("data2.npy"))
        result = try run(["fit", "--data", "data2.npy", "--reference", "ref2.npy", "--architecture", "2,4,1", "--plots", "p2"] + Self.training)
        XCTAssertEqual(result.status, 0, result.stderr)
        let marginals = try text("p2/marginals.svg")
        for label in ["x1", "x2", "reference R (40)", "e^f·R", "data (40)"] { XCTAssertTrue(marginals.contains(label), label) }
        XCTAssertFalse(exists("p2/log-ratio.svg"))
        assertWellFormedSVG(marginals, atLeast: 40)
    }

    func testPlotsAreWrittenWithTheOtherOutputsAllOrNone() throws {
        let fit = ["fit", "--data", "data.npy", "--reference", "ref.npy"] + Self.training
        // A read-only plot file: the fit is refused before training and neither output is written.
        try FileManager.default.createDirectory(at: url("kept"), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: url("kept/log-ratio.svg"))
        chmod(url("kept/log-ratio.svg").path, 0o444)
        assertOneLineRefusal(try run(fit + ["--output", "fit.json", "--save-model", "model.json", "--plots", "kept"]), "is read-only")
        XCTAssertFalse(exists("fit.json") || exists("model.json"))
        XCTAssertEqual(try text("kept/log-ratio.svg"), "old")

        // A diverged fit has no log-ratio: nothing is written (as for --save-model).
        assertOneLineRefusal(try run(fit + ["--learning-rate", "1e30", "--output", "fit.json", "--plots", "d"]), "the fit diverged")
        XCTAssertFalse(exists("fit.json") || exists("d/log-ratio.svg"))

        // Bad --plots: a file, or a test without a network fit of --data against --reference.
        try Data("x".utf8).write(to: url("taken"))
        assertOneLineRefusal(try run(fit + ["--output", "fit.json", "--plots", "taken"]), "--plots taken is a file, not a folder")
        XCTAssertFalse(exists("fit.json"))
        assertOneLineRefusal(try run(["fit", "--a", "data.npy", "--b", "ref.npy", "--plots", "p"] + Self.training), "--plots draws the NPLM network fit")
        XCTAssertFalse(exists("p"))
    }
}
