import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The model-file family: every file nplm wrote before the family existed (Tests/ModelFileFixtures,
/// written at fef98e6), and the first kernel model file, is read by its kind's reader and by
/// `ModelFile.load`, and encodes again to its own bytes; the models evaluate to the t their fits saved.
final class ModelFileFormatTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ModelFileFixtures")

    static func path(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    static let network: [(file: String, version: Int, test: ModelTest)] = [
        ("network-v1-nplm.json", 1, .nplm), ("network-v2-nplm.json", 2, .nplm), ("network-v2-nplm-preprocessing.json", 2, .nplm),
        ("network-v2-symmetrized.json", 2, .symmetrized), ("network-v2-crossentropy.json", 2, .crossentropy),
        ("network-v3-nuisances-exact.json", 3, .nplm), ("network-v3-nuisances-delta.json", 3, .nplm),
    ]
    static let shapeEffects = ["shape-effect-v1.json", "shape-effect-v1-order2.json", "shape-effect-v1-clipping-history.json"]
    /// Written by the first nplm with kernel models (see the fixtures' README).
    static let kernels = ["kernel-v1-preprocessing.json"]

    func testEveryFormerFileLoadsAndEncodesToItsBytes() throws {
        for (file, version, test) in Self.network {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.path(file)))
            let model = try SavedModel.load(path: Self.path(file), label: "\(file)")
            XCTAssertEqual(model.version, version, file)
            XCTAssertEqual(model.test, test, file)
            XCTAssertEqual(model.nuisances != nil, version == 3, file)
            XCTAssertEqual(try model.encoded(), bytes, file)
            let any = try ModelFile.load(path: Self.path(file), label: "\(file)")
            XCTAssertEqual(any.kind, .network, file)
            XCTAssertEqual(any.header, ModelFileHeader(format: "nplm-model", version: version), file)
            guard case .network(let same) = any else { return XCTFail(file) }
            XCTAssertEqual(same, model, file)
            XCTAssertEqual(try any.encoded(), bytes, file)
        }
        for file in Self.shapeEffects {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.path(file)))
            let model = try DeltaModelFile.load(path: Self.path(file), label: "\(file)")
            XCTAssertEqual(try model.encoded(), bytes, file)
            let any = try ModelFile.load(path: Self.path(file), label: "\(file)")
            XCTAssertEqual(any.header, ModelFileHeader(format: "nplm-shape-effect", version: 1), file)
            guard case .shapeEffect(let same) = any else { return XCTFail(file) }
            XCTAssertEqual(same, model, file)
            XCTAssertEqual(try any.encoded(), bytes, file)
        }
        for file in Self.kernels {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.path(file)))
            let model = try KernelModelFile.load(path: Self.path(file), label: "\(file)")
            XCTAssertEqual(try model.encoded(), bytes, file)
            let any = try ModelFile.load(path: Self.path(file), label: "\(file)")
            XCTAssertEqual(any.header, ModelFileHeader(format: "nplm-kernel-model", version: 1), file)
            guard case .kernel(let same) = any else { return XCTFail(file) }
            XCTAssertEqual(same, model, file)
            XCTAssertEqual(try any.encoded(), bytes, file)
        }
        XCTAssertEqual(ModelKind.allCases.map(\.readableVersions), [1...3, 1...1, 1...1])
    }

    /// Each kind's reader refuses the other kind with the line it always gave; `ModelFile.load`
    /// refuses what is no model file.
    func testAKindRefusesTheOthers() throws {
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        let network = Self.path("network-v2-nplm.json"), shape = Self.path("shape-effect-v1.json")
        XCTAssertEqual(message { _ = try SavedModel.load(path: shape, label: "m") }, "m: is not a model file written by nplm fit save_model")
        XCTAssertEqual(message { _ = try DeltaModelFile.load(path: network, label: "d") }, "d: is not a δ̂ model file written by nplm nuisance train")
        let kernel = Self.path("kernel-v1-preprocessing.json")
        XCTAssertEqual(message { _ = try SavedModel.load(path: kernel, label: "m") }, "m: is not a model file written by nplm fit save_model")
        XCTAssertEqual(message { _ = try KernelModelFile.load(path: network, label: "k") },
                       "k: is not a kernel model file written by nplm fit model kernel save_model")
        XCTAssertEqual(message { _ = try ModelFile.load(path: Self.fixtures.appendingPathComponent("README.md").path, label: "r") },
                       "r: is not a model file written by nplm (fit save_model or nuisance train)")
        XCTAssertEqual(message { _ = try ModelFile.load(path: Self.path("none.json"), label: "n") }, "n: no such file")
    }

    /// The saved models of fits on the reference engine evaluate to their saved t, τ and Δ, bit for
    /// bit, on the fits' samples.
    func testFormerModelsEvaluateToTheirT() throws {
        let (data, reference) = NuisanceFitTests.samples()
        let weights = ReferenceWeights.expected(60, referenceCount: reference.count).values
        for file in ["network-v3-nuisances-exact.json", "network-v3-nuisances-delta.json"] {
            let model = try SavedModel.load(path: Self.path(file), label: "\(file)")
            let nuisances = try XCTUnwrap(model.nuisances)
            let weights = try ReferenceWeights.forModel(model, modelLabel: "\(file)", perEvent: nil, weightsLabel: "w", dataCount: data.count,
                                                        referenceCount: reference.count).values
            let statistic = try model.nuisanceStatistic(data: data, reference: reference, weights: weights,
                                                        deltaModel: nuisances.settings.deltaModel == nil ? nil : Self.path("shape-effect-v1-order2.json"),
                                                        label: "\(file)", dataLabel: "data", referenceLabel: "reference")
            XCTAssertEqual(statistic.tau, nuisances.tau, file)
            XCTAssertEqual(statistic.delta, nuisances.delta, file)
            XCTAssertEqual(statistic.t, model.t, file)
        }
        let model = try SavedModel.load(path: Self.path("network-v2-nplm-preprocessing.json"), label: "m")
        XCTAssertEqual(try model.nplmStatistic(data: try model.prepared(data, label: "data"), reference: try model.prepared(reference, label: "reference"),
                                               weights: weights), model.t)
        let kernel = try KernelModelFile.load(path: Self.path("kernel-v1-preprocessing.json"), label: "k")
        XCTAssertEqual(kernel.backend, .reference)
        let t = try kernel.statistics(data: try kernel.prepared(data, label: "data"), reference: try kernel.prepared(reference, label: "reference"),
                                      weights: .expected(60, referenceCount: reference.count), engine: BackendFactory.kernelEngine(.reference))
        XCTAssertEqual(t.map(\.bitPattern), kernel.t.map(\.bitPattern))
    }
}
