import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// `nplm toys --model kernel`, `nplm report` on kernel campaigns, and the multiple-testing
/// calibration.
final class KernelCLITests: XCTestCase {
    /// `report --plots` on kernel campaigns: one histogram per width, against the χ² fitted to the null.
    func testReportPlotsOfKernelCampaigns() throws {
        let folder = try CLI.temporaryDirectory(self)
        let common = ["toys", "--model", "kernel", "--reference-size", "1500", "--expected", "150", "--widths", "1,2.5",
                      "--centres", "40", "--batch", "6"]
        XCTAssertEqual(try CLI.run(common + ["--toys", "12", "--output", "null.jsonl"], in: folder).status, 0)
        XCTAssertEqual(try CLI.run(common + ["--toys", "4", "--signal", "NP3", "--signal-events", "30", "--output", "np3.jsonl"],
                                   in: folder).status, 0)
        for (arguments, plots) in [(["null.jsonl"], "null-plots"), (["np3.jsonl", "--null", "null.jsonl"], "np3-plots")] {
            let run = try CLI.run(["report"] + arguments + ["--plots", plots], in: folder)
            XCTAssertEqual(run.status, 0, run.stderr)
            for name in ["t-sigma-1.svg", "t-sigma-2.5.svg"] {
                let svg = try String(contentsOf: folder.appendingPathComponent(plots).appendingPathComponent(name), encoding: .utf8)
                XCTAssertTrue(svg.hasPrefix("<svg") || svg.contains("<svg"), name)
                XCTAssertTrue(svg.contains("null fit: χ², dof "), "\(plots)/\(name)")
                XCTAssertEqual(svg.contains("null toys (12)"), plots == "np3-plots", "\(plots)/\(name): the null behind the signal")
            }
        }
    }

