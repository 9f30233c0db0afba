import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// `NuisanceFit` (the library call behind `nplm fit --nuisances`), `nplm fit` and `nplm report`
/// with nuisances end to end, and the one-line refusals of bad nuisance input.
final class NuisanceFitTests: XCTestCase {
    static let training = ["--epochs", "40", "--backend", "reference", "--seed", "5"]

    var folder: URL!

    override func setUpWithError() throws {
        folder = try CLI.temporaryDirectory(self)
        // Quantiles of e^-x (reference) and of e^-x stretched by 1.1 (data: a scale shift).
        try NpyTestFile.write((0..<400).map { -log((Double($0) + 0.5) / 400) }, shape: [400], to: url("ref.npy"))
        try NpyTestFile.write((0..<60).map { -1.1 * log((Double($0) + 0.5) / 60) }, shape: [60], to: url("data.npy"))
        try NpyTestFile.write((0..<80).map { Double($0) / 80 }, shape: [40, 2], to: url("d2.npy"))
    }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    func run(_ arguments: [String]) throws -> CLIRun { try CLI.run(arguments, in: folder) }

    static func samples() -> (data: EventSet, reference: EventSet) {
        (EventSet((0..<60).map { Float(-1.1 * log((Double($0) + 0.5) / 60)) }),
         EventSet((0..<400).map { Float(-log((Double($0) + 0.5) / 400)) }))
    }

    /// The record is the τ and Δ fits' outcome: t = τ − Δ, dof P with the expected normalisation,
    /// p of χ²_P, the pulls (ν − ν̂)/σ; and a repeat is bitwise the same.
    func testRecordHoldsTauDeltaAndPulls() throws {
        let (data, reference) = Self.samples()
        let architecture = try Architecture(parsing: "1,3,1")
        let model = try NuisanceSettings.parse(names: "scale,norm", sigmas: "0.15,0.1", order: 2, deltaModel: nil).model()
        let fit = NuisanceFit(architecture: architecture, data: data, reference: reference,
                              weights: .expected(60, referenceCount: reference.count), model: model, central: [0.05, -0.02],
                              training: TrainingOptions(epochs: 300, optimizer: Adam(learningRate: 0.01)), seed: 3,
                              backend: BackendRequest(kind: .reference))
        let result = try fit.run()
        let record = result.record, nu = try XCTUnwrap(record.nuisances)
        XCTAssertEqual(result.dof, architecture.parameterCount)
        XCTAssertEqual(record.t, nu.tau - nu.delta)
        XCTAssertEqual(record.p, TestStatistic.p(t: record.t, dof: result.dof))
        XCTAssertEqual(nu.names, ["scale", "norm"])
        XCTAssertEqual(nu.central, [0.05, -0.02])
        XCTAssertNil(nu.truth)
        for j in 0..<2 {
            XCTAssertEqual(nu.tauPulls[j], (nu.tauNuisances[j] - nu.central[j]) / nu.sigmas[j], accuracy: 1e-12)
            XCTAssertEqual(nu.deltaPulls[j], (nu.deltaNuisances[j] - nu.central[j]) / nu.sigmas[j], accuracy: 1e-12)
        }
        XCTAssertGreaterThan(nu.deltaNuisances[0], 0.02, "the data are stretched: the Δ fit pulls the scale up")
        XCTAssertEqual(try fit.run().record, record, "bitwise repeat")
        var wrong = fit
        wrong.central = [0]
        XCTAssertThrowsError(try wrong.run()) { XCTAssertTrue("\($0)".contains("one auxiliary central value per nuisance"), "\($0)") }
    }

