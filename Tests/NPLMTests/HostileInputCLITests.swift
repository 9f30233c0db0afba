import Foundation
import XCTest
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// Issue 20, the new features under hostile use, one table per class: crashes that become one
/// line, silent wrong answers that become refusals, bad input that no longer exits 0, the δ̂
/// model known by its bytes, and messages that say what is wrong and what to do.
final class HostileInputCLITests: XCTestCase {
    static let fast = ["--epochs", "5", "--backend", "reference"]
    static let toys = ["toys", "--toys", "2", "--epochs", "5", "--reference-size", "200", "--expected", "20", "--backend", "reference"]
    static let kernel = ["toys", "--model", "kernel", "--reference-size", "300", "--expected", "30", "--widths", "1,2.5", "--centres", "30",
                         "--backend", "cpu", "--threads", "1"]

    var folder: URL!

    override func setUpWithError() throws {
        folder = try CLI.temporaryDirectory(self)
        try NpyTestFile.write((0..<300).map { -log((Double($0) + 0.5) / 300) }, shape: [300], to: url("ref.npy"))
        try NpyTestFile.write((0..<30).map { -1.3 * log((Double($0) + 0.5) / 30) }, shape: [30], to: url("data.npy"))
    }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
    func run(_ arguments: [String]) throws -> CLIRun { try CLI.run(arguments, in: folder) }
    func contents(_ name: String) -> Data? { FileManager.default.contents(atPath: url(name).path) }

