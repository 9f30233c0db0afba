import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

// `report --plots` and `fit --plots` write the learned log-ratio: SVG files beside the other
// outputs, all or none, and one line for a bad --plots.

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
        assertOneLineRefusal(try CLI.run(["report", "np3.jsonl", "--plots", "taken"], in: folder), "--plots taken is a file, not a folder", "report --plots FILE")
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("taken")), Data("x".utf8))
    }
}

extension CampaignReportTests {
    /// A Gaussian-mixture campaign: the median toy drawn again from (seed, toy index) gives the
    /// campaign's t with its recorded network, its histograms keep every weight, and
    /// `report --plots` writes marginals.svg with the exact reweighting.
    func testMixtureCampaignMarginalsRedrawTheMedianToy() throws {
        let folder = try CLI.temporaryDirectory(self)
        let toys = ["toys", "--benchmark", "gauss", "--dimension", "4", "--architecture", "4,3,1", "--clip", "9", "--toys", "3",
                    "--epochs", "30", "--reference-size", "400", "--expected", "60", "--backend", "reference",
                    "--signal", "shift", "--seed", "4", "--output", "gauss.jsonl"]
        XCTAssertEqual(try CLI.run(toys, in: folder).status, 0)
        let records = try CampaignFile.read(folder.appendingPathComponent("gauss.jsonl").path)
        let histograms = try MarginalHistograms.campaign(records: records, bins: 12)
        let median = records.sorted { $0.t < $1.t }[1]
        XCTAssertEqual(histograms.toy, median.toy)
        XCTAssertEqual(histograms.t, median.t)

        // t = −2 [Σ_R w (e^f − 1) − Σ_D f] of the redrawn samples with the recorded network.
        let configuration = try XCTUnwrap(median.configuration), mixture = try XCTUnwrap(configuration.mixture)
        let reference = mixture.reference(seed: 4), data = mixture.data(seed: 4, toy: UInt32(median.toy!)).events
        let parameters = median.finalParameters[...]
        let fR = ReferenceNetwork.evaluate(architecture: configuration.architecture, parameters: parameters, events: reference)
        let fD = ReferenceNetwork.evaluate(architecture: configuration.architecture, parameters: parameters, events: data)
        let weights = mixture.referenceWeights
        let loss = (0..<reference.count).reduce(0.0) { $0 + Double(weights[$1]) * (exp(fR[$1]) - 1) } - fD.reduce(0, +)
        XCTAssertEqual(-2 * loss, median.t, accuracy: 1e-9 * max(1, abs(median.t)), "the redrawn toy is the one trained")
        XCTAssertEqual(histograms.dataTotal, Double(data.count))
        XCTAssertEqual(median.dataEvents, data.count)
        XCTAssertEqual(histograms.referenceTotal, 60, accuracy: 1e-4)
        let densities = mixture.densities()
        let exactTotal = (0..<reference.count).reduce(0.0) { sum, i in
            sum + Double(weights[i]) * exp(densities.logRatio((0..<4).map { Double(reference.value(event: i, feature: $0)) }))
        }
        XCTAssertEqual(try XCTUnwrap(histograms.exactTotal), exactTotal, accuracy: 1e-12 * exactTotal)
        for feature in histograms.features {
            XCTAssertEqual(feature.data.reduce(0, +), histograms.dataTotal)
            XCTAssertEqual(feature.reweighted.reduce(0, +), histograms.reweightedTotal, accuracy: 1e-12 * histograms.reweightedTotal)
            XCTAssertEqual(try XCTUnwrap(feature.exact).reduce(0, +), exactTotal, accuracy: 1e-12 * exactTotal)
        }

        let report = try CLI.run(["report", "gauss.jsonl", "--plots", "plots"], in: folder)
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stderr.contains("plots/marginals.svg"), report.stderr)
        let svg = try String(contentsOf: folder.appendingPathComponent("plots/marginals.svg"), encoding: .utf8)
        for label in ["x1", "x4", "e^f·R", "e^r·R, exact r", "median toy \(median.toy!)"] { XCTAssertTrue(svg.contains(label), label) }
        assertWellFormedSVG(svg, atLeast: 60)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("plots/log-ratio.svg").path))
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
        assertOneLineRefusal(try run(fit + ["--output", "fit.json", "--save-model", "model.json", "--plots", "kept"]), "is read-only", "read-only plot")
        XCTAssertFalse(exists("fit.json") || exists("model.json"))
        XCTAssertEqual(try text("kept/log-ratio.svg"), "old")

        // A diverged fit has no log-ratio: nothing is written (as for --save-model).
        assertOneLineRefusal(try run(fit + ["--learning-rate", "1e30", "--output", "fit.json", "--plots", "d"]), "the fit diverged", "diverged fit")
        XCTAssertFalse(exists("fit.json") || exists("d/log-ratio.svg"))

        // Bad --plots: a file, or a test without a network fit of --data against --reference.
        try Data("x".utf8).write(to: url("taken"))
        assertOneLineRefusal(try run(fit + ["--output", "fit.json", "--plots", "taken"]), "--plots taken is a file, not a folder", "fit --plots FILE")
        XCTAssertFalse(exists("fit.json"))
        assertOneLineRefusal(try run(["fit", "--a", "data.npy", "--b", "ref.npy", "--plots", "p"] + Self.training), "--plots draws the NPLM fit", "two-sample --plots")
        XCTAssertFalse(exists("p"))
    }
}