    func testFitWithExactAndLearnedShapeEffects() throws {
        let exact = try run(["fit", "--data", "data.npy", "--reference", "ref.npy", "--expected", "60", "--nuisances", "scale,norm",
                             "--nuisance-sigma", "0.15", "--nuisance-central", "0.05,0", "--output", "fit.json"] + Self.training)
        XCTAssertEqual(exact.status, 0, exact.stderr)
        XCTAssertTrue(exact.stdout.contains("t = tau - Delta = ") && exact.stdout.contains("dof = 13"), exact.stdout)
        let record = try NPLMJSON.decoder().decode(FitRecord.self, from: Data(contentsOf: url("fit.json")))
        let nu = try XCTUnwrap(record.nuisances)
        XCTAssertEqual(record.t, nu.tau - nu.delta)
        XCTAssertEqual(nu.central, [0.05, 0])

        let train = try run(["nuisance", "train", "--builtin", "scale", "--points", "0.15,-0.15", "--order", "1",
                             "--architecture", "1,3,1", "--events", "100", "--epochs", "5", "--threads", "1", "--output", "d.json"])
        XCTAssertEqual(train.status, 0, train.stderr)
        let learned = try run(["fit", "--data", "data.npy", "--reference", "ref.npy", "--nuisances", "scale", "--delta-model", "d.json",
                               "--output", "fit2.json"] + Self.training)
        XCTAssertEqual(learned.status, 0, learned.stderr)
        XCTAssertTrue(learned.stdout.contains("learned δ̂ of d.json") && learned.stdout.contains("dof = 12"), learned.stdout)
    }

