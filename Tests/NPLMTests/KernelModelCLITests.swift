import Foundation
import XCTest
@testable import NPLM
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMMethods

/// `nplm fit --model kernel` with --save-model, --preprocess, --plots, --record-centres,
/// --kernel-precision and --jitter, and `nplm eval` of the kernel model, end to end.
final class KernelModelCLITests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = try CLI.temporaryDirectory(self)
        // Quantiles of e^-x (reference) and of a stretched e^-x (data), as FitCLITests.
        let reference = (0..<600).map { -log((Double($0) + 0.5) / 600) }
        let data = (0..<70).map { -1.3 * log((Double($0) + 0.5) / 70) }
        try NpyTestFile.write(reference, shape: [600], to: url("ref.npy"))
        try NpyTestFile.write(data, shape: [70], to: url("data.npy"))
        try NpyTestFile.write(reference.flatMap { [$0, sin(7 * $0)] }, shape: [600, 2], to: url("ref2.npy"))
        try NpyTestFile.write(data.flatMap { [$0, cos(5 * $0)] }, shape: [70, 2], to: url("data2.npy"))
    }

    static let kernel = ["--model", "kernel", "--widths", "0.5,1.5", "--centres", "50", "--lambda", "1e-7", "--seed", "3"]

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
    func run(_ arguments: [String]) throws -> CLIRun { try CLI.run(arguments, in: folder) }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: url(name).path) }
    func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(name))) as! [String: Any]
    }
    func decoded<Value: Decodable>(_ type: Value.Type, _ name: String) throws -> Value {
        try NPLMJSON.decoder().decode(type, from: Data(contentsOf: url(name)))
    }

    /// fit --save-model then eval on the same samples: the fit's t bit for bit, on reference and
    /// cpu (eval uses the fit's engine), with every normalisation and with --preprocess.
    func testFitThenEvalReproducesEveryWidthsT() throws {
        let cases: [(backend: String, extra: [String])] = [
            ("reference", ["--expected", "60"]), ("cpu", ["--expected", "60"]), ("cpu", []),
            ("cpu", ["--reference-weights", "ref.npy", "--preprocess", "standardize"]), ("reference", ["--preprocess", "mean"]),
            ("cpu", ["--kernel-precision", "float32"]), ("cpu", ["--jitter", "1e-11", "--expected", "60"]),
        ]
        for (backend, extra) in cases {
            let context = "\(backend) \(extra)"
            let fit = try run(["fit", "--data", "data.npy", "--reference", "ref.npy", "--backend", backend, "--threads", "2",
                               "--output", "fit.json", "--save-model", "model.json"] + Self.kernel + extra)
            XCTAssertEqual(fit.status, 0, "\(context): \(fit.stderr)")
            let record = try decoded(FitRecord.self, "fit.json")
            let kernel = try XCTUnwrap(record.kernel, context)
            let model = try KernelModelFile.load(path: url("model.json").path, label: "m")
            XCTAssertEqual(model.t, kernel.t, context)
            XCTAssertEqual(model.backend.rawValue, backend, context)
            XCTAssertEqual(model.preprocessing, record.preprocessing, context)
            XCTAssertEqual(model.preprocessing?.method.rawValue, extra.firstIndex(of: "--preprocess").map { extra[$0 + 1] }, context)
            XCTAssertEqual(model.options.precision, extra.contains("float32") ? .float32 : .float64, context)
            XCTAssertEqual(model.jitter, kernel.jitter, context)
            if extra.contains("--jitter") { XCTAssertEqual(model.jitter, [1e-11, 1e-11], context) }

            let weights = extra.firstIndex(of: "--reference-weights").map { ["--reference-weights", extra[$0 + 1]] } ?? []
            let eval = try run(["eval", "--model", "model.json", "--data", "data.npy", "--reference", "ref.npy", "--output", "eval.json"] + weights)
            XCTAssertEqual(eval.status, 0, "\(context): \(eval.stderr)")
            let result = try decoded(EvalRecord.self, "eval.json")
            let evaluation = try XCTUnwrap(result.kernel, context)
            XCTAssertEqual(evaluation.t.map(\.bitPattern), kernel.t.map(\.bitPattern), "\(context): eval \(evaluation.t), fit \(kernel.t)")
            XCTAssertEqual(evaluation.savedT, kernel.t, context)
            XCTAssertEqual(evaluation.widths, [0.5, 1.5], context)
            XCTAssertEqual(result.t, kernel.t[0], context)
            XCTAssertEqual(result.dof, 0)
            XCTAssertTrue(result.p.isNaN && result.z.isNaN, context)
            XCTAssertTrue(evaluation.engine.hasPrefix(backend), "\(context): \(evaluation.engine)")
            XCTAssertTrue(eval.stdout.contains("σ = 1.5: t = "), eval.stdout)
        }
        // --backend overrides the saved engine: the same t to rounding.
        let eval = try run(["eval", "--model", "model.json", "--data", "data.npy", "--reference", "ref.npy", "--backend", "reference",
                            "--output", "eval.json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let result = try decoded(EvalRecord.self, "eval.json")
        XCTAssertEqual(result.kernel?.engine, "reference")
        for (t, saved) in zip(result.kernel!.t, result.kernel!.savedT) { XCTAssertEqual(t, saved, accuracy: 1e-9 * abs(saved)) }
    }

    /// Bad inputs of eval with a kernel model, and damaged model files: one line each.
    func testEvalOfAKernelModelRefusesBadInputs() throws {
        let fit = try run(["fit", "--data", "data.npy", "--reference", "ref.npy", "--backend", "cpu", "--expected", "60",
                           "--save-model", "model.json"] + Self.kernel)
        XCTAssertEqual(fit.status, 0, fit.stderr)
        var damaged = try json("model.json")
        damaged["coefficients"] = [[1.0, 2.0], [3.0]]
        try JSONSerialization.data(withJSONObject: damaged).write(to: url("damaged.json"))
        try Data(try Data(contentsOf: url("model.json")).prefix(200)).write(to: url("truncated.json"))
        damaged = try json("model.json")
        damaged["version"] = 7
        try JSONSerialization.data(withJSONObject: damaged).write(to: url("future.json"))
        let eval = ["eval", "--model", "model.json", "--data", "data.npy", "--reference", "ref.npy"]
        let cases: [(String, [String], String)] = [
            ("2-D data for a 1-D model", ["eval", "--model", "model.json", "--data", "data2.npy", "--reference", "ref.npy"],
             "--data data2.npy: has 2 feature(s) per event but --model model.json (a kernel model) takes 1"),
            ("2-D reference for a 1-D model", ["eval", "--model", "model.json", "--data", "data.npy", "--reference", "ref2.npy"],
             "--reference ref2.npy: has 2 feature(s) per event but --model model.json (a kernel model) takes 1"),
            ("two samples", ["eval", "--model", "model.json", "--a", "data.npy", "--b", "ref.npy"], "is a kernel model: give --data and --reference"),
            ("no reference", ["eval", "--model", "model.json", "--data", "data.npy"], "is a kernel model: give --data and --reference"),
            ("weights for a model of N(R0)", eval + ["--reference-weights", "ref.npy"], "was fitted with uniform reference weights (expected normalisation)"),
            ("a delta model", eval + ["--delta-model", "model.json"], "is a kernel model"),
            ("damaged coefficients", ["eval", "--model", "damaged.json", "--data", "data.npy", "--reference", "ref.npy"],
             "--model damaged.json: width 0 has 2 coefficients for 50 centres"),
            ("a later version", ["eval", "--model", "future.json", "--data", "data.npy", "--reference", "ref.npy"],
             "--model future.json: has kernel model format version 7; this nplm reads version 1"),
            ("truncated", ["eval", "--model", "truncated.json", "--data", "data.npy", "--reference", "ref.npy"],
             "--model truncated.json: is not a model file written by nplm fit --save-model"),
            ("missing data", ["eval", "--model", "model.json", "--data", "none.npy", "--reference", "ref.npy"], "--data none.npy"),
            ("threads", eval + ["--threads", "0"], "--threads must be at least 1"),
        ]
        for (name, arguments, expected) in cases {
            assertOneLineRefusal(try run(arguments + ["--output", "eval.json"]), expected, name)
            XCTAssertFalse(exists("eval.json"), name)
        }
        // --backend belongs to kernel models.
        XCTAssertEqual(try run(["fit", "--data", "data.npy", "--reference", "ref.npy", "--epochs", "5", "--backend", "cpu",
                                "--save-model", "network.json"]).status, 0)
        assertOneLineRefusal(try run(["eval", "--model", "network.json", "--data", "data.npy", "--reference", "ref.npy", "--backend", "cpu"]),
                             "choose the engine of a kernel model", "--backend with a network model")
        // The kernel options refuse bad values in one line.
        for (option, value, expected) in [("--kernel-precision", "float16", "--kernel-precision"), ("--jitter", "0", "--jitter: the kernel jitter ε"),
                                          ("--jitter", "1", "--jitter: the kernel jitter ε")] {
            assertOneLineRefusal(try run(["fit", "--data", "data.npy", "--reference", "ref.npy", option, value] + Self.kernel), expected, option)
        }
        assertOneLineRefusal(try run(["fit", "--data", "data.npy", "--reference", "ref.npy", "--record-centres", "--epochs", "5"]),
                             "belong to --model kernel", "--record-centres with a network")
        assertOneLineRefusal(try run(["toys", "--toys", "1", "--jitter", "1e-12"]), "belong to --model kernel", "--jitter with network toys")
    }

    /// --plots with --model kernel: one picture per width beside the other outputs, all or none.
    func testKernelPlotsArePerWidthAndAllOrNone() throws {
        let fit = ["fit", "--data", "data.npy", "--reference", "ref.npy", "--backend", "cpu", "--expected", "60"] + Self.kernel
        var result = try run(fit + ["--output", "fit.json", "--save-model", "model.json", "--plots", "p1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let t = try XCTUnwrap(try decoded(FitRecord.self, "fit.json").kernel).t
        for (name, width, value) in [("log-ratio-sigma-0.5.svg", "0.5", t[0]), ("log-ratio-sigma-1.5.svg", "1.5", t[1])] {
            let svg = try String(contentsOf: url("p1/\(name)"), encoding: .utf8)
            XCTAssertTrue(svg.contains("data.npy against ref.npy: σ = \(width), t = \(String(format: "%.6g", value))"), name)
            XCTAssertTrue(svg.contains("learned f(x)") && svg.contains("log(data / reference), bins"), name)
            assertWellFormedSVG(svg, atLeast: 20)
        }
        // 2-D, the default width: the marginals, named after the width the reference gives.
        result = try run(["fit", "--data", "data2.npy", "--reference", "ref2.npy", "--model", "kernel", "--centres", "40", "--backend", "cpu",
                          "--preprocess", "standardize", "--plots", "p2", "--output", "fit2.json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let width = try XCTUnwrap(try decoded(FitRecord.self, "fit2.json").kernel).widths[0]
        let marginals = try String(contentsOf: url("p2/\(LogRatioPlots.fileName(dimension: 2, width: width))"), encoding: .utf8)
        for label in ["x1", "x2", "e^f·R", "data (70)"] { XCTAssertTrue(marginals.contains(label), label) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url("p2").path).count, 1)

        // A read-only picture of one width: refused before the fit, nothing written.
        try FileManager.default.createDirectory(at: url("kept"), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: url("kept/log-ratio-sigma-1.5.svg"))
        chmod(url("kept/log-ratio-sigma-1.5.svg").path, 0o444)
        assertOneLineRefusal(try run(fit + ["--output", "out.json", "--save-model", "out-model.json", "--plots", "kept"]), "is read-only", "read-only plot")
        XCTAssertFalse(exists("out.json") || exists("out-model.json") || exists("kept/log-ratio-sigma-0.5.svg"))
        XCTAssertEqual(try String(contentsOf: url("kept/log-ratio-sigma-1.5.svg"), encoding: .utf8), "old")
        // --plots naming a file: one line, nothing written.
        try Data("x".utf8).write(to: url("taken"))
        assertOneLineRefusal(try run(fit + ["--output", "out.json", "--plots", "taken"]), "--plots taken is a file, not a folder", "--plots FILE")
        XCTAssertFalse(exists("out.json"))
    }

    /// --record-centres: the record's centres are the pooled events at their indices (reference
    /// first), and the line is otherwise the line without the option.
    func testRecordCentresWritesTheCentres() throws {
        let fit = ["fit", "--data", "data.npy", "--reference", "ref.npy", "--backend", "cpu", "--expected", "60"] + Self.kernel
        XCTAssertEqual(try run(fit + ["--output", "plain.json"]).status, 0)
        XCTAssertEqual(try run(fit + ["--output", "centres.json", "--record-centres"]).status, 0)
        var plain = try json("plain.json"), centres = try json("centres.json")
        var kernel = try XCTUnwrap(centres["kernel"] as? [String: Any])
        let indices = try XCTUnwrap(kernel["centreIndices"] as? [Int]), features = try XCTUnwrap(kernel["centreFeatures"] as? [[Double]])
        XCTAssertEqual(indices.count, 50)
        let reference = try SampleFile.events(path: url("ref.npy").path, parameter: .reference)
        let data = try SampleFile.events(path: url("data.npy").path, parameter: .data)
        let pooled = reference.appending(data)
        // (JSONSerialization reads numbers to about 16 digits: compare them as the float32 they are.)
        XCTAssertEqual(features.map { $0.map(Float.init) }, indices.map { [pooled.value(event: $0, feature: 0)] })
        XCTAssertTrue(indices.contains { $0 >= 600 } && indices.contains { $0 < 600 }, "centres from both samples")
        XCTAssertNil((plain["kernel"] as? [String: Any])?["centreIndices"])
        kernel["centreIndices"] = nil
        kernel["centreFeatures"] = nil
        centres["kernel"] = kernel
        plain["kernel"] = (plain["kernel"] as! [String: Any])
        XCTAssertEqual(try JSONSerialization.data(withJSONObject: centres, options: .sortedKeys),
                       try JSONSerialization.data(withJSONObject: plain, options: .sortedKeys))
    }
}
