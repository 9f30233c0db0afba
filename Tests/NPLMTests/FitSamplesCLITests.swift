import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMMethods
@testable import NPLMEngines

/// `nplm fit` with several data samples (data-quality monitoring, `NPLMFitMany`): one batched
/// launch, one line per sample equal to the sample's fit alone, HDF5 groups, null campaigns and
/// what is refused.
final class FitSamplesCLITests: XCTestCase {
    static let training = ["--epochs", "40", "--clip", "9", "--seed", "5"]

    var folder: URL!

    override func setUpWithError() throws {
        folder = try CLI.temporaryDirectory(self)
        let reference = (0..<200).map { -log((Double($0) + 0.5) / 200) }
        try NpyTestFile.write(reference, shape: [200], to: url("ref.npy"))
        var datasets: [HDF5TestFile.Dataset] = [.init(name: "/sm/reference", values: reference, shape: [200])]
        for (k, (count, stretch)) in [(40, 1.0), (45, 1.3), (50, 0.8)].enumerated() {
            let data = (0..<count).map { -stretch * log((Double($0) + 0.5) / Double(count)) }
            try NpyTestFile.write(data, shape: [count], to: url("b\(k).npy"))
            datasets.append(.init(name: "/batches/b\(k)", values: data, shape: [count]))
        }
        try HDF5TestFile.write(url("runs.h5").path, datasets, groups: ["/batches/calibration", "/empty"])
        try NpyTestFile.write((0..<200).map { 0.1 + 0.2 * Double($0 % 3) }, shape: [200], to: url("weights.npy"))
    }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    func run(_ arguments: [String]) throws -> CLIRun { try CLI.run(arguments, in: folder) }

    func text(_ name: String) throws -> String { try String(contentsOf: url(name), encoding: .utf8) }

    /// `line` without its "sample" (and "null") keys: the line of a fit of that sample alone.
    func withoutSampleKeys(_ line: Substring) throws -> String {
        let record = try NPLMJSON.decoder().decode(SampleFitRecord.self, from: Data(line.utf8))
        return String(decoding: try NPLMJSON.line(record.fit), as: UTF8.self)
    }

    func testThreeSamplesGiveTheLinesOfThreeSingleFitsBitForBit() throws {
        // OpenCL too where there is a device (PoCL in CI).
        let backends = ["reference", "cpu"] + (((try? OpenCLDevice.all()) ?? []).isEmpty ? [] : ["opencl"])
        for backend in backends {
            let options = Self.training + ["--backend", backend, "--reference", "ref.npy"]
            for normalisation in [["--expected", "45"], ["--reference-weights", "weights.npy"]] {
                let many = try run(["fit", "--data", "b0.npy", "--data", "b1.npy", "--data", "b2.npy", "--output", "many.jsonl"]
                                   + normalisation + options)
                XCTAssertEqual(many.status, 0, many.stderr)
                let lines = try text("many.jsonl").split(separator: "\n")
                XCTAssertEqual(lines.count, 3)
                let printed = many.stdout.split(separator: "\n").filter { $0.hasPrefix("b") }
                XCTAssertEqual(printed.count, 3, many.stdout)
                for k in 0..<3 {
                    let single = try run(["fit", "--data", "b\(k).npy", "--output", "single.json"] + normalisation + options)
                    XCTAssertEqual(single.status, 0, single.stderr)
                    XCTAssertEqual(try withoutSampleKeys(lines[k]), try text("single.json"), "\(backend) \(normalisation) sample \(k)")
                    let record = try NPLMJSON.decoder().decode(SampleFitRecord.self, from: Data(lines[k].utf8))
                    XCTAssertEqual(record.sample, "b\(k).npy")
                    XCTAssertNil(record.null)
                    XCTAssertTrue(printed[k].hasPrefix("b\(k).npy: t = \(String(format: "%.6g", record.fit.t)), "), "\(printed[k])")
                }
            }
        }
    }