    /// `nplm fit --nuisances --save-model` then `nplm eval`: τ, Δ and t = τ − Δ again from the saved
    /// network and ν (both by the reference engine, so the same bits); the δ̂ model file is found
    /// where the fit read it or given with --delta-model, and must be the same bytes.
    func testSavedModelWithNuisancesEvaluatesToTheFitsT() throws {
        let fit = try run(["fit", "--data", "data.npy", "--reference", "ref.npy", "--expected", "60", "--nuisances", "scale,norm",
                           "--nuisance-central", "0.05,0", "--output", "fit.json", "--save-model", "m.json"] + Self.training)
        XCTAssertEqual(fit.status, 0, fit.stderr)
        let record = try NPLMJSON.decoder().decode(FitRecord.self, from: Data(contentsOf: url("fit.json")))
        let saved = try SavedModel.load(path: url("m.json").path, label: "m.json")
        XCTAssertEqual(saved.version, 3)
        XCTAssertEqual(saved.nuisances?.central, [0.05, 0])
        XCTAssertEqual(saved.nuisances?.tauNuisances, record.nuisances?.tauNuisances)
        let eval = try run(["eval", "--model", "m.json", "--data", "data.npy", "--reference", "ref.npy", "--output", "eval.json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.stdout.contains("t = tau - Delta = "), eval.stdout)
        let evaluated = try NPLMJSON.decoder().decode(EvalRecord.self, from: Data(contentsOf: url("eval.json")))
        XCTAssertEqual(evaluated.t, record.t)
        XCTAssertEqual(evaluated.tau, record.nuisances?.tau)
        XCTAssertEqual(evaluated.delta, record.nuisances?.delta)

        try writeBadModels()
        XCTAssertEqual(try run(["fit", "--data", "data.npy", "--reference", "ref.npy", "--nuisances", "scale", "--delta-model", "d.json",
                                "--output", "fit2.json", "--save-model", "m2.json"] + Self.training).status, 0)
        let t2 = try NPLMJSON.decoder().decode(FitRecord.self, from: Data(contentsOf: url("fit2.json"))).t
        try FileManager.default.createDirectory(at: url("moved"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: url("d.json"), to: url("moved/d.json"))
        let moved = try run(["eval", "--model", "m2.json", "--data", "data.npy", "--reference", "ref.npy", "--delta-model", "moved/d.json",
                             "--output", "eval2.json"])
        XCTAssertEqual(moved.status, 0, moved.stderr)
        XCTAssertEqual(try NPLMJSON.decoder().decode(EvalRecord.self, from: Data(contentsOf: url("eval2.json"))).t, t2)
        // A saved model with its nuisances block removed, or carried by a version-2 file, is refused.
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url("m.json"))) as! [String: Any]
        json["version"] = 2
        try JSONSerialization.data(withJSONObject: json).write(to: url("v2.json"))
        json["version"] = 3
        var nuisances = json["nuisances"] as! [String: Any]
        nuisances["central"] = [0.05]
        json["nuisances"] = nuisances
        try JSONSerialization.data(withJSONObject: json).write(to: url("short.json"))
        json["nuisances"] = nil
        try JSONSerialization.data(withJSONObject: json).write(to: url("bare.json"))
        let evalBase = ["eval", "--data", "data.npy", "--reference", "ref.npy", "--output", "out.json"]
        try assertRefused(evalBase, [
            (["--model", "m2.json"], "--model m2.json: was fitted with the δ̂ model d.json, which cannot be read here: give its path with --delta-model"),
            (["--model", "m2.json", "--delta-model", "d2.json"], "--model m2.json: was fitted with another δ̂ model than d2.json (hash mismatch)"),
            (["--model", "m.json", "--delta-model", "moved/d.json"], "--delta-model: --model m.json was fitted with the exact scale effect, not with a δ̂ model"),
            (["--model", "v2.json"], "--model v2.json: has nuisances, which only an NPLM model of version 3 carries"),
            (["--model", "bare.json"], "--model bare.json: is a version-3 model (a fit with nuisances) without its nuisances block"),
            (["--model", "short.json"], "--model short.json: has a nuisances block that does not give one ν̂ and one fitted ν per nuisance (scale,norm)"),
        ], output: "out.json")
    }

    /// The δ̂ models of the bad-input tables: d.json (1-D, linear, [1,3,1]), d2.json (2-D), and d.json
    /// edited into arch.json (architecture 1,5,1 with the parameters of 1,3,1) and unpaired.json
    /// (points 0.15, −0.15, 0.3).
    func writeBadModels() throws {
        XCTAssertEqual(try run(["nuisance", "train", "--builtin", "scale", "--points", "0.15,-0.15", "--order", "1", "--architecture", "1,3,1",
                                "--events", "100", "--epochs", "2", "--threads", "1", "--output", "d.json"]).status, 0)
        XCTAssertEqual(try run(["nuisance", "train", "--points", "0.1,-0.1", "--varied", "d2.npy", "--varied", "d2.npy", "--central", "d2.npy",
                                "--architecture", "2,3,1", "--epochs", "2", "--order", "1", "--output", "d2.json"]).status, 0)
        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: url("d.json"))) as! [String: Any]
        func save(_ name: String, _ change: (inout [String: Any]) -> Void) throws {
            var copy = model
            change(&copy)
            try JSONSerialization.data(withJSONObject: copy).write(to: url(name))
        }
        try save("arch.json") { $0["architecture"] = [1, 5, 1] }
        try save("unpaired.json") { $0["points"] = [0.15, -0.15, 0.3] }
    }

    /// Each case fails with one line containing its message, and leaves no file starting with `output`.
    func assertRefused(_ base: [String], _ cases: [([String], String)], output: String) throws {
        for (arguments, expected) in cases {
            let result = try run(base + arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one line for \(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(expected), "expected '\(expected)' in: \(result.stderr)")
            XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains { $0.hasPrefix(output) || $0.contains(".tmp-") },
                           "\(arguments) left a file")
        }
    }

    /// Bad nuisance options that `fit` and `toys` refuse alike (with the models of `writeBadModels`).
    static let badNuisanceOptions: [([String], String)] = [
        (["--nuisances", "scale,norm", "--nuisance-sigma", "0"], "--nuisance-sigma: every σ must be a positive number, got '0'"),
        (["--nuisances", "norm", "--nuisance-sigma=-0.1"], "--nuisance-sigma: every σ must be a positive number, got '-0.1'"),
        (["--nuisances", "norm", "--nuisance-sigma", "1e-300"], "--nuisance-sigma: σ = 1e-300 is below 1e-06"),
        (["--nuisances", "scale", "--delta-model", "arch.json"], "--delta-model arch.json: network δ̂_1 holds 10 parameters; architecture 1,5,1 has 16"),
        (["--nuisances", "scale", "--delta-model", "unpaired.json"], "--delta-model unpaired.json: nuisance point 0.3 has no partner -0.3"),
        (["--nuisances", "scale", "--delta-model", "none.json"], "--delta-model none.json: cannot read the δ̂ model file"),
        (["--nuisances", "norm", "--delta-model", "d.json"], "--delta-model: the learned δ̂ describe the scale nuisance; add scale to --nuisances"),
        (["--nuisances", "scale", "--shape-order", "5"], "--shape-order: the order of a shape nuisance is 1 to 4, got 5"),
    ]

    /// The bad input: a δ̂ model of another architecture or dimension, points without their
    /// ± partner, σ ≤ 0, a nuisance file that does not match the reference: one line, no result file.
    func testBadNuisanceInputGivesOneLineAndNoFile() throws {
        try writeBadModels()
        let base = ["fit", "--data", "data.npy", "--reference", "ref.npy", "--expected", "60", "--output", "out.json"] + Self.training
        try assertRefused(base, Self.badNuisanceOptions + [
            (["--nuisances", "scale", "--delta-model", "d2.json"], "nuisance 'scale': the δ̂ model --delta-model d2.json takes 2-dimensional events, but --reference ref.npy has 1 features"),
            (["--nuisances", "scale,norm", "--nuisance-central", "0.1,0.2,0.3"], "--nuisance-central: give one value for all nuisances or one per nuisance (2: scale,norm), got 3"),
            (["--nuisances", "scale", "--shape-order", "2", "--delta-model", "d.json"], "give one of them"),
            (["--nuisances", "shape"], "--nuisances: give scale, norm or scale,norm"),
        ], output: "out.json")
        // 2-D data and reference with the benchmark's exact (1-D) scale effect: the reference is named.
        let wide = try run(["fit", "--data", "d2.npy", "--reference", "d2.npy", "--architecture", "2,3,1", "--nuisances", "scale",
                            "--output", "out.json"] + Self.training)
        XCTAssertNotEqual(wide.status, 0)
        XCTAssertEqual(wide.stderr.split(separator: "\n").count, 1, wide.stderr)
        XCTAssertTrue(wide.stderr.contains("--reference d2.npy"), wide.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: url("out.json").path))
        // Options that need --nuisances, or that do not go with it, are named.
        for (arguments, option) in [(["--nuisance-sigma", "0.1"], "need --nuisances"), (["--nuisances", "norm", "--preprocess", "standardize"], "--preprocess")] {
            let result = try run(base + arguments)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains(option), "\(arguments): \(result.stderr)")
        }
    }

    /// The same bad input on `nplm toys --nuisances` (the 1-D benchmark's reference) and on `nplm
    /// nuisance check`: one line, no campaign file, no plot or report.
    func testBadNuisanceInputOnToysAndCheck() throws {
        try writeBadModels()
        let toys = ["toys", "--toys", "2", "--epochs", "5", "--reference-size", "300", "--expected", "40", "--backend", "reference",
                    "--output", "out.jsonl"]
        try assertRefused(toys, Self.badNuisanceOptions + [
            (["--nuisances", "scale", "--delta-model", "d2.json"], "the δ̂ model --delta-model d2.json takes 2-dimensional events, but the reference sample has 1 features"),
            (["--nuisances", "scale,norm", "--nuisance-sigma", "0.1,0.2,0.3"], "--nuisance-sigma: give one σ for all nuisances or one per nuisance (2), got 3"),
            (["--nuisances", "scale", "--nuisance-truth", "1,2"], "--nuisance-truth: give one value for all nuisances or one per nuisance (1: scale), got 2"),
        ], output: "out.jsonl")
        let check = ["nuisance", "check", "--events", "50", "--bins", "5", "--plot", "c.svg", "--output", "c.json"]
        try assertRefused(check, [
            (["--model", "arch.json", "--builtin", "scale"], "--model arch.json: network δ̂_1 holds 10 parameters; architecture 1,5,1 has 16"),
            (["--model", "unpaired.json", "--builtin", "scale"], "--model unpaired.json: nuisance point 0.3 has no partner -0.3"),
            (["--model", "d.json", "--builtin", "scale", "--points", "0.1,-0.1,0.2"], "--points: nuisance point 0.2 has no partner -0.2"),
            (["--model", "d.json", "--points", "0.1,-0.1", "--varied", "d2.npy", "--varied", "d2.npy", "--central", "d2.npy"],
             "--model d.json: takes events of 1 feature(s) (architecture 1,3,1) but the samples have 2"),
            (["--model", "none.json", "--builtin", "scale"], "--model none.json: no such file"),
        ], output: "c.")
    }

    /// A campaign with nuisances split into shards and merged, or interrupted and resumed, gives the
    /// single run's bytes (τ, Δ, ν̂ and the fitted ν of a toy depend on (seed, toy) alone).
    func testNuisanceCampaignShardsMergeAndResume() throws {
        let toys = ["toys", "--toys", "5", "--epochs", "20", "--reference-size", "300", "--expected", "40", "--history-every", "10",
                    "--nuisances", "scale,norm", "--nuisance-truth=1,-1", "--backend", "reference", "--seed", "8"]
        XCTAssertEqual(try run(toys + ["--batch", "5", "--output", "single.jsonl"]).status, 0)
        for i in 0..<2 { XCTAssertEqual(try run(toys + ["--batch", "2", "--shard", "\(i)/2", "--output", "s\(i).jsonl"]).status, 0) }
        let merge = try run(["merge", "s1.jsonl", "s0.jsonl", "--output", "merged.jsonl"])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        let single = try Data(contentsOf: url("single.jsonl"))
        XCTAssertEqual(single.filter { $0 == 0x0A }.count, 5)
        XCTAssertEqual(try Data(contentsOf: url("merged.jsonl")), single)
        // Interrupted after two toys and half of the third: resumed to the same bytes.
        let newlines = single.indices.filter { single[$0] == 0x0A }
        try single[..<(newlines[1] + 1 + (newlines[2] - newlines[1]) / 2)].write(to: url("resumed.jsonl"))
        let resumed = try run(toys + ["--batch", "5", "--output", "resumed.jsonl"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try Data(contentsOf: url("resumed.jsonl")), single)
    }

    func testReportOfANuisanceCampaign() throws {
        let toys = try run(["toys", "--toys", "3", "--epochs", "30", "--reference-size", "500", "--expected", "100", "--history-every", "10",
                            "--nuisances", "scale,norm", "--nuisance-truth=1,-1", "--backend", "reference", "--output", "c.jsonl"])
        XCTAssertEqual(toys.status, 0, toys.stderr)
        let text = try run(["report", "c.jsonl", "--plots", "plots"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("τ against χ²_15, Δ against χ²_2, t = τ − Δ against χ²_13"), text.stdout)
        XCTAssertTrue(text.stdout.contains("scale (σ = 0.15, ν* = 1σ)") && text.stdout.contains("norm (σ = 0.15, ν* = -1σ)"), text.stdout)
        for name in ["tau-t.svg", "delta.svg", "pulls.svg", "percentiles.svg"] {
            let svg = try String(contentsOf: url("plots/\(name)"), encoding: .utf8)
            XCTAssertTrue(svg.hasPrefix("<?xml") && svg.contains("</svg>"), name)
        }
        let json = try run(["report", "c.jsonl", "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let report = try NPLMJSON.decoder().decode(NuisanceCampaignReport.self, from: Data(json.stdout.utf8))
        XCTAssertEqual(report.statistics.map(\.name), ["tau", "Delta", "t"])
        XCTAssertEqual(report.statistics.map(\.dof), [15, 2, 13])
        XCTAssertEqual(report.pulls.map(\.truthInSigma), [1, -1])
        let records = try CampaignFile.read(url("c.jsonl").path)
        let meanT = records.map { $0.nuisances!.tau - $0.nuisances!.delta }.reduce(0, +) / 3
        XCTAssertEqual(report.statistics[2].mean, meanT, accuracy: 1e-9)
        XCTAssertEqual(report.t.meanT, meanT, accuracy: 1e-9)
        // A plain campaign's records are refused by the nuisance report, in one line naming the file.
        XCTAssertThrowsError(try NuisanceCampaignReport(records: [records[0]] + [{ var r = records[1]; r.nuisances = nil; return r }()],
                                                        file: "mixed.jsonl")) { XCTAssertTrue("\($0)".contains("mixed.jsonl: line 2"), "\($0)") }
    }
}
