import Foundation
import PropertyBased
import XCTest
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The commands under random values of every option that sizes an allocation, across and beyond
/// their ranges, and `nplm eval` under random mutations of good model files: each run gives one
/// clear line and a non-zero exit, or exit 0 with a result — never a signal, never a file touched
/// that nplm did not create. Every run has tiny epochs and a time limit (a run still going after
/// it is stopped and counts as "no signal so far"). `PropertyRun`: fixed seed, `NPLM_PROPERTY_CASES`
/// for a longer run.
final class OptionPropertyTests: XCTestCase {
    /// Seconds a run may take before it is stopped.
    static let timeLimit = 4.0

    /// A command with tiny work and the files it reads (made once per test).
    enum Base: Int, CaseIterable, CustomStringConvertible {
        case toys, symmetric, gauss, kernel, nuisances, permute, fit, fitNuisances, calibrate, crossval

        var description: String { "\(self.rawValue)" }

        /// The command's arguments as option → value ("" for a flag-like option without a value);
        /// an option drawn for the case replaces the one here.
        var arguments: [(String, String?)] {
            let toys: [(String, String?)] = [("--toys", "2"), ("--epochs", "3"), ("--backend", "cpu"), ("--threads", "1"),
                                               ("--output", "out.jsonl")]
            switch self {
            case .toys: return [("toys", nil), ("--reference-size", "200"), ("--expected", "20")] + toys
            case .symmetric: return [("toys", nil), ("--preset", "symmetric"), ("--size-a", "20"), ("--size-b", "20")] + toys
            case .gauss:
                return [("toys", nil), ("--benchmark", "gauss"), ("--architecture", "4,3,1"), ("--expected", "20"),
                        ("--reference-size", "100")] + toys
            case .kernel:
                return [("toys", nil), ("--model", "kernel"), ("--reference-size", "200"), ("--expected", "20"), ("--widths", "1"),
                        ("--centres", "20"), ("--toys", "2"), ("--backend", "cpu"), ("--threads", "1"), ("--output", "out.jsonl")]
            case .nuisances:
                return [("toys", nil), ("--nuisances", "scale,norm"), ("--reference-size", "200"), ("--expected", "20")] + toys
            case .permute:
                return [("permute", nil), ("--a", "a.npy"), ("--b", "b.npy"), ("--permutations", "3"), ("--epochs", "3"),
                        ("--backend", "cpu"), ("--threads", "1"), ("--output", "out.json")]
            case .fit:
                return [("fit", nil), ("--data", "data.npy"), ("--reference", "ref.npy"), ("--epochs", "3"), ("--backend", "cpu"),
                        ("--threads", "1"), ("--output", "out.json")]
            case .fitNuisances:
                return [("fit", nil), ("--data", "data.npy"), ("--reference", "ref.npy"), ("--expected", "20"),
                        ("--nuisances", "scale,norm"), ("--epochs", "3"), ("--backend", "cpu"), ("--threads", "1"),
                        ("--output", "out.json")]
            case .calibrate:
                return [("calibrate", nil), ("--reference-size", "200"), ("--expected", "20"), ("--epochs", "3"), ("--root-toys", "2"),
                        ("--root-steps", "1"), ("--toys", "2,3"), ("--points", "2"), ("--backend", "cpu"), ("--threads", "1")]
            case .crossval:
                return [("crossval", nil), ("--reference-size", "200"), ("--expected", "20"), ("--epochs", "3"), ("--toys", "2")]
            }
        }

        /// The options drawn for this command: those that size an allocation or a sample.
        var options: [String] {
            switch self {
            case .toys: return ["--toys", "--reference-size", "--expected", "--batch", "--architecture", "--signal-events", "--history-every"]
            case .symmetric: return ["--size-a", "--size-b", "--toys", "--batch", "--signal-events"]
            case .gauss: return ["--dimension", "--expected", "--reference-size", "--batch"]
            case .kernel: return ["--centres", "--widths", "--reference-size", "--expected", "--toys", "--batch"]
            case .nuisances: return ["--nuisance-truth", "--nuisance-sigma", "--reference-size", "--expected"]
            case .permute: return ["--permutations", "--batch", "--architecture"]
            case .fit: return ["--expected", "--architecture", "--history-every"]
            case .fitNuisances: return ["--nuisance-central", "--nuisance-sigma", "--expected"]
            case .calibrate: return ["--toys", "--root-toys", "--points", "--batch", "--expected"]
            case .crossval: return ["--toys", "--reference-size", "--expected", "--architecture"]
            }
        }
    }

