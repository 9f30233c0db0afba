import Foundation
import XCTest
@testable import NPLM
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// Kernel models as results (issue 22 pt 4): the kernel kind of the model-file family, `nplm eval`
/// of it, `--preprocess`, `--plots` and `--record-centres` with `--model kernel`.
final class KernelModelFileTests: XCTestCase {
    /// An NP3 toy of the 1-D benchmark: 80 expected background events, 800 reference events.
    static func samples() -> (data: EventSet, reference: EventSet) {
        let benchmark = Benchmark1D(expectedBackground: 80, referenceSize: 800, signal: .np3, signalEvents: 20)
        return (benchmark.data(seed: 3, toy: 0).events, benchmark.reference(seed: 3))
    }

    static let options = KernelOptions(widths: [0.7, 2], centres: 40, lambda: 1e-8)

    /// The engines a fit may run on here: reference, cpu, and the OpenCL device where there is one.
    static func requests() -> [BackendRequest] {
        var requests = [BackendRequest(kind: .reference), BackendRequest(kind: .cpu, threads: 2)]
        if let device = try? OpenCLTestSupport.device(), device.fp64 { requests.append(BackendRequest(kind: .opencl, device: device.index)) }
        return requests
    }

    /// Saved, read back and evaluated on the fit's samples, a kernel model gives the fit's t bit for
    /// bit on the engine the fit ran on, for each normalisation; another engine gives it to
    /// rounding, and so does the formula applied by hand to the saved f (one definition of t).
    func testSaveThenEvalGivesTheFitsTBitForBit() throws {
        let (data, reference) = Self.samples()
        let folder = try CLI.temporaryDirectory(self)
        let weightings: [(String, ReferenceWeights, [Double]?)] = [
            ("expected", .expected(80, referenceCount: reference.count), nil),
            ("observed", .observed(dataCount: data.count, referenceCount: reference.count), nil),
            ("weights", .perEvent((0..<reference.count).map { 0.05 + 0.1 * Double($0 % 3) }), (0..<reference.count).map { 0.05 + 0.1 * Double($0 % 3) }),
        ]
        for request in Self.requests() {
            for (name, weights, perEvent) in weightings {
                let context = "\(request.kind) \(name)"
                let result = try KernelFit(data: data, reference: reference, weights: weights, options: Self.options, seed: 4,
                                           backend: request).run()
                let model = try XCTUnwrap(result.model, context)
                XCTAssertEqual(model.backend, request.kind, context)
                XCTAssertEqual(model.t, result.kernel.t, context)
                XCTAssertEqual(model.normalisation, weights.normalisation, context)
                let path = folder.appendingPathComponent("\(context).json").path
                try model.write(to: path, label: "m")
                let loaded = try KernelModelFile.load(path: path, label: "m")
                XCTAssertEqual(loaded, model, context)
                guard case .kernel(let any) = try ModelFile.load(path: path, label: "m") else { return XCTFail(context) }
                XCTAssertEqual(any, model, context)
                XCTAssertEqual(try ModelFile.kind(path: path, label: "m"), .kernel)

                let evalWeights = try ReferenceWeights.forModel(loaded, modelLabel: "m", perEvent: perEvent, weightsLabel: "w",
                                                                dataCount: data.count, referenceCount: reference.count)
                XCTAssertEqual(evalWeights, weights, context)
                let engine = try BackendFactory.kernelEngine(BackendRequest(kind: loaded.backend, threads: 2, device: request.device),
                                                             dimension: 1)
                let t = try loaded.statistics(data: data, reference: reference, weights: evalWeights, engine: engine)
                XCTAssertEqual(t.map(\.bitPattern), result.kernel.t.map(\.bitPattern), "\(context): eval \(t), fit \(result.kernel.t)")

                let other = try BackendFactory.kernelEngine(request.kind == .reference ? .cpu(threads: 1) : .reference)
                let otherT = try loaded.statistics(data: data, reference: reference, weights: evalWeights, engine: other)
                XCTAssertLessThan(maxRelativeDifference(otherT, t, scale: max(1, t.map(abs).max()!)), 1e-7, "\(context): \(other.name) \(otherT)")

                // (float64 kernel values agree to an ulp or so between engines; at λ = 1e-8 the
                // coefficients are large and f = K·c cancels, so t agrees to ≈ 1e-9 relative.)
                let pooled = reference.appending(data), w = weights.kernelValues
                for width in loaded.widths.indices {
                    let f = try loaded.logRatio(pooled, width: width)
                    var byHand = 0.0
                    for i in f.indices { byHand += i < reference.count ? -w[i] * Foundation.expm1(f[i]) : f[i] }
                    XCTAssertEqual(2 * byHand, t[width], accuracy: 1e-7 * max(1, abs(t[width])), context)
                }
            }
        }
    }

