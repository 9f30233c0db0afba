import Foundation
import XCTest
@testable import NPLM
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// Null toys of a user's own reference sample (`nplm toys --reference`): a campaign named by the
/// events, not the file; its toys are `SampleToyBenchmark`'s; `nplm fit --null` takes it for fits
/// against those events and refuses it for others.
final class UserSampleToysTests: XCTestCase {
    static let reference = Benchmark1D(expectedBackground: 40, referenceSize: 400).reference(seed: 3)
    static let training = TrainingOptions(epochs: 30, clipping: WeightClipping(bound: 9))

    func request(_ folder: URL, file: String = "reference.npy") throws -> ToyCampaignRequest {
        var request = ToyCampaignRequest()
        request.reference = .file(folder.appendingPathComponent(file).path, parameter: .reference)
        request.expected = 40
        request.toys = 4
        request.training.epochs = 30
        request.training.clip = 9
        request.training.backend = .reference
        return request
    }

    func write(_ folder: URL) throws {
        try NumpyWriter.float32(Self.reference).write(to: folder.appendingPathComponent("reference.npy"))
        let csv = "x\n" + Self.reference.features.map { String(format: "%.9g", Double($0)) }.joined(separator: "\n") + "\n"
        try csv.write(to: folder.appendingPathComponent("copy.csv"), atomically: true, encoding: .utf8)
    }