    /// Numbers across and beyond every range (and words that are not numbers).
    static let numbers = ["0", "-1", "1", "2", "3", "17", "1000", "1e8", "100000001", "1e9", "2147483648", "4294967296",
                          "9007199254740993", "1e300", "-1e300", "nan", "inf", "-inf", "1e-300", "0.5", "1e-6", "5e-7", "-0", "x"]

    /// Values of `option`: the numbers, and lists for the options that take them.
    static func values(_ option: String, base: Base) -> [String] {
        switch option {
        case "--architecture":
            return ["1,4,1", "1,0,1", "1,100000,100000,1", "1,2000,2000,1", "2,4,1", "1", "1,4,2", "1,-3,1", "1,99999999999,1",
                    "1,9223372036854775807,1", Array(repeating: "1", count: 60).joined(separator: ","), "4,3,1", "x"]
        case "--widths":
            return ["1", "1,1", "1e-300", "1e300", "0.5,2,0.5", "-1", "nan", "1e-150", "1e-160",
                    (1...300).map(String.init).joined(separator: ","), ",", "1,,2"] + numbers
        case "--nuisance-truth":
            return ["1e6", "100", "5", "5.01", "-5", "0", "1,1", "1,1,1", "nan", "1e-300", "-1e6,0", "33.3,0", "0,33.4"] + numbers
        case "--nuisance-central":
            return ["1e6", "0.75", "0.76", "-0.75", "nan", "5", "0,0", "0,0,0", "1e-300", "-5,5"] + numbers
        case "--nuisance-sigma":
            return ["0.15", "10", "1e300", "1e-300", "0", "-1", "nan", "1,2", "0.1,0.2,0.3"]
        case "--dimension":
            return ["3", "4", "30", "31", "-4", "1000000000"] + numbers
        case "--toys" where base == .calibrate:
            return ["2,4000000000", "2,3,1000000000000", "3,2", "1", "2,x"] + numbers
        case "--history-every":
            return ["1", "0", "-1", "1000000000", "1 --epochs 1000000000", "1000 --epochs 1000000000"] + numbers
        default:
            return numbers
        }
    }

    struct OptionCase: CustomStringConvertible {
        var base: Base
        var drawn: [(String, String)]

        var arguments: [String] {
            var list = base.arguments
            for (option, value) in drawn {
                // A value with a second option ("1 --epochs 1e9") sets both.
                let words = value.split(separator: " ").map(String.init)
                let pairs = [(option, words.first ?? "")] + stride(from: 1, to: words.count - 1, by: 2).map { (words[$0], words[$0 + 1]) }
                for (name, text) in pairs {
                    if let k = list.firstIndex(where: { $0.0 == name }) { list[k].1 = text } else { list.append((name, text)) }
                }
                if option == "--signal-events" && base != .symmetric { list.append(("--signal", "NP1")) }
                if option == "--signal-events" && base == .symmetric { list.append(("--signal", "NP3")) }
            }
            // "--opt=value": a value such as -1 is not taken for an option.
            return list.map { option, value in value.map { "\(option)=\($0)" } ?? option }
        }

        var description: String { "nplm " + arguments.joined(separator: " ") }
    }

    static var optionCases: Generator<OptionCase, some Sequence> {
        zip(Gen.int(in: 0...(Base.allCases.count - 1)), Gen.int(in: 1...2), Gen.int(in: 0...10_000).array(of: 4))
            .map { base, count, picks in
                let base = Base(rawValue: base)!
                var drawn: [(String, String)] = []
                for k in 0..<count {
                    let option = base.options[picks[2 * k] % base.options.count]
                    guard !drawn.contains(where: { $0.0 == option }) else { continue }
                    let values = values(option, base: base)
                    drawn.append((option, values[picks[2 * k + 1] % values.count]))
                }
                return OptionCase(base: base, drawn: drawn)
            }
    }