    /// On new samples t is the saved f's statistic with the saved normalisation on those samples:
    /// N(R₀)/N_R with the saved N(R₀) and the new N_R.
    func testEvalOnNewSamplesUsesTheSavedNormalisation() throws {
        let (data, reference) = Self.samples()
        let model = try XCTUnwrap(try KernelFit(data: data, reference: reference, weights: .expected(80, referenceCount: reference.count),
                                                options: Self.options, seed: 4, backend: BackendRequest(kind: .reference)).run().model)
        let benchmark = Benchmark1D(expectedBackground: 80, referenceSize: 500)
        let newData = benchmark.data(seed: 9, toy: 2).events, newReference = benchmark.reference(seed: 9)
        let weights = try ReferenceWeights.forModel(model, modelLabel: "m", perEvent: nil, weightsLabel: "w", dataCount: newData.count,
                                                    referenceCount: newReference.count)
        XCTAssertEqual(weights, .expected(80, referenceCount: 500))
        let t = try model.statistics(data: newData, reference: newReference, weights: weights, engine: BackendFactory.kernelEngine(.reference))
        for width in model.widths.indices {
            let fData = try model.logRatio(newData, width: width), fReference = try model.logRatio(newReference, width: width)
            let expected = 2 * (fData.reduce(0, +) - fReference.reduce(0) { $0 + Double(weights.values[0]) * Foundation.expm1($1) })
            XCTAssertEqual(t[width], expected, accuracy: 1e-9 * max(1, abs(expected)))
        }
        XCTAssertThrowsError(try ReferenceWeights.forModel(model, modelLabel: "m", perEvent: [1, 2], weightsLabel: "w", dataCount: 1,
                                                           referenceCount: 2))
    }

    /// --preprocess: the transform is fitted on the reference, recorded in the record and the model,
    /// and the widths are in the transformed features (x/mean with σ is the raw fit with σ·mean).
    func testPreprocessingIsRecordedAndTheWidthsAreInTransformedUnits() throws {
        let (data, reference) = Self.samples()
        let (transform, prepared) = try FeatureTransform.prepare(.mean, fitOn: reference, label: "reference",
                                                                 samples: [(data, "data"), (reference, "reference")])
        let scale = try XCTUnwrap(transform).scale[0]
        let options = KernelOptions(widths: [0.5], centres: 40, lambda: 1e-6, cgTolerance: 1e-11)
        var fit = KernelFit(data: prepared[0], reference: prepared[1], weights: .expected(80, referenceCount: reference.count),
                            options: options, seed: 4, backend: BackendRequest(kind: .cpu, threads: 2))
        fit.preprocessing = transform
        let result = try fit.run()
        XCTAssertEqual(result.record.preprocessing, transform)
        let model = try XCTUnwrap(result.model)
        XCTAssertEqual(model.preprocessing, transform)
        XCTAssertEqual(try model.prepared(data, label: "data"), prepared[0])
        var raw = options
        raw.widths = [0.5 * scale]
        let rawResult = try KernelFit(data: data, reference: reference, weights: .expected(80, referenceCount: reference.count),
                                      options: raw, seed: 4, backend: BackendRequest(kind: .cpu, threads: 2)).run()
        XCTAssertEqual(result.kernel.t[0], rawResult.kernel.t[0], accuracy: 1e-4 * abs(rawResult.kernel.t[0]))
        // Evaluated on the raw samples through the saved transform: the fit's t.
        let engine = try BackendFactory.kernelEngine(.cpu(threads: 2))
        let t = try model.statistics(data: try model.prepared(data, label: "data"), reference: try model.prepared(reference, label: "reference"),
                                     weights: .expected(80, referenceCount: reference.count), engine: engine)
        XCTAssertEqual(t.map(\.bitPattern), result.kernel.t.map(\.bitPattern))
    }

    /// --record-centres: the record holds the centres' indices among the pooled events (reference
    /// first) and their features; without it the record is as before.
    func testTheRecordCarriesTheCentresWhenAsked() throws {
        let (data, reference) = Self.samples()
        var fit = KernelFit(data: data, reference: reference, weights: .expected(80, referenceCount: reference.count),
                            options: Self.options, seed: 4, backend: BackendRequest(kind: .reference))
        let plain = try fit.run()
        XCTAssertNil(plain.kernel.centreIndices)
        XCTAssertNil(plain.kernel.centreFeatures)
        fit.recordCentres = true
        let recorded = try fit.run()
        let indices = try XCTUnwrap(recorded.kernel.centreIndices), features = try XCTUnwrap(recorded.kernel.centreFeatures)
        XCTAssertEqual(indices, NystromCentres.draw(count: 40, from: reference.count + data.count, seed: 4, toy: 0))
        XCTAssertEqual(indices, recorded.model?.centreIndices)
        let pooled = reference.appending(data)
        XCTAssertEqual(features, indices.map { [Double(pooled.value(event: $0, feature: 0))] })
        XCTAssertEqual(features, recorded.model?.centres)
        XCTAssertEqual(recorded.kernel.t, plain.kernel.t)
        var stripped = recorded.kernel
        stripped.centreIndices = nil
        stripped.centreFeatures = nil
        XCTAssertEqual(try NPLMJSON.line(FitRecord(kernel: stripped, dataEvents: data.count, referenceEvents: reference.count, seed: 4)),
                       try NPLMJSON.line(plain.record))
        let line = try XCTUnwrap(String(data: try NPLMJSON.line(recorded.record), encoding: .utf8))
        XCTAssertTrue(line.contains("\"centreIndices\":[") && line.contains("\"centreFeatures\":[["), line)
        XCTAssertEqual(try NPLMJSON.decoder().decode(FitRecord.self, from: NPLMJSON.line(recorded.record)), recorded.record)
    }