    /// The configuration names the events: the same from .npy and .csv, through JSON and back;
    /// the toys are SampleToyBenchmark's, against the reference with weights N(R0)/N_R.
    func testTheCampaignIsNamedByTheEventsAndDrawsSampleToys() throws {
        let folder = try CLI.temporaryDirectory(self)
        try write(folder)
        let configuration = try request(folder).configuration()
        XCTAssertEqual(configuration.hash, try request(folder, file: "copy.csv").configuration().hash)
        let json = String(decoding: configuration.canonicalJSON, as: UTF8.self)
        XCTAssertTrue(json.contains(#""userReference":{"dimension":1,"expectedBackground":40,"reference":"\#(UserSampleToys.hash(Self.reference))","referenceSize":400}"#), json)
        let decoded = try NPLMJSON.decoder().decode(CampaignConfiguration.self, from: configuration.canonicalJSON)
        XCTAssertEqual(decoded, configuration)
        XCTAssertNil(decoded.userSample?.loaded)
        XCTAssertNil(LogRatioPlots.fileName(campaign: decoded))
        let toys = try SampleToyBenchmark(expectedBackground: 40, reference: Self.reference)
        let records = try CampaignRunner(configuration: configuration, backend: BackendRequest(kind: .reference)).train(toys: [0, 2], shard: .whole)
        XCTAssertEqual(records.map(\.dataEvents), [0, 2].map { toys.data(seed: 1, toy: UInt32($0)).events.count })
        // Toy 0 (a fit's network starts from (seed, toy 0)) by hand.
        let byHand = try NPLMFit(architecture: configuration.architecture, data: toys.data(seed: 1, toy: 0).events, reference: Self.reference,
                                 weights: .expected(40, referenceCount: 400), training: Self.training, seed: 1,
                                 backend: BackendRequest(kind: .reference)).run()
        XCTAssertEqual(records[0].finalParameters, byHand.record.finalParameters)
    }

    /// A fit's null check: the same events pass, other events are named, and so are other sizes.
    func testTheNullCheckComparesTheReferenceEvents() throws {
        let folder = try CLI.temporaryDirectory(self)
        try write(folder)
        let configuration = try request(folder).configuration()
        var null = try CampaignRunner(configuration: configuration, backend: BackendRequest(kind: .reference)).train(toys: [0, 1], shard: .whole)
        null = null.map { var record = $0; record.campaign = configuration.hash; return record }
        let architecture = configuration.architecture
        XCTAssertNoThrow(try CampaignConfiguration.checkNull(null, nullFile: "null.jsonl", architecture: architecture, training: Self.training,
                                                             expected: 40, reference: Self.reference))
        let other = Benchmark1D(expectedBackground: 40, referenceSize: 400).reference(seed: 4)
        XCTAssertThrowsError(try CampaignConfiguration.checkNull(null, nullFile: "null.jsonl", architecture: architecture,
                                                                 training: Self.training, expected: 40, reference: other)) { error in
            XCTAssertTrue("\(error)".contains("it differs in the reference sample (its toys were drawn against other events"), "\(error)")
            XCTAssertTrue("\(error)".contains("this fit's reference as reference and N(R0) as expected"), "\(error)")
        }
        XCTAssertThrowsError(try CampaignConfiguration.checkNull(null, nullFile: "null.jsonl", architecture: architecture,
                                                                 training: Self.training, expected: 50, reference: Self.reference)) { error in
            XCTAssertTrue("\(error)".contains("sample sizes (N(R0) 40 and N_R 400, not 50 and 400)"), "\(error)")
        }
    }

    /// The kernel model on toys of a 4-feature reference: toy 0 is the fit of its data with the
    /// campaign's seed; the fit's null check takes the campaign for the same reference only.
    func testKernelToysOfAFourFeatureReference() throws {
        let folder = try CLI.temporaryDirectory(self)
        let events = try GaussianMixtureBenchmark(dimension: 4, expectedBackground: 40, referenceSize: 300)
        let reference = events.reference(seed: 2)
        try NumpyWriter.float32(reference).write(to: folder.appendingPathComponent("four.npy"))
        var request = ToyCampaignRequest()
        request.reference = .file(folder.appendingPathComponent("four.npy").path, parameter: .reference)
        request.expected = 40
        request.model = .kernel
        request.kernel.widths = [1.5]
        request.kernel.centres = 30
        try request.validate()
        let configuration = try request.configuration()
        XCTAssertEqual(try NPLMJSON.decoder().decode(CampaignConfiguration.self, from: configuration.canonicalJSON), configuration)
        XCTAssertEqual(configuration.kernel?.widths, [1.5])
        var null = try CampaignRunner(configuration: configuration, backend: BackendRequest(kind: .reference)).train(toys: [0, 1], shard: .whole)
        null = null.map { var record = $0; record.campaign = configuration.hash; return record }
        let data = configuration.userSample!.data(seed: 1, toy: 0).events
        let fit = KernelFit(data: data, reference: reference, weights: .expected(40, referenceCount: 300), options: configuration.kernel!,
                            seed: 1, backend: BackendRequest(kind: .reference))
        let result = try fit.run(null: (null, "null.jsonl"))
        XCTAssertEqual(result.kernel.t, null[0].kernel?.t)
        var other = fit
        other.reference = events.reference(seed: 3)
        XCTAssertThrowsError(try other.run(null: (null, "null.jsonl"))) { error in
            XCTAssertTrue("\(error)".contains("it differs in the reference sample"), "\(error)")
        }
    }

    /// A weighted reference: N(R0) is the float32 weights' sum, as a fit's; the null check takes
    /// fits with those weights and names uniform ones.
    func testAWeightedReference() throws {
        let folder = try CLI.temporaryDirectory(self)
        try write(folder)
        let weights = (0..<400).map { Double($0 % 7 + 1) * 0.03 }
        try NumpyWriter.float32(EventSet(weights.map(Float.init))).write(to: folder.appendingPathComponent("w.npy"))
        var request = try request(folder)
        request.referenceWeights = .file(folder.appendingPathComponent("w.npy").path, parameter: .referenceWeights)
        XCTAssertThrowsError(try request.validate()) { XCTAssertTrue("\($0)".contains("expected and reference_weights both set N(R0)"), "\($0)") }
        request.expected = nil
        try request.validate()
        let configuration = try request.configuration()
        let fitWeights = ReferenceWeights.perEvent(weights)
        XCTAssertEqual(configuration.userSample?.expectedBackground, fitWeights.total)
        XCTAssertEqual(configuration.userSample?.loaded?.referenceWeights, fitWeights.values)
        var null = try CampaignRunner(configuration: configuration, backend: BackendRequest(kind: .reference)).train(toys: [0, 1], shard: .whole)
        null = null.map { var record = $0; record.campaign = configuration.hash; return record }
        XCTAssertNoThrow(try CampaignConfiguration.checkNull(null, nullFile: "null.jsonl", architecture: configuration.architecture,
                                                             training: Self.training, expected: fitWeights.total, reference: Self.reference,
                                                             perEventWeights: fitWeights.values))
        XCTAssertThrowsError(try CampaignConfiguration.checkNull(null, nullFile: "null.jsonl", architecture: configuration.architecture,
                                                                 training: Self.training, expected: fitWeights.total,
                                                                 reference: Self.reference)) { error in
            XCTAssertTrue("\(error)".contains("the reference weights (per event in the null's toys, uniform here"), "\(error)")
        }
    }

    /// A weighted pool: the toys' data are drawn in proportion to its weights (an event of weight
    /// 0 never), the weights name the campaign, and weights without a pool or summing to 0 are refused.
    func testAWeightedPool() throws {
        let folder = try CLI.temporaryDirectory(self)
        try write(folder)
        let pool = EventSet((0..<50).map { Float($0) })
        try NumpyWriter.float32(pool).write(to: folder.appendingPathComponent("pool.npy"))
        let weights = (0..<50).map { Float($0 % 2) * 0.5 }   // odd events only
        try NumpyWriter.float32(EventSet(weights)).write(to: folder.appendingPathComponent("pw.npy"))
        var unweighted = try request(folder)
        unweighted.pool = .file(folder.appendingPathComponent("pool.npy").path, parameter: .pool)
        var weighted = unweighted
        weighted.poolWeights = .file(folder.appendingPathComponent("pw.npy").path, parameter: .poolWeights)
        let configuration = try weighted.configuration()
        XCTAssertNotEqual(configuration.hash, try unweighted.configuration().hash)
        XCTAssertEqual(configuration.userSample?.poolWeights, UserSampleToys.hash(weights))
        let toys = try XCTUnwrap(configuration.userSample?.loaded)
        let data = toys.data(seed: 1, toy: 2).events.features
        XCTAssertFalse(data.isEmpty)
        XCTAssertTrue(data.allSatisfy { Int($0) % 2 == 1 }, "only events of positive weight are drawn")
        var noPool = try request(folder)
        noPool.poolWeights = weighted.poolWeights
        XCTAssertThrowsError(try noPool.validate()) { XCTAssertTrue("\($0)".contains("pool_weights weighs the events of pool"), "\($0)") }
        try NumpyWriter.float32(EventSet([Float](repeating: 0, count: 50))).write(to: folder.appendingPathComponent("zero.npy"))
        weighted.poolWeights = .file(folder.appendingPathComponent("zero.npy").path, parameter: .poolWeights)
        XCTAssertThrowsError(try weighted.configuration()) { XCTAssertTrue("\($0)".contains("zero.npy: every weight is 0"), "\($0)") }
        XCTAssertThrowsError(try UserSampleToys(expectedBackground: 40, reference: Self.reference, pool: pool, poolWeights: [Double](repeating: 0, count: 50))) {
            XCTAssertTrue("\($0)".contains("pool_weights sum to 0"), "\($0)")
        }
    }

    /// What belongs to the built-in benchmarks is refused by name.
    func testRefusals() throws {
        let folder = try CLI.temporaryDirectory(self)
        try write(folder)
        var missing = try request(folder)
        missing.expected = nil
        var signal = try request(folder)
        signal.signal = .oneD(.np1)
        var perToy = try request(folder)
        perToy.referenceSample = .toy
        var poolOnly = ToyCampaignRequest()
        poolOnly.pool = .file("p.npy", parameter: .pool)
        for (request, words) in [(missing, "reference needs expected"), (signal, "signal belongs to the built-in benchmarks"),
                                 (perToy, "reference_sample belongs to the built-in benchmarks"),
                                 (poolOnly, "pool, pool_weights and reference_weights belong to the toys of reference")] {
            XCTAssertThrowsError(try request.validate()) { XCTAssertTrue("\($0)".contains(words), "\($0)") }
        }
        var wide = try request(folder)
        wide.training.architecture = "2,4,1"
        XCTAssertThrowsError(try wide.configuration()) { XCTAssertTrue("\($0)".contains("takes 2 input feature(s)"), "\($0)") }
    }

    /// The command line: toys of a reference, then fits against it with --null.
    func testTheCommandLineCalibratesAFitOnItsOwnReference() throws {
        let folder = try CLI.temporaryDirectory(self)
        try write(folder)
        try NumpyWriter.float32(Benchmark1D(expectedBackground: 40, referenceSize: 400).data(seed: 9, toy: 0).events)
            .write(to: folder.appendingPathComponent("data.npy"))
        let training = ["--epochs", "30", "--clip", "9", "--backend", "reference"]
        var run = try CLI.run(["toys", "--reference", "reference.npy", "--expected", "40", "--toys", "5", "--output", "null.jsonl"] + training,
                              in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try CLI.run(["report", "null.jsonl"], in: folder)
        XCTAssertTrue(run.stdout.contains("null toys of a user's reference sample (N_R = 400"), run.stdout)
        run = try CLI.run(["fit", "--data", "data.npy", "--reference", "copy.csv", "--expected", "40", "--null", "null.jsonl"] + training,
                          in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("of 5 null toys with t >="), run.stdout)
    }
}