    func testAnHDF5GroupIsItsDatasetsInNameOrder() throws {
        let options = Self.training + ["--backend", "reference", "--expected", "45"]
        let files = try run(["fit", "--data", "b0.npy", "--data", "b1.npy", "--data", "b2.npy", "--reference", "ref.npy",
                             "--output", "files.jsonl"] + options)
        XCTAssertEqual(files.status, 0, files.stderr)
        let group = try run(["fit", "--data", "runs.h5:/batches", "--reference", "runs.h5:/sm/reference", "--output", "group.jsonl"] + options)
        XCTAssertEqual(group.status, 0, group.stderr)
        let fromFiles = try text("files.jsonl").split(separator: "\n"), fromGroup = try text("group.jsonl").split(separator: "\n")
        // The sub-group /batches/calibration is not a sample.
        XCTAssertEqual(fromGroup.count, 3)
        for k in 0..<3 {
            XCTAssertEqual(try withoutSampleKeys(fromGroup[k]), try withoutSampleKeys(fromFiles[k]))
            let record = try NPLMJSON.decoder().decode(SampleFitRecord.self, from: Data(fromGroup[k].utf8))
            XCTAssertEqual(record.sample, "runs.h5:/batches/b\(k)")
        }
        XCTAssertTrue(group.stdout.contains("runs.h5:/batches/b2: t = "), group.stdout)
        // A group and a file together; a group without datasets.
        let mixed = try run(["fit", "--data", "runs.h5:/batches", "--data", "b0.npy", "--reference", "ref.npy", "--output", "mixed.jsonl"] + options)
        XCTAssertEqual(mixed.status, 0, mixed.stderr)
        XCTAssertEqual(try text("mixed.jsonl").split(separator: "\n").count, 4)
        assertOneLineRefusal(try run(["fit", "--data", "runs.h5:/empty", "--reference", "ref.npy"] + options),
                             "--data runs.h5:/empty: the group /empty holds no datasets", "empty group")
    }

    func testANullCampaignGivesEachSampleItsEmpiricalPValue() throws {
        let options = Self.training + ["--backend", "reference"]
        let toys = try run(["toys", "--toys", "12", "--expected", "45", "--reference-size", "200", "--history-every", "20",
                            "--output", "null.jsonl"] + options)
        XCTAssertEqual(toys.status, 0, toys.stderr)
        let null = try CampaignFile.read(url("null.jsonl").path)
        let empirical = EmpiricalPValue(null: null.map(\.t))

        let fit = try run(["fit", "--data", "b0.npy", "--data", "b1.npy", "--data", "b2.npy", "--reference", "ref.npy", "--expected", "45",
                           "--null", "null.jsonl", "--output", "many.jsonl"] + options)
        XCTAssertEqual(fit.status, 0, fit.stderr)
        XCTAssertTrue(fit.stdout.contains("null campaign \(null[0].campaign!) (null.jsonl): 12 toys"), fit.stdout)
        let lines = try text("many.jsonl").split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        for (k, line) in lines.enumerated() {
            let record = try NPLMJSON.decoder().decode(SampleFitRecord.self, from: Data(line.utf8))
            let p = try XCTUnwrap(record.null)
            XCTAssertEqual(p.campaign, null[0].campaign)
            XCTAssertEqual(p.toys, 12)
            XCTAssertEqual(p.atLeast, null.filter { $0.t >= record.fit.t }.count)
            XCTAssertEqual(p.p, Double(1 + p.atLeast) / 13)
            XCTAssertEqual(p.p, empirical.pValue(record.fit.t))
            XCTAssertEqual(p.z, Significance.z(p: p.p))
            XCTAssertTrue(fit.stdout.contains("b\(k).npy: t = \(String(format: "%.6g", record.fit.t)), p = "), fit.stdout)
            // The null campaign changes nothing of the fit.
            let plain = try run(["fit", "--data", "b\(k).npy", "--reference", "ref.npy", "--expected", "45", "--output", "single.json"] + options)
            XCTAssertEqual(plain.status, 0, plain.stderr)
            XCTAssertEqual(try withoutSampleKeys(line), try text("single.json"))
        }
        // One sample with --null: one line, and its model.
        let one = try run(["fit", "--data", "b1.npy", "--reference", "ref.npy", "--expected", "45", "--null", "null.jsonl",
                           "--output", "one.jsonl", "--save-model", "model.json"] + options)
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(try text("one.jsonl").split(separator: "\n").count, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: url("model.json").path))