    /// With `NPLM_PROPERTY_LOG` set, every case and how it ended (to see what a longer run covers).
    static func trace(_ value: some CustomStringConvertible, _ run: CLIRun) {
        guard PropertyRun.environment["NPLM_PROPERTY_LOG"] != nil else { return }
        let line = run.stderr.split(separator: "\n").last { !$0.hasPrefix("backend auto:") && !$0.contains(" toys/s") } ?? ""
        print("[\(run.status)\(run.signalled ? " signal" : "")] \(value) → \(line.prefix(200))")
    }

    /// The folder's files with their bytes: what nplm must not touch.
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[name] = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) ?? Data()
        }
        return files
    }

    /// What is wrong with `run` (nil: one clear line and a non-zero exit, or exit 0 with a result,
    /// or stopped at the time limit), given the folder's files before it. `results`: the files a
    /// successful run writes; a failed run leaves none of them, except a campaign file holding whole
    /// records (toys appended before a later batch failed, which a rerun resumes).
    static func problem(_ run: CLIRun, folder: URL, before: [String: Data], results: [String]) throws -> String? {
        if run.signalled { return "ended by signal \(run.status): \(run.stderr.suffix(300))" }
        let after = try snapshot(folder)
        for (name, bytes) in before where after[name] != bytes { return "\(name), which nplm did not create, was changed or removed" }
        for name in after.keys where before[name] == nil && !results.contains(name) { return "left a file \(name)" }
        if run.status == -1 { return nil }  // stopped at the time limit: no signal so far
        let written = results.filter { after[$0] != nil && before[$0] == nil }
        if run.status == 0 {
            // A command without a result file (calibrate, crossval) prints its result.
            if results.isEmpty { return run.stdout.isEmpty ? "exit 0 without a result" : nil }
            guard let name = written.first, let bytes = after[name], !bytes.isEmpty else { return "exit 0 without a result" }
            return nil
        }
        let lines = run.stderr.split(separator: "\n").filter { !$0.hasPrefix("backend auto:") && !$0.contains(" toys/s") }
        guard lines.count == 1 else { return "\(lines.count) lines on stderr: \(run.stderr.prefix(600))" }
        if run.stderr.contains("Fatal error") || run.stderr.contains("Usage:") { return "not a clear line: \(run.stderr)" }
        for name in written {
            guard name.hasSuffix(".jsonl"), let bytes = after[name], (try? CampaignFile.parse(bytes, file: name, allowTruncatedTail: false)) != nil else {
                return "failed but left the result \(name)"
            }
        }
        return nil
    }

    func testOptionsThatSizeAllocationsGiveOneLineOrAResult() throws {
        let folder = try CLI.temporaryDirectory(self)
        func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
        try NpyTestFile.write((0..<200).map { -log((Double($0) + 0.5) / 200) }, shape: [200], to: url("ref.npy"))
        try NpyTestFile.write((0..<20).map { -1.3 * log((Double($0) + 0.5) / 20) }, shape: [20], to: url("data.npy"))
        try NpyTestFile.write((0..<30).map { -log((Double($0) + 0.5) / 30) }, shape: [30], to: url("a.npy"))
        try NpyTestFile.write((0..<25).map { -0.8 * log((Double($0) + 0.5) / 25) }, shape: [25], to: url("b.npy"))
        try Data("a file of the user's\n".utf8).write(to: url("keep.txt"))
        PropertyRun.check("options", standard: 40, salt: 11, Self.optionCases) { option in
            for name in ["out.json", "out.jsonl"] { try? FileManager.default.removeItem(at: url(name)) }
            let before = try Self.snapshot(folder)
            let run = try CLI.runProgram(try CLI.executable(), option.arguments, in: folder, timeout: Self.timeLimit)
            Self.trace(option, run)
            let results = [.calibrate, .crossval].contains(option.base) ? [] : ["out.json", "out.jsonl"]
            // crossval's verdict that the engines differ is a result (exit 1, printed), not bad input.
            if option.base == .crossval && run.status == 1 && run.stdout.contains("crossval FAILED") && !run.signalled { return nil }
            return try Self.problem(run, folder: folder, before: before, results: results)
        }
    }

    // MARK: - Model files

    /// A JSON value changed at one place: a number, a list's length, a key removed, a type swapped.
    struct Mutation: CustomStringConvertible {
        var path: [Int]  // choices that walk down the tree
        var kind: Int
        var value: Int
        var description: String { "at \(path) kind \(kind) value \(value)" }
    }

    static let replacements: [Any] = [0, -1, 1, 2, 13, 12, 1e300, -1e300, 1e-300, 9_007_199_254_740_993, 1e8, 1.5e-6, "nan", "inf", "x",
                                      NSNull(), [Any](), [String: Any](), true, "expected", "observed", "weights", "nplm",
                                      "symmetrized", "crossentropy", "logistic", "expLinear", "standardize", "mean", "none", 5, 0.76, 4]

    /// `node` changed: a list shortened, lengthened or emptied (or one element changed), a key
    /// removed (or one value changed), a value replaced — mostly by one of the same type, so that
    /// the file still decodes and the checks behind decoding are reached.
    static func change(_ node: Any, _ mutation: Mutation) -> Any {
        if var array = node as? [Any], !array.isEmpty {
            switch mutation.kind % 4 {
            case 0: array.removeLast()
            case 1: array.append(array[array.count - 1])
            case 2: array = []
            default:
                let index = mutation.value % array.count
                array[index] = change(array[index], Mutation(path: [], kind: mutation.kind / 4 + 1, value: mutation.value / 7))
            }
            return array
        }
        if var object = node as? [String: Any], !object.isEmpty {
            let keys = object.keys.sorted(), key = keys[mutation.value % keys.count]
            if mutation.kind % 4 == 0 {
                object.removeValue(forKey: key)
            } else {
                object[key] = change(object[key]!, Mutation(path: [], kind: mutation.kind / 4 + 1, value: mutation.value / 7))
            }
            return object
        }
        if mutation.kind != 0 {
            if node is String { return strings[mutation.value % strings.count] }
            if let number = node as? NSNumber {
                // An integer field (a count, a width, a version) gets an integer; a real one a real,
                // as given or as a factor on the value.
                let text = number.stringValue
                if !text.contains(".") && !text.contains("e") && !text.contains("E") {
                    return integers[mutation.value % integers.count]
                }
                let value = reals[mutation.value % reals.count], product = number.doubleValue * value
                return mutation.kind % 2 == 0 && product.isFinite ? product : value
            }
        }
        return replacements[mutation.value % replacements.count]
    }

    static let integers = [0, -1, 1, 2, 3, 4, 5, 12, 13, 100, 9_007_199_254_740_993, 200_000_000, -2]
    static let reals = [1e300, -1e300, 1e-300, 1e8, 1.5e-6, 0.76, -0.5, 1e6, 1.0000001, 100.0, -2.0, 0.0, 5.0, 0.15]
    static let strings = ["nan", "inf", "-inf", "x", "", "expected", "observed", "weights", "nplm", "symmetrized", "crossentropy",
                          "logistic", "expLinear", "standardize", "mean", "none", "auto", "nplm-model", "nplm-shape-effect", "d.json"]

    /// `json` with `mutation` applied at the node its path leads to.
    static func mutate(_ json: Any, _ mutation: Mutation, depth: Int = 0) -> Any {
        guard depth < mutation.path.count else { return change(json, mutation) }
        if var object = json as? [String: Any], !object.isEmpty {
            let keys = object.keys.sorted()
            let key = keys[mutation.path[depth] % keys.count]
            object[key] = mutate(object[key]!, mutation, depth: depth + 1)
            return object
        }
        if var array = json as? [Any], !array.isEmpty {
            let index = mutation.path[depth] % array.count
            array[index] = mutate(array[index], mutation, depth: depth + 1)
            return array
        }
        return change(json, mutation)
    }

    struct ModelCase: CustomStringConvertible {
        var model: Int
        var mutations: [Mutation]
        var description: String { "model \(model), mutations \(mutations)" }
    }

    static var modelCases: Generator<ModelCase, some Sequence> {
        zip(Gen.int(in: 0...3), Gen.int(in: 1...2),
            zip(Gen.int(in: 0...50).array(of: 1...4), Gen.int(in: 0...11), Gen.int(in: 0...1000)).array(of: 2))
            .map { model, count, raw in
                ModelCase(model: model, mutations: raw.prefix(count).map { Mutation(path: $0.0, kind: $0.1, value: $0.2) })
            }
    }

    func testMutatedModelFilesGiveOneLineOrTheirResult() throws {
        let folder = try CLI.temporaryDirectory(self)
        func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
        try NpyTestFile.write((0..<200).map { -log((Double($0) + 0.5) / 200) }, shape: [200], to: url("ref.npy"))
        try NpyTestFile.write((0..<20).map { -1.3 * log((Double($0) + 0.5) / 20) }, shape: [20], to: url("data.npy"))
        let fast = ["--epochs", "20", "--backend", "reference"]
        let nplm = ["fit", "--data", "data.npy", "--reference", "ref.npy"] + fast
        // Good model files written by nplm: plain (expected N(R0)), preprocessed (observed), two-sample, nuisances.
        let writers: [[String]] = [nplm + ["--expected", "20", "--save-model", "m0.json"],
                                   nplm + ["--preprocess", "standardize", "--save-model", "m1.json"],
                                   ["fit", "--a", "data.npy", "--b", "ref.npy", "--save-model", "m2.json"] + fast,
                                   nplm + ["--expected", "20", "--nuisances", "scale,norm", "--nuisance-central", "0.05,0", "--save-model", "m3.json"]]
        for arguments in writers {
            let run = try CLI.run(arguments, in: folder)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        let models = try (0..<4).map { try JSONSerialization.jsonObject(with: Data(contentsOf: url("m\($0).json"))) }
        let samples = [["--data", "data.npy", "--reference", "ref.npy"], ["--data", "data.npy", "--reference", "ref.npy"],
                       ["--a", "data.npy", "--b", "ref.npy"], ["--data", "data.npy", "--reference", "ref.npy"]]
        PropertyRun.check("model files", standard: 60, salt: 12, Self.modelCases) { model in
            try? FileManager.default.removeItem(at: url("out.json"))
            var json = models[model.model]
            for mutation in model.mutations { json = Self.mutate(json, mutation) }
            try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]).write(to: url("bad.json"))
            let before = try Self.snapshot(folder)
            let run = try CLI.runProgram(try CLI.executable(), ["eval", "--model", "bad.json"] + samples[model.model] + ["--output", "out.json"],
                                         in: folder, timeout: Self.timeLimit)
            Self.trace(model, run)
            if let problem = try Self.problem(run, folder: folder, before: before, results: ["out.json"]) { return problem }
            guard run.status == 0 else {
                return run.stderr.contains("--model bad.json") || run.stderr.contains("--delta-model") ? nil
                    : "the error does not name the model file: \(run.stderr)"
            }
            // A result: t finite, and the dof the architecture and normalisation fix (not the file's).
            let saved = try SavedModel.load(path: url("bad.json").path, label: "m")
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: url("out.json"))) as? [String: Any]
            let P = try Architecture(saved.architecture).parameterCount
            let dof = saved.test == .nplm && saved.normalisation != .observed ? P : P - 1
            guard let t = record?["t"] as? Double, t.isFinite else { return "exit 0 with t \(record?["t"] ?? "none")" }
            guard record?["dof"] as? Int == dof else { return "dof \(record?["dof"] ?? "none"), but the architecture fixes \(dof)" }
            return nil
        }
    }
}