    /// Runs `arguments`, which must succeed.
    @discardableResult
    func succeed(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> CLIRun {
        let result = try run(arguments)
        XCTAssertEqual(result.status, 0, "\(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }

    /// A copy of the JSON model file `name` with `edit` applied, written as `copy`.
    func edited(_ name: String, _ copy: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
        var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: try XCTUnwrap(contents(name))) as? [String: Any])
        edit(&json)
        try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]).write(to: url(copy))
        return copy
    }

    /// A saved NPLM model (expected N(R0) 30), a preprocessed one and one with nuisances.
    func writeModels() throws {
        let fit = ["fit", "--data", "data.npy", "--reference", "ref.npy"] + Self.fast
        try succeed(fit + ["--expected", "30", "--save-model", "m.json"])
        try succeed(fit + ["--preprocess", "standardize", "--save-model", "mp.json"])
        try succeed(fit + ["--expected", "30", "--nuisances", "scale,norm", "--nuisance-central", "0.05,0", "--save-model", "mn.json"])
    }

    /// A small δ̂ model of the built-in scale nuisance.
    func writeDeltaModel(_ name: String = "delta.json") throws {
        try succeed(["nuisance", "train", "--builtin", "scale", "--points", "0.15,-0.15", "--order", "1", "--events", "300",
                     "--epochs", "20", "--output", name])
    }

    // MARK: - Point 2: crashes

    /// Values no one range-checked, arrays a file declares that do not fit the others: one line,
    /// a non-zero exit, no result.
    func testCrashesBecomeOneLine() throws {
        try writeModels()
        try writeDeltaModel()
        let shortScale = try edited("mp.json", "short-scale.json") { json in
            var preprocessing = json["preprocessing"] as! [String: Any]
            preprocessing["scale"] = [Double]()
            json["preprocessing"] = preprocessing
        }
        let twoScales = try edited("mp.json", "two-scales.json") { json in
            var preprocessing = json["preprocessing"] as! [String: Any]
            preprocessing["scale"] = [1.0, 2.0]
            json["preprocessing"] = preprocessing
        }
        let shortCentral = try edited("mn.json", "short-central.json") { json in
            var nuisances = json["nuisances"] as! [String: Any]
            nuisances["central"] = [0.05]
            json["nuisances"] = nuisances
        }
        let fourthOrder = try edited("delta.json", "order4.json") { json in
            let parameters = json["parameters"] as! [[Double]]
            json["parameters"] = Array(repeating: parameters[0], count: 4)
            json["order"] = 4
        }
        let eval = ["eval", "--data", "data.npy", "--reference", "ref.npy", "--output", "out.json", "--model"]
        let cases: [([String], String)] = [
            (Self.toys + ["--nuisances", "scale", "--nuisance-truth", "1e6", "--output", "out.json"],
             "--nuisance-truth: ν* = 1e+06σ for scale is out of range: give values within ±5"),
            (Self.toys + ["--nuisances", "norm", "--nuisance-truth", "100", "--output", "out.json"], "ν* = 100σ for norm is out of range"),
            (Self.toys.map { $0 == "20" ? "1e8" : $0 } + ["--nuisances", "norm", "--nuisance-truth", "1", "--output", "out.json"],
             "more than 1e8: lower --expected"),
            (Self.toys.map { $0 == "2" ? "4000000000" : $0 } + ["--output", "out.json"], "--toys 4000000000: keeping the records"),
            (["fit", "--data", "data.npy", "--reference", "ref.npy", "--epochs", "1000000000", "--history-every", "1", "--output", "out.json"],
             "--history-every 1 records 1000000000 losses"),
            (eval + [shortScale], "--model short-scale.json: has a preprocessing block that does not fit architecture 1,4,1: it gives 0 scale(s), 1 shift(s)"),
            (eval + [twoScales], "it gives 2 scale(s), 1 shift(s)"),
            (eval + [shortCentral], "--model short-central.json: has a nuisances block that does not give one ν̂ and one fitted ν per nuisance"),
            (Self.toys + ["--nuisances", "scale", "--delta-model", fourthOrder, "--output", "out.json"],
             "--delta-model order4.json: order 4 needs at least 4 distinct nuisance points"),
            (["nuisance", "check", "--model", "delta.json", "--builtin", "scale", "--events", "300", "--bins", "1000000000000",
              "--output", "out.json"], "--bins 1000000000000 is more than the 600 S₁ events"),
            (["nuisance", "train", "--builtin", "scale", "--points", "0.1,-0.1,0.2,-0.2,0.3,-0.3,0.4,-0.4", "--events", "100000000",
              "--output", "out.json"], "1600000000 events needs about"),
            (["nuisance", "check", "--model", "delta.json", "--builtin", "scale", "--events", "100000000",
              "--points", "0.1,-0.1,0.2,-0.2,0.3,-0.3,0.4,-0.4", "--output", "out.json"],
             "--events 100000000: the built-in samples (2 × 8 points × 100000000 events) needs about"),
            (["calibrate", "--toys", "2,4000000000", "--epochs", "3", "--reference-size", "200", "--expected", "20"],
             "keeping t of 4000000000 toys at each of up to"),
            (["calibrate", "--points", "1000000000000", "--epochs", "3", "--reference-size", "200", "--expected", "20"], "use fewer toys or --points"),
            (["crossval", "--toys", "4000000000", "--epochs", "3", "--reference-size", "200", "--expected", "20"],
             "a batch of 4000000000 fits of architecture 1,4,1"),
        ]
        for (arguments, expected) in cases {
            assertOneLineRefusal(try run(arguments), expected, arguments.joined(separator: " "))
            XCTAssertNil(contents("out.json"), arguments.joined(separator: " "))
        }
        // The library refuses the same lists, whoever decoded them.
        let transform = FeatureTransform(method: .standardize, features: ["standardize"], shift: [0], scale: [1])
        var broken = transform
        broken.scale = []
        XCTAssertThrowsError(try broken.apply(EventSet([1, 2]), label: "x")) { XCTAssertTrue("\($0)".contains("0 scale(s) for 1 shift(s)"), "\($0)") }
        XCTAssertNoThrow(try transform.apply(EventSet([1, 2]), label: "x"))
        // nplm bench runs in release builds only: its sizes are checked in the library.
        XCTAssertThrowsError(try BenchWorkload.oneD.checkSize(fits: 4_000_000_000, referenceSize: 100)) {
            XCTAssertTrue("\($0)".contains("a batch of 4000000000 fits"), "\($0)")
        }
        XCTAssertThrowsError(try BenchWorkload.fiveD.checkSize(fits: 1, referenceSize: 100_000_000_000))
        XCTAssertNoThrow(try BenchWorkload.oneDNuisance.checkSize(fits: 2, referenceSize: 1000))
        XCTAssertThrowsError(try KernelBenchMeasurement.measure(engine: .reference, referenceSize: 1000, centres: 10, toys: 4_000_000_000,
                                                                repeats: 1)) { XCTAssertTrue("\($0)".contains("kernel_toys"), "\($0)") }
    }

    // MARK: - Point 3: silent wrong answers

    /// `fit --model kernel --null` and `report --null` refuse, by one check, a null campaign that
    /// differs in anything but the seed and the toy count; `eval` takes the dof from the
    /// architecture and normalisation, not from the file.
    func testWrongNullCampaignsAndDofAreRefused() throws {
        try succeed(Self.kernel + ["--toys", "4", "--output", "null.jsonl"])
        try succeed(Self.kernel + ["--toys", "3", "--seed", "9", "--output", "other-seed.jsonl"])
        let variants: [(String, [String], String)] = [
            ("signal", ["--signal", "NP3"], "has a signal (NP3"),
            ("lambda", ["--lambda", "1e-5"], "differs in λ (1e-05, not 1e-06)"),
            ("centres", ["--centres", "31"], "differs in M, the centres (31, not 30)"),
            ("expected", ["--expected", "31"], "differs in sample sizes (N(R0) 31 and N_R 300, not 30 and 300)"),
            ("reference", ["--reference-size", "301"], "differs in sample sizes (N(R0) 30 and N_R 301, not 30 and 300)"),
            ("newton", ["--newton-steps", "2"], "differs in Newton steps (2, not 1)"),
            ("cg", ["--cg-tolerance", "1e-5"], "differs in conjugate-gradient settings"),
            ("cgmax", ["--cg-max-iterations", "7"], "differs in conjugate-gradient settings"),
            ("widths", ["--widths", "1,2"], "differs in kernel widths (1,2, not 1,2.5)"),
        ]
        let fit = ["fit", "--model", "kernel", "--data", "data.npy", "--reference", "ref.npy", "--expected", "30", "--widths", "1,2.5",
                   "--centres", "30", "--backend", "cpu", "--threads", "1", "--output", "out.json", "--null"]
        for (name, options, expected) in variants {
            var arguments = Self.kernel + ["--toys", "2", "--output", "\(name).jsonl"]
            for k in stride(from: 0, to: options.count, by: 2) {
                if let i = arguments.firstIndex(of: options[k]) { arguments[i + 1] = options[k + 1] } else { arguments += [options[k], options[k + 1]] }
            }
            try succeed(arguments)
            assertOneLineRefusal(try run(fit + ["\(name).jsonl"]), expected, "fit --null \(name)")
            XCTAssertNil(contents("out.json"), name)
            if name != "signal" {
                // The same check in report --null, of a signal campaign against this null.
                assertOneLineRefusal(try run(["report", "signal.jsonl", "--null", "\(name).jsonl"]), expected, "report --null \(name)")
            }
        }
        // The null campaign of the fit's set-up (any seed, any toy count) gives p-values.
        for null in ["null.jsonl", "other-seed.jsonl"] {
            let accepted = try succeed(fit + [null])
            XCTAssertTrue(accepted.stdout.contains("empirical p = "), accepted.stdout)
            try FileManager.default.removeItem(at: url("out.json"))
        }
        // Observed normalisation: N(R0) is the data count (30 here), as in the null campaign.
        var observed = fit
        observed.removeSubrange(observed.firstIndex(of: "--expected")!...observed.firstIndex(of: "--expected")! + 1)
        try succeed(observed + ["null.jsonl"])
        try FileManager.default.removeItem(at: url("out.json"))
        assertOneLineRefusal(try run(fit.map { $0 == "30" ? "29" : $0 } + ["null.jsonl"]), "differs in")

        // eval: a dof written in the file that the architecture does not give is refused; the
        // printed and recorded dof is the architecture's.
        try writeModels()
        let tampered = try edited("m.json", "tampered.json") { $0["dof"] = 3 }
        let eval = ["eval", "--data", "data.npy", "--reference", "ref.npy", "--model"]
        assertOneLineRefusal(try run(eval + [tampered, "--output", "out.json"]),
                             "--model tampered.json: says dof = 3, but a nplm model of architecture 1,4,1 with expected normalisation has dof = 13")
        XCTAssertNil(contents("out.json"))
        let good = try succeed(eval + ["mp.json", "--output", "eval.json"])
        XCTAssertTrue(good.stdout.contains("dof = 12,"), good.stdout)
        let record = try JSONSerialization.jsonObject(with: try XCTUnwrap(contents("eval.json"))) as? [String: Any]
        XCTAssertEqual(record?["dof"] as? Int, 12)
    }

    // MARK: - Point 4: bad input that exited 0

    func testBadInputNoLongerExitsZero() throws {
        try writeModels()
        let hugeExpected = try edited("m.json", "huge-expected.json") { $0["expectedEvents"] = 1e300 }
        let tinyExpected = try edited("m.json", "tiny-expected.json") { $0["expectedEvents"] = 1e-300 }
        let hugeNu = try edited("mn.json", "huge-nu.json") { json in
            var nuisances = json["nuisances"] as! [String: Any]
            nuisances["tauNuisances"] = [1e300, 0.0]
            json["nuisances"] = nuisances
        }
        let hugeCentral = try edited("mn.json", "huge-central.json") { json in
            var nuisances = json["nuisances"] as! [String: Any]
            nuisances["central"] = [1e300, 0.0]
            json["nuisances"] = nuisances
        }
        let eval = ["eval", "--data", "data.npy", "--reference", "ref.npy", "--output", "out.json", "--model"]
        let fit = ["fit", "--data", "data.npy", "--reference", "ref.npy", "--output", "out.json"] + Self.fast
        let kernelFit = ["fit", "--model", "kernel", "--data", "data.npy", "--reference", "ref.npy", "--widths", "1", "--centres", "30",
                         "--output", "out.json"]
        let train = ["nuisance", "train", "--builtin", "scale", "--events", "300", "--epochs", "5", "--output", "out.json"]
        let cases: [([String], String)] = [
            (eval + [hugeExpected], "--model huge-expected.json: its expectedEvents must be at most 1e8 events, got 1e+300"),
            (eval + [tinyExpected], "--model tiny-expected.json: its expectedEvents must be at least 1e-6 events"),
            (eval + [hugeNu], "--model huge-nu.json: gives t = "),
            (eval + [hugeCentral], "--model huge-central.json: its nuisances block: ν̂ = 1e+300"),
            (fit + ["--expected", "1e-300"], "--expected must be at least 1e-6 events, got 1e-300"),
            (Self.toys.map { $0 == "20" ? "1e-300" : $0 } + ["--output", "out.json"], "--expected must be at least 1e-6 events"),
            (Self.kernel + ["--toys", "2", "--widths", "1,1", "--output", "out.json"], "--widths: σ = 1.0 is given twice"),
            (Self.kernel + ["--toys", "2", "--epochs", "50", "--output", "out.json"],
             "--epochs trains the network; --model kernel does not use it (it would only change the campaign hash)"),
            (Self.kernel + ["--toys", "2", "--clip", "1", "--learning-rate", "0.1", "--output", "out.json"], "--clip, --learning-rate train the network"),
            (Self.kernel + ["--toys", "2", "--architecture", "1,8,1", "--output", "out.json"], "--architecture trains the network"),
            (kernelFit + ["--epochs", "50"], "--epochs trains the network; --model kernel does not use it: leave it out"),
            (train + ["--points", "0.1,-0.1", "--order", "4"], "order 4 needs at least 4 distinct nuisance points"),
            (train + ["--points", "1e300,-1e300"], "--points: nuisance point 1e+300 is out of range: give points within ±5"),
            (Self.toys + ["--nuisances", "scale", "--nuisance-truth", "5.5", "--output", "out.json"], "ν* = 5.5σ for scale is out of range"),
            (Self.toys + ["--nuisances", "scale,norm", "--nuisance-sigma", "2", "--nuisance-truth", "0,3", "--output", "out.json"],
             "ν* = 3σ for norm is out of range: give values within ±2.5 (in units of σ = 2)"),
            (fit + ["--nuisances", "scale", "--nuisance-central", "1e6"], "--nuisance-central: ν̂ = 1e+06 (6.66667e+06σ) for scale is out of range: give values within ±0.75"),
            (fit + ["--nuisances", "scale", "--nuisance-central", "-inf"], "--nuisance-central: '-inf' is not a finite number"),
            (Self.toys + ["--signal-events", "5", "--output", "out.json"], "--signal-events sets N_S of a --signal"),
            (["toys", "--preset", "symmetric", "--size-a", "20", "--size-b", "20", "--signal-events", "5", "--toys", "1", "--output", "out.json"],
             "--signal-events sets N_S of a --signal"),
        ]
        for (arguments, expected) in cases {
            assertOneLineRefusal(try run(arguments), expected, arguments.joined(separator: " "))
            XCTAssertNil(contents("out.json"), arguments.joined(separator: " "))
        }
        // The library checks N(R0) and the weights itself, not only the command line.
        let tiny = ReferenceWeights.expected(1e-300, referenceCount: 300)
        XCTAssertThrowsError(try tiny.validate())
        let fitOfTiny = NPLMFit(architecture: try Architecture([1, 4, 1]), data: EventSet([1, 2]), reference: EventSet([1, 2, 3]),
                                weights: .expected(1e-300, referenceCount: 3), training: TrainingOptions(epochs: 2))
        XCTAssertThrowsError(try fitOfTiny.run()) { XCTAssertTrue("\($0)".contains("at least 1e-6"), "\($0)") }
        XCTAssertThrowsError(try ReferenceWeights.perEvent([1e-300, 1e-300]).validate()) { XCTAssertTrue("\($0)".contains("reference_weights"), "\($0)") }
        XCTAssertNoThrow(try ReferenceWeights.expected(1e-6, referenceCount: 100_000_000 / 1000).validate())
        XCTAssertThrowsError(try KernelOptions(widths: [2, 1, 2]).validate())
        XCTAssertThrowsError(try DeltaNetworks.checkOrder(3, points: [0.1, -0.1]))
        XCTAssertNoThrow(try DeltaNetworks.checkOrder(2, points: [0.1, -0.1]))
    }

    /// A fit that ends far below any attainable t (learning rate 10) is flagged like a divergence;
    /// a short, normal fit with a slightly negative t is not; the report's columns never run together.
    func testRunawayFitsAreFlaggedAndReportColumnsStaySeparate() throws {
        let fit = ["fit", "--data", "data.npy", "--reference", "ref.npy", "--expected", "30", "--epochs", "300", "--backend", "reference"]
        let runaway = try succeed(fit + ["--learning-rate", "10", "--output", "runaway.json"])
        XCTAssertTrue(runaway.stdout.contains("NPLM t = inf (diverged at epoch 300: no meaningful t; lower --learning-rate"), runaway.stdout)
        let record = try JSONSerialization.jsonObject(with: try XCTUnwrap(contents("runaway.json"))) as? [String: Any]
        XCTAssertEqual(record?["diverged"] as? Bool, true)
        XCTAssertEqual(record?["divergedAtEpoch"] as? Int, 300)
        let normal = try succeed(["fit", "--data", "data.npy", "--reference", "ref.npy", "--expected", "30", "--epochs", "20",
                                  "--backend", "reference", "--output", "normal.json"])
        XCTAssertFalse(normal.stdout.contains("diverged"), normal.stdout)
        let normalRecord = try JSONSerialization.jsonObject(with: try XCTUnwrap(contents("normal.json"))) as? [String: Any]
        XCTAssertEqual(normalRecord?["diverged"] as? Bool, false)
        XCTAssertLessThan(try XCTUnwrap(normalRecord?["t"] as? Double), 0, "a short fit's t may be negative and is not flagged")

        try succeed(["toys", "--toys", "4", "--epochs", "300", "--history-every", "100", "--reference-size", "300", "--expected", "30",
                     "--learning-rate", "10", "--backend", "reference", "--output", "lr10.jsonl"])
        let records = try CampaignFile.read(url("lr10.jsonl").path)
        XCTAssertGreaterThan(records.filter(\.diverged).count, 0)
        for record in records where !record.diverged { XCTAssertGreaterThan(record.t, -360, "unflagged t far below 0") }
        let report = try succeed(["report", "lr10.jsonl"])
        XCTAssertTrue(report.stdout.contains("diverged: toys"), report.stdout)
        for line in report.stdout.split(separator: "\n") where line.contains("   ") {
            XCTAssertNil(line.range(of: #"[0-9.]-[0-9]"#, options: .regularExpression), "columns run together: \(line)")
        }

        // The rule itself: t below min(0, t₀) by more than the loss scale.
        XCTAssertTrue(TestStatistic.isBelowAttainable(finalLoss: 5000, initialLoss: 10, scale: 330))
        XCTAssertFalse(TestStatistic.isBelowAttainable(finalLoss: 100, initialLoss: 10, scale: 330))
        XCTAssertFalse(TestStatistic.isBelowAttainable(finalLoss: 900, initialLoss: 1000, scale: 330), "a short fit from a bad start")
        XCTAssertFalse(TestStatistic.isBelowAttainable(finalLoss: .infinity, initialLoss: 0, scale: 330), "a divergence is flagged already")
        let batch = FitBatch.nplm(architecture: try Architecture([1, 4, 1]), reference: EventSet([1, 2, 3, 4]),
                                  referenceWeights: [0.5, 0.5, 0.5, 0.5], data: [EventSet([1, 2, 3])])
        XCTAssertEqual(batch.lossScale(fit: 0), 2 + 3)
    }

    // MARK: - Point 5: the δ̂ model known by its bytes

    func testTheDeltaModelIsKnownByItsBytesNotItsPath() throws {
        try writeDeltaModel()
        try FileManager.default.createDirectory(at: url("elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: url("delta.json"), to: url("elsewhere/copy.json"))
        let toys = Self.toys + ["--nuisances", "scale", "--toys", "3"]
        // Shards made with differently spelled paths merge into the single run's file.
        try succeed(toys + ["--delta-model", "delta.json", "--shard", "0/2", "--output", "s0.jsonl"])
        try succeed(toys + ["--delta-model", "./delta.json", "--shard", "1/2", "--output", "s1.jsonl"])
        try succeed(toys + ["--delta-model", "elsewhere/copy.json", "--output", "whole.jsonl"])
        try succeed(["merge", "s0.jsonl", "s1.jsonl", "--output", "merged.jsonl"])
        XCTAssertEqual(contents("merged.jsonl"), contents("whole.jsonl"))
        // A campaign made with delta.json resumes with ./delta.json or a copy.
        try succeed(toys.map { $0 == "3" ? "2" : $0 } + ["--delta-model", "delta.json", "--output", "c.jsonl"])
        let resumed = try succeed(toys + ["--delta-model", "./delta.json", "--output", "c.jsonl"])
        XCTAssertTrue(resumed.stderr.contains("2 of the shard's 3 toys are already done"), resumed.stderr)
        XCTAssertEqual(contents("c.jsonl"), contents("whole.jsonl"))
        // Other bytes are another campaign.
        var other = try XCTUnwrap(contents("delta.json"))
        other.append(contentsOf: Array("\n".utf8))
        try other.write(to: url("other.json"))
        assertOneLineRefusal(try run(toys.map { $0 == "3" ? "4" : $0 } + ["--delta-model", "other.json", "--output", "c.jsonl"]),
                             "configuration hash mismatch", "a δ̂ model with other bytes")
    }

    // MARK: - Point 6: messages

    func testMessagesSayWhatIsWrongAndWhatToDo() throws {
        try writeModels()
        try writeDeltaModel()
        try FileManager.default.createDirectory(at: url("folder"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url("dangling").path, withDestinationPath: "nowhere/plots")
        for s in [0, 2] { try succeed(Self.toys.map { $0 == "2" ? "6" : $0 } + ["--shard", "\(s)/3", "--output", "s\(s).jsonl"]) }
        let order7 = try edited("mn.json", "order7.json") { json in
            var nuisances = json["nuisances"] as! [String: Any], settings = nuisances["settings"] as! [String: Any]
            settings["shapeOrder"] = 7
            nuisances["settings"] = settings
            json["nuisances"] = nuisances
        }
        let negativeSigma = try edited("mn.json", "sigma.json") { json in
            var nuisances = json["nuisances"] as! [String: Any], settings = nuisances["settings"] as! [String: Any]
            settings["scaleSigma"] = -1
            nuisances["settings"] = settings
            json["nuisances"] = nuisances
        }
        let noHash = try edited("mn.json", "no-hash.json") { json in
            var nuisances = json["nuisances"] as! [String: Any], settings = nuisances["settings"] as! [String: Any]
            settings["shapeOrder"] = nil
            settings["deltaModel"] = "delta.json"
            nuisances["settings"] = settings
            json["nuisances"] = nuisances
        }
        // δ̂ networks whose coefficients overflow float32 on these events.
        let overflowing = try edited("delta.json", "overflow.json") { json in
            json["parameters"] = (json["parameters"] as! [[Double]]).map { $0.map { _ in 1e38 } }
        }
        let eval = ["eval", "--data", "data.npy", "--reference", "ref.npy", "--output", "out.json", "--model"]
        let fit = ["fit", "--data", "data.npy", "--reference", "ref.npy", "--output", "out.json"] + Self.fast
        let cases: [([String], String)] = [
            (["report", "folder"], "folder: is a folder, not a campaign file (the JSON lines of `nplm toys --output`): give the file itself"),
            (["report", "dangling"], "dangling: is a symbolic link to nowhere/plots, which does not exist"),
            (["report", "missing.jsonl"], "missing.jsonl: no such file"),
            (["merge", "s0.jsonl", "folder", "--output", "out.json"], "folder: is a folder, not a shard file"),
            (Self.kernel + ["--toys", "2", "--widths", "1e-300", "--output", "out.json"],
             "--widths: σ = 1e-300 is too small for the events' scale"),
            (["fit", "--model", "kernel", "--data", "data.npy", "--reference", "ref.npy", "--widths", "1e-170", "--output", "out.json"],
             "is too small for the events' scale"),
            (fit + ["--plots", "dangling"], "--plots dangling is a symbolic link to nowhere/plots, which does not exist: create that folder"),
            (fit + ["--plots", ""], "--plots needs a folder name"),
            (eval + [order7], "--model order7.json: has a nuisances block with shapeOrder 7; a shape effect has order 1 to 4"),
            (eval + [negativeSigma], "--model sigma.json: has a nuisances block whose σ of scale is -1.0"),
            (eval + [noHash], "--model no-hash.json: has a nuisances block that names the δ̂ model delta.json without the hash"),
            (Self.toys + ["--nuisances", "scale", "--delta-model", overflowing, "--output", "out.json"],
             "δ_1 of the δ̂ model --delta-model overflow.json is"),
        ]
        for (arguments, expected) in cases {
            assertOneLineRefusal(try run(arguments), expected, arguments.joined(separator: " "))
            XCTAssertNil(contents("out.json"), arguments.joined(separator: " "))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url("nowhere").path), "the dangling link's target is not created")
        // merge of 2 of 3 shards names the missing shard, not only its toys.
        let merged = try succeed(["merge", "s0.jsonl", "s2.jsonl", "--output", "m.jsonl"])
        XCTAssertTrue(merged.stdout.contains("missing shard 1/3: none of its toys is in these files"), merged.stdout)
        XCTAssertTrue(merged.stdout.contains("missing 2 toys: 1, 4"), merged.stdout)
        // An unreadable file says so (not testable as root, who reads every file).
        if geteuid() != 0 {
            try Data("x\n".utf8).write(to: url("secret.jsonl"))
            chmod(url("secret.jsonl").path, 0)
            assertOneLineRefusal(try run(["report", "secret.jsonl"]), "check its permissions")
        }
        XCTAssertTrue(InputFile.unreadable(url("folder").path, expected: "a model file").description.contains("is a folder, not a model file"))
    }
}