    func testToysReportAndFitWithTheKernelModel() throws {
        let folder = try CLI.temporaryDirectory(self)
        let common = ["toys", "--model", "kernel", "--reference-size", "2000", "--expected", "200", "--widths", "1,2.5",
                      "--centres", "60", "--batch", "3"]
        let null = try CLI.run(common + ["--toys", "8", "--output", "null.jsonl"], in: folder)
        XCTAssertEqual(null.status, 0, null.stderr)
        XCTAssertTrue(null.stdout.contains("σ = 2.5: mean t"), null.stdout)
        let signal = try CLI.run(common + ["--toys", "4", "--signal", "NP3", "--signal-events", "30", "--output", "np3.jsonl"], in: folder)
        XCTAssertEqual(signal.status, 0, signal.stderr)
        let records = try CampaignFile.read(folder.appendingPathComponent("null.jsonl").path)
        XCTAssertEqual(records.count, 8)
        XCTAssertEqual(records[0].kernel?.widths, [1, 2.5])
        XCTAssertEqual(records[0].kernel?.centres, 60)
        // the same toys again, in other batches: the same records
        let again = try CLI.run(common + ["--toys", "8", "--batch", "5", "--output", "again.jsonl"], in: folder)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("again.jsonl")),
                       try String(contentsOf: folder.appendingPathComponent("null.jsonl")))
        let report = try CLI.run(["report", "np3.jsonl", "--null", "null.jsonl"], in: folder)
        XCTAssertEqual(report.status, 0, report.stderr)
        for expected in ["null dof", "Z (χ² fit)", "min-p", "avg-p", "prod-p", "smax-t", "ideal Z_id", "(χ² fit)", "Z (copula)", "null@0.05"] {
            XCTAssertTrue(report.stdout.contains(expected), "\(expected) in\n\(report.stdout)")
        }
        // the power against the fitted χ²: the fraction of signal toys with P(χ²_dof ≥ t) ≤ α
        let signalRecords = try CampaignFile.read(folder.appendingPathComponent("np3.jsonl").path)
        for alpha in [0.5, 0.05] {
            let summary = try KernelCampaignReport(records: signalRecords, file: "np3.jsonl", null: records, nullFile: "null.jsonl",
                                                   alpha: alpha)
            for (w, width) in summary.widths.enumerated() {
                let chi2 = ChiSquared(degreesOfFreedom: try XCTUnwrap(width.nullFit).degreesOfFreedom)
                let ts = signalRecords.map { $0.kernel!.t[w] }
                XCTAssertEqual(width.powerFitted, Double(ts.filter { chi2.survival($0) <= alpha }.count) / Double(ts.count))
            }
            // every combination also calibrated on the widths' copula (8 null toys > 2 widths)
            XCTAssertEqual(summary.combinations.count, 4)
            for combination in summary.combinations {
                XCTAssertNotNil(combination.powerCopula, combination.name)
                XCTAssertNotNil(combination.copulaNullCheck, combination.name)
            }
        }
        // several signal campaigns against one null: each report, then their powers side by side
        let np1 = try CLI.run(common + ["--toys", "3", "--signal", "NP1", "--signal-events", "20", "--output", "np1.jsonl"], in: folder)
        XCTAssertEqual(np1.status, 0, np1.stderr)
        let both = try CLI.run(["report", "np3.jsonl", "np1.jsonl", "--null", "null.jsonl", "--alpha", "0.2"], in: folder)
        XCTAssertEqual(both.status, 0, both.stderr)
        let comparison = try KernelPowerComparison(files: [folder.appendingPathComponent("np3.jsonl").path,
                                                           folder.appendingPathComponent("np1.jsonl").path],
                                                   nullFile: folder.appendingPathComponent("null.jsonl").path, alpha: 0.2)
        let (reports, table) = (comparison.reports, comparison.table)
        let named = try KernelPowerTable(reports: reports, files: ["np3.jsonl", "np1.jsonl"])
        XCTAssertEqual(table.rows.map(\.power), named.rows.map(\.power))
        XCTAssertTrue(both.stdout.hasSuffix(named.text + "\n"), both.stdout)
        XCTAssertTrue(both.stdout.contains("NP3, N_S = 30, 4 toys") && both.stdout.contains("NP1, N_S = 20, 3 toys"), both.stdout)
        XCTAssertEqual(table.rows.count, 2 * (2 + 4), "two calibrations of two widths and four combinations")
        for (k, report) in reports.enumerated() {
            XCTAssertEqual(table.rows[0].power[k], report.widths[0].powerFitted)
            XCTAssertEqual(table.rows[3].power[k], report.widths[1].power)
            XCTAssertEqual(table.rows[4].power[k], report.combinations[0].powerCopula)
            let p = try XCTUnwrap(report.widths[1].power), n = Double(table.columns[k].toys)
            XCTAssertEqual(table.rows[3].error[k], (p * (1 - p) / n).squareRoot())
        }
        let network = try CLI.run(["toys", "--toys", "1", "--epochs", "5", "--reference-size", "500", "--expected", "50",
                                   "--output", "network.jsonl"], in: folder)
        XCTAssertEqual(network.status, 0, network.stderr)
        for (arguments, words) in [(["np3.jsonl", "np1.jsonl"], "give --null"),
                                   (["np3.jsonl", "np1.jsonl", "--null", "null.jsonl", "--plots", "p"], "--plots takes one campaign file"),
                                   (["np3.jsonl", "network.jsonl", "--null", "null.jsonl"], "network.jsonl: is not a kernel-model campaign")] {
            let run = try CLI.run(["report"] + arguments, in: folder)
            XCTAssertNotEqual(run.status, 0)
            XCTAssertTrue(run.stderr.contains(words), run.stderr)
        }
        // bad options: one line, non-zero exit
        for (arguments, words) in [(["--widths", "0.5,-1"], "--widths"), (["--lambda", "-1"], "--lambda"),
                                   (["--centres", "999999"], "--centres")] {
            let run = try CLI.run(common + ["--toys", "1", "--output", "bad.jsonl"] + arguments, in: folder)
            XCTAssertNotEqual(run.status, 0)
            XCTAssertTrue(run.stderr.contains(words), run.stderr)
        }
        let widthsAlone = try CLI.run(["toys", "--widths", "1", "--toys", "1"], in: folder)
        XCTAssertNotEqual(widthsAlone.status, 0)
        XCTAssertTrue(widthsAlone.stderr.contains("--model kernel"), widthsAlone.stderr)
    }

    func testMultipleTestingCalibration() throws {
        // 3 widths; null toys t = toy index + width offset, so every width ranks the toys alike
        let null = (0..<20).map { i in [Double(i), Double(i) + 0.5, Double(i) * 2] }
        let calibration = try MultipleTestingCalibration(null: null)
        // a toy above every null toy at every width: the smallest p for each width and combination
        let p = calibration.pValues([100, 100, 100])
        XCTAssertEqual(p, [1 / 21.0, 1 / 21.0, 1 / 21.0])
        for (_, value) in calibration.combinedPValues([100, 100, 100]) { XCTAssertEqual(value, 1 / 21.0, accuracy: 1e-12) }
        // a toy below every null toy: p = 1
        for (_, value) in calibration.combinedPValues([-1, -1, -1]) { XCTAssertEqual(value, 1, accuracy: 1e-12) }
        // leave-one-out: the null's top toy has p = 1/N among the others (no count of itself)
        XCTAssertEqual(MultipleTestingCalibration.leaveOneOutP(EmpiricalPValue(null: null.map { $0[0] }), 19), 1 / 20.0)
        XCTAssertEqual(WidthCombination.smaxT.statistic(p: [], t: [1000, 1000]), 1000, accuracy: 1e-9)
        XCTAssertEqual(WidthCombination.prodP.statistic(p: [0.5, 0.25], t: []), Foundation.log(8), accuracy: 1e-12)
    }

    func testChiSquaredFitRecoversTheDof() {
        // χ²_k quantiles at evenly spaced levels: the ML fit gives k back closely
        let k = 9.6
        let chi2 = ChiSquared(degreesOfFreedom: k)
        let sample = (1...400).map { chi2.quantile((Double($0) - 0.5) / 400) }
        let fit = ChiSquaredFit(null: sample + [-1])!
        XCTAssertEqual(fit.degreesOfFreedom, k, accuracy: 0.05)
        XCTAssertEqual(fit.leftOut, 1)
        XCTAssertEqual(ChiSquaredFit.digamma(1), -0.5772156649015329, accuracy: 1e-10)
    }
}
