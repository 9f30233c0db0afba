import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

final class PreprocessingTests: XCTestCase {
    /// Two features: x1 takes negative values (standardised under auto), x2 is positive (divided by
    /// its mean under auto).
    let reference = EventSet(rows: [[-1, 2], [1, 4], [3, 6], [5, 8]], dimension: 2)

    func testFitsOnTheReferenceAsNumpyDoes() throws {
        // numpy: mean = [2, 5], std (ddof 0) = [√5, √5].
        let standard = try XCTUnwrap(try FeatureTransform.fit(.standardize, reference: reference, label: "R"))
        XCTAssertEqual(standard.shift, [2, 5])
        XCTAssertEqual(standard.scale[0], 5.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(standard.features, ["standardize", "standardize"])
        let auto = try XCTUnwrap(try FeatureTransform.fit(.auto, reference: reference, label: "R"))
        XCTAssertEqual(auto.features, ["standardize", "mean"])
        XCTAssertEqual(auto.shift, [2, 0])
        XCTAssertEqual(auto.scale[1], 5)
        XCTAssertNil(try FeatureTransform.fit(.none, reference: reference, label: "R"))

        // Applied: the reference has mean 0 and std 1 per standardised feature.
        let out = try standard.apply(reference, label: "R")
        for k in 0..<2 {
            let column = (0..<4).map { Double(out.value(event: $0, feature: k)) }
            XCTAssertEqual(column.reduce(0, +) / 4, 0, accuracy: 1e-7)
            XCTAssertEqual(column.map { $0 * $0 }.reduce(0, +) / 4, 1, accuracy: 1e-6)
        }
        // Data get the reference's transform, not their own.
        let data = try auto.apply(EventSet(rows: [[2, 10]], dimension: 2), label: "D")
        XCTAssertEqual(data.features, [0, 2])
    }

    func testRefusesWhatCannotBeScaled() throws {
        let constant = EventSet(rows: [[1, 3], [2, 3], [3, 3]], dimension: 2)
        XCTAssertThrowsError(try FeatureTransform.fit(.standardize, reference: constant, label: "--reference r.npy")) {
            XCTAssertTrue("\($0)".contains("preprocess standardize: feature 2 of --reference r.npy is constant"), "\($0)")
        }
        XCTAssertThrowsError(try FeatureTransform.fit(.mean, reference: reference, label: "--reference r.npy")) {
            XCTAssertTrue("\($0)".contains("feature 1 of --reference r.npy has negative values"), "\($0)")
        }
        XCTAssertThrowsError(try FeatureTransform.fit(.auto, reference: EventSet([1]), label: "R")) {
            XCTAssertTrue("\($0)".contains("at least 2"), "\($0)")
        }
        let transform = try XCTUnwrap(try FeatureTransform.fit(.standardize, reference: reference, label: "R"))
        XCTAssertThrowsError(try transform.apply(EventSet([1, 2]), label: "--data d.npy")) {
            XCTAssertTrue("\($0)".contains("--data d.npy: has 1 feature(s) per event; the preprocessing was fitted on 2"), "\($0)")
        }
    }

    /// fit --preprocess on HDF5 samples: recorded in the result and the model; eval applies the
    /// saved transform and reproduces t; a model file with a broken transform is refused.
    func testFitRecordsTheTransformAndEvalAppliesIt() throws {
        let folder = try CLI.temporaryDirectory(self)
        var random = TestRandom(11)
        let reference = (0..<400).flatMap { _ in [random.uniform(100, 300), random.uniform(-50, 50)] }
        let data = (0..<60).flatMap { _ in [random.uniform(150, 320), random.uniform(-40, 60)] }
        let file = folder.appendingPathComponent("samples.h5").path
        try HDF5TestFile.write(file, [
            .init(name: "/sm/reference", values: reference, shape: [400, 2], element: .float32, gzip: true),
            .init(name: "/observed/data", values: data, shape: [60, 2], gzip: true),
        ])
        let common = ["--data", "samples.h5:/observed/data", "--reference", "samples.h5:/sm/reference"]
        let fit = try CLI.run(["fit"] + common + ["--architecture", "2,3,1", "--epochs", "40", "--backend", "reference",
                                                  "--preprocess", "auto", "--output", "fit.json", "--save-model", "model.json"],
                              in: folder)
        XCTAssertEqual(fit.status, 0, fit.stderr)
        XCTAssertTrue(fit.stdout.contains("preprocessing auto: x1/"), fit.stdout)
        let record = try NPLMJSON.decoder().decode(FitRecord.self, from: Data(contentsOf: folder.appendingPathComponent("fit.json")))
        let transform = try XCTUnwrap(record.preprocessing)
        XCTAssertEqual(transform.features, ["mean", "standardize"])
        let model = try SavedModel.load(path: folder.appendingPathComponent("model.json").path, label: "m")
        XCTAssertEqual(model.preprocessing, transform)
        XCTAssertEqual(model.version, 2)

        let eval = try CLI.run(["eval", "--model", "model.json", "--output", "eval.json"] + common, in: folder)
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let evalT = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("eval.json")))
            as? [String: Any])?["t"] as? Double)
        XCTAssertEqual(evalT, record.t, accuracy: 1e-9 * max(1, abs(record.t)))

        // A model whose transform does not fit its network is refused on load.
        var broken = model
        broken.preprocessing?.scale = [0, 1]
        try NPLMJSON.encoder().encode(broken).write(to: folder.appendingPathComponent("broken.json"))
        let refused = try CLI.run(["eval", "--model", "broken.json"] + common, in: folder)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--model broken.json: has a preprocessing block that does not fit"), refused.stderr)

        // Bad option values and a bad dataset: one line, no result file.
        let bad = try CLI.run(["fit"] + ["--data", "samples.h5:/observed/missing", "--reference", "samples.h5:/sm/reference",
                                         "--architecture", "2,3,1", "--epochs", "5", "--output", "bad.json"], in: folder)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--data samples.h5:/observed/missing: no dataset /observed/missing in the file (/observed holds /observed/data)"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("bad.json").path))
        let option = try CLI.run(["fit"] + common + ["--preprocess", "zscore", "--architecture", "2,3,1"], in: folder)
        XCTAssertNotEqual(option.status, 0)
        XCTAssertTrue(option.stderr.contains("--preprocess"), option.stderr)
    }
}