    /// A damaged kernel model file is refused with one line naming what is wrong.
    func testDamagedKernelModelFilesAreRefused() throws {
        let (data, reference) = Self.samples()
        let model = try XCTUnwrap(try KernelFit(data: data, reference: reference, weights: .expected(80, referenceCount: reference.count),
                                                options: Self.options, seed: 4, backend: BackendRequest(kind: .reference)).run().model)
        let folder = try CLI.temporaryDirectory(self)
        let good = try JSONSerialization.jsonObject(with: model.encoded()) as! [String: Any]
        let cases: [(String, (inout [String: Any]) -> Void, String)] = [
            ("version", { $0["version"] = 2 }, "has kernel model format version 2; this nplm reads version 1"),
            ("another kind", { $0["format"] = "nplm-model" }, "is not a kernel model file"),
            ("missing coefficients", { $0["coefficients"] = nil }, "is not a kernel model file"),
            ("a centre of two values", { var c = $0["centres"] as! [[Double]]; c[3] = [1, 2]; $0["centres"] = c },
             "centre 3 has 2 values; the model has dimension 1"),
            ("a centre that is no float32", { var c = $0["centres"] as! [[Double]]; c[0] = [1e300]; $0["centres"] = c },
             "centre 0 holds a value that is not a finite float32"),
            ("no centres", { $0["centres"] = [[Double]](); $0["centreIndices"] = [Int](); $0["coefficients"] = [[Double](), []] }, "has no centres"),
            ("indices out of order", { $0["centreIndices"] = ($0["centreIndices"] as! [Int]).reversed() as [Int] }, "not ascending indices"),
            ("coefficients short", { var c = $0["coefficients"] as! [[Double]]; c[1].removeLast(); $0["coefficients"] = c },
             "width 1 has 39 coefficients for 40 centres"),
            ("coefficient nan", { var c = $0["coefficients"] as! [[Any]]; c[0][5] = "nan"; $0["coefficients"] = c }, "non-finite coefficients"),
            ("a width more", { $0["widths"] = [0.7, 2, 3] }, "does not give coefficients, t and jitter for each of its 3 widths"),
            ("negative width", { $0["widths"] = [-0.7, 2] }, "has a width σ that is not a positive number"),
            ("t infinite", { $0["t"] = ["inf", 1] }, "has a non-finite t"),
            ("jitter 0", { $0["jitter"] = [0, 1e-13] }, "has a jitter ε outside"),
            ("lambda", { var o = $0["options"] as! [String: Any]; o["lambda"] = -1; $0["options"] = o }, "has invalid kernel options"),
            ("no N(R0)", { $0["expectedEvents"] = nil }, "has no positive expectedEvents"),
            ("preprocessing of 2 features", {
                $0["preprocessing"] = ["method": "standardize", "features": ["standardize", "standardize"], "shift": [0, 0], "scale": [1, 1]]
            }, "has a preprocessing block that does not fit its 1 feature(s)"),
        ]
        for (name, damage, expected) in cases {
            var object = good
            damage(&object)
            let path = folder.appendingPathComponent("\(name).json").path
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try KernelModelFile.load(path: path, label: "m"), name) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("m: ") && message.contains(expected), "\(name): \(message)")
                XCTAssertFalse(message.contains("\n"), name)
            }
        }
        let truncated = folder.appendingPathComponent("truncated.json")
        try model.encoded().prefix(300).write(to: truncated)
        XCTAssertThrowsError(try KernelModelFile.load(path: truncated.path, label: "m")) { XCTAssertEqual("\($0)", "m: is not a kernel model file written by nplm fit model kernel save_model") }
        XCTAssertThrowsError(try SavedModel.load(path: truncated.path, label: "m"))
    }

    /// The engine that evaluates a kernel model must compute the saved precision; a model with
    /// float32 kernel values evaluates with float32 values (its fit's t on cpu).
    func testAFloat32ModelEvaluatesWithItsPrecision() throws {
        let (data, reference) = Self.samples()
        var options = Self.options
        options.precision = .float32
        let result = try KernelFit(data: data, reference: reference, weights: .expected(80, referenceCount: reference.count),
                                   options: options, seed: 4, backend: BackendRequest(kind: .cpu, threads: 2)).run()
        let model = try XCTUnwrap(result.model)
        XCTAssertEqual(model.options.precision, .float32)
        XCTAssertEqual(model.jitter, [1e-5, 1e-5])
        let decoded = try NPLMJSON.decoder().decode(KernelModelFile.self, from: model.encoded())
        let t = try decoded.statistics(data: data, reference: reference, weights: .expected(80, referenceCount: reference.count),
                                       engine: BackendFactory.kernelEngine(.cpu(threads: 1)))
        XCTAssertEqual(t.map(\.bitPattern), result.kernel.t.map(\.bitPattern))
    }
}