        // Null campaigns that are not this fit's.
        let refusals: [([String], String)] = [
            (["--expected", "45", "--epochs", "50"], "null.jsonl: is not a null campaign of this fit: it differs in training (epochs 40, not 50)"),
            (["--expected", "45", "--clip", "8"], "differs in training (clipping 9, not 8)"),
            (["--expected", "44"], "differs in sample sizes (N(R0) 45 and N_R 200, not 44 and 200)"),
            (["--expected", "45", "--architecture", "1,3,1"], "differs in architecture (1,4,1, not 1,3,1)"),
            (["--reference-weights", "weights.npy"], "differs in sample sizes (N(R0) 45 and N_R 200, not 59.8 and 200)"),
            ([], "2 data samples need --expected or --reference-weights"),
        ]
        for (extra, message) in refusals {
            let refused = try run(["fit", "--data", "b0.npy", "--data", "b1.npy", "--reference", "ref.npy", "--null", "null.jsonl",
                                   "--output", "refused.jsonl"] + options + extra)
            assertOneLineRefusal(refused, message, "\(extra)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: url("refused.jsonl").path))
        }
        assertOneLineRefusal(try run(["fit", "--data", "b0.npy", "--reference", "ref.npy", "--null", "null.jsonl"] + options),
                             "--null needs --expected or --reference-weights: the null toys are normalised to N(R0)", "one sample")
        // A signal campaign, a kernel campaign, a two-sample campaign.
        let signal = try run(["toys", "--toys", "2", "--expected", "45", "--reference-size", "200", "--signal", "NP1",
                              "--output", "signal.jsonl"] + options)
        XCTAssertEqual(signal.status, 0, signal.stderr)
        let kernel = try run(["toys", "--toys", "1", "--expected", "45", "--reference-size", "200", "--model", "kernel", "--centres", "20",
                              "--backend", "reference", "--output", "kernel.jsonl"])
        XCTAssertEqual(kernel.status, 0, kernel.stderr)
        for (file, message) in [("signal.jsonl", "signal.jsonl: has a signal (NP1"), ("kernel.jsonl", "kernel.jsonl: is a campaign of the kernel model"),
                                ("b0.npy", "b0.npy")] {
            assertOneLineRefusal(try run(["fit", "--data", "b0.npy", "--reference", "ref.npy", "--expected", "45", "--null", file] + options),
                                 message, file)
        }
    }

    func testWhatSeveralSamplesCannotDoIsRefusedInOneLine() throws {
        try NpyTestFile.write((0..<80).map { Double($0) / 80 }, shape: [40, 2], to: url("wide.npy"))
        let three = ["--data", "b0.npy", "--data", "b1.npy", "--data", "b2.npy", "--reference", "ref.npy"]
        let cases: [([String], String)] = [
            (three, "3 data samples need --expected or --reference-weights"),
            (["--data", "runs.h5:/batches", "--reference", "ref.npy"], "3 data samples need --expected or --reference-weights"),
            (three + ["--expected", "45", "--save-model", "model.json"], "--save-model saves the model of one fit"),
            (["--data", "runs.h5:/batches", "--reference", "ref.npy", "--expected", "45", "--save-model", "model.json"],
             "--save-model saves the model of one fit"),
            (three + ["--expected", "45", "--plots", "plots"], "--plots draws one fit"),
            (three + ["--expected", "45", "--model", "kernel"], "several --data samples are fitted with the network model"),
            (three + ["--expected", "45", "--nuisances", "norm"], "--nuisances fits one --data sample"),
            (["--data", "b0.npy", "--data", "wide.npy", "--reference", "ref.npy", "--expected", "45"],
             "--data wide.npy: has 2 feature(s) per event but --data b0.npy has 1"),
            (["--data", "b0.npy", "--data", "missing.npy", "--reference", "ref.npy", "--expected", "45"], "--data missing.npy: no such file"),
            (["--data", "b0.npy", "--data", "b1.npy", "--a", "b2.npy", "--b", "ref.npy"], "not both"),
            (three + ["--expected", "45", "--output", "b1.npy"], "--output b1.npy"),
        ]
        for (arguments, message) in cases {
            let output = arguments.contains("--output") ? [] : ["--output", "out.jsonl"]
            let result = try run(["fit"] + output + arguments + Self.training + ["--backend", "reference"])
            assertOneLineRefusal(result, message, "\(arguments)")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            XCTAssertFalse(files.contains { $0.hasPrefix("out.jsonl") || $0.hasPrefix("model.json") || $0 == "plots" || $0.contains(".tmp-") },
                           "\(arguments): \(files)")
        }
    }
}
