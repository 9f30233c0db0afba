import Foundation
import XCTest
@testable import NPLM
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// `ReferenceSample.toy`: each toy against its own reference sample, from its (seed, toy,
/// reference) stream — a toy's record still depends on the configuration and its index only.
final class CampaignReferenceSampleTests: XCTestCase {
    static let benchmark = Benchmark1D(expectedBackground: 60, referenceSize: 600)

    func kernel(_ sample: ReferenceSample, signal: Signal1D = .none, seed: UInt64 = 7) throws -> CampaignConfiguration {
        var benchmark = Self.benchmark
        benchmark.signal = signal
        benchmark.signalEvents = signal.defaultEvents / 10
        return CampaignConfiguration(seed: seed, architecture: try Architecture([1, 4, 1]), training: TrainingOptions(epochs: 300_000),
                                     test: .nplm(.oneD(benchmark, .kernel(KernelOptions(widths: [0.8, 2.4], centres: 30)))),
                                     referenceSample: sample)
    }

    func network(_ sample: ReferenceSample) throws -> CampaignConfiguration {
        CampaignConfiguration(seed: 7, architecture: try Architecture([1, 3, 1]), training: TrainingOptions(epochs: 40),
                              test: .nplm(.oneD(Self.benchmark, .network)), referenceSample: sample)
    }

    func train(_ configuration: CampaignConfiguration, _ batches: [[Int]], backend: BackendKind = .reference) throws -> [Int: FitRecord] {
        let runner = CampaignRunner(configuration: configuration, backend: BackendRequest(kind: backend))
        var records: [Int: FitRecord] = [:]
        for batch in batches {
            for record in try runner.train(toys: batch, shard: .whole) { records[record.toy!] = record }
        }
        return records
    }

    /// The key is written only for a reference per toy: every earlier campaign keeps its hash.
    func testTheJSONNamesAReferencePerToyOnly() throws {
        let campaign = try kernel(.campaign), toy = try kernel(.toy)
        XCTAssertFalse(String(decoding: campaign.canonicalJSON, as: UTF8.self).contains("referenceSample"))
        XCTAssertTrue(String(decoding: toy.canonicalJSON, as: UTF8.self).contains(#""referenceSample":"toy""#))
        XCTAssertNotEqual(campaign.hash, toy.hash)
        XCTAssertEqual(try NPLMJSON.decoder().decode(CampaignConfiguration.self, from: toy.canonicalJSON), toy)
        XCTAssertEqual(try NPLMJSON.decoder().decode(CampaignConfiguration.self, from: campaign.canonicalJSON), campaign)
    }

    /// Kernel toys: the same record in any batch; toy k fits against the reference of (seed, k),
    /// so toy 0 is the campaign sampling's toy 0 and toy 1 is not.
    func testKernelToysUseTheirOwnReferenceInAnyBatch() throws {
        let perToy = try kernel(.toy)
        let together = try train(perToy, [[0, 1, 2]]), apart = try train(perToy, [[2], [0], [1]])
        for toy in 0..<3 { XCTAssertEqual(together[toy]?.kernel, apart[toy]?.kernel, "toy \(toy)") }
        let shared = try train(try kernel(.campaign), [[0, 1]])
        XCTAssertEqual(together[0]?.kernel, shared[0]?.kernel)
        XCTAssertNotEqual(together[1]?.kernel?.t, shared[1]?.kernel?.t)
        // Toy 1 by hand: its data against the reference of (seed, 1), its centres from (seed, 1).
        let tester = try KernelTester(backend: BackendRequest(kind: .reference), options: perToy.kernel!, dimension: 1)
        let byHand = try tester.run(reference: Self.benchmark.reference(seed: 7, toy: 1),
                                    weights: .expected(60, referenceCount: 600), data: Self.benchmark.data(seed: 7, toy: 1).events,
                                    widths: [0.8, 2.4], seed: 7, toy: 1)
        XCTAssertEqual(together[1]?.kernel?.t, byHand.t)
        // The fast engines fit each test of the batch on its own pooled events.
        var backends: [BackendKind] = [.cpu]
        if (try? OpenCLTestSupport.device()) != nil { backends.append(.opencl) }
        for backend in backends {
            let fast = try train(perToy, [[0, 1, 2]], backend: backend)
            for toy in 0..<3 {
                for (a, b) in zip(try XCTUnwrap(fast[toy]?.kernel?.t), try XCTUnwrap(together[toy]?.kernel?.t)) {
                    XCTAssertEqual(a, b, accuracy: KernelTolerances.statistic * max(1, abs(b)), "\(backend), toy \(toy)")
                }
            }
        }
    }

    /// Network toys own their reference in the batch (nothing shared): the same record in any batch
    /// and on the fast CPU engine within its tolerance; toy 0 is the campaign sampling's toy 0 up to
    /// the order of the loss's sums.
    func testNetworkToysUseTheirOwnReferenceInAnyBatch() throws {
        let perToy = try network(.toy)
        let together = try train(perToy, [[0, 1, 2]]), apart = try train(perToy, [[1], [2, 0]])
        for toy in 0..<3 { XCTAssertEqual(together[toy]?.t, apart[toy]?.t, "toy \(toy)") }
        let shared = try train(try network(.campaign), [[0, 1]])
        let t0 = try XCTUnwrap(together[0]?.t), t1 = try XCTUnwrap(together[1]?.t)
        XCTAssertEqual(t0, try XCTUnwrap(shared[0]?.t), accuracy: 1e-9 * max(1, abs(t0)))
        XCTAssertNotEqual(t1, try XCTUnwrap(shared[1]?.t), accuracy: 1e-6)
        let fast = try train(perToy, [[0, 1, 2]], backend: .cpu)
        for toy in 0..<3 {
            let t = try XCTUnwrap(together[toy]?.t)
            let f = try XCTUnwrap(fast[toy]?.t)
            XCTAssertLessThanOrEqual(BackendTolerances.statisticDifference(f, t), BackendTolerances.fastCPU.t, "toy \(toy): \(f) vs \(t)")
        }
    }

    /// A truncated background (`--truncate`) is part of the configuration only when given, keeps
    /// every draw below its bound, and a null of another truncation is refused by name.
    func testATruncatedBackground() throws {
        var truncated = try kernel(.toy)
        guard case .nplm(.oneD(var benchmark, let model)) = truncated.test else { return XCTFail() }
        benchmark.truncation = 2
        truncated.test = .nplm(.oneD(benchmark, model))
        XCTAssertTrue(String(decoding: truncated.canonicalJSON, as: UTF8.self).contains(#""truncation":2"#))
        XCTAssertFalse(String(decoding: try kernel(.toy).canonicalJSON, as: UTF8.self).contains("truncation"))
        XCTAssertTrue(benchmark.reference(seed: 7, toy: 3).features.allSatisfy { $0 < 2 })
        XCTAssertTrue(benchmark.data(seed: 7, toy: 3).events.features.allSatisfy { $0 < 2 })
        let null = Array(try train(try kernel(.toy, seed: 3), [[0]]).values)
        XCTAssertThrowsError(try truncated.checkNull(null, nullFile: "null.jsonl", file: "t.jsonl")) { error in
            XCTAssertTrue("\(error)".contains("the background's truncation"), "\(error)")
        }
        // Reports say how the toys were drawn where it departs from the benchmark's defaults.
        XCTAssertEqual(truncated.samplingDescription, "a reference sample per toy, background truncated to x < 2")
        XCTAssertNil(try kernel(.campaign).samplingDescription)
        let header = try KernelCampaignReport(records: null, file: "null.jsonl", null: nil, nullFile: "").text
        XCTAssertTrue(header.hasPrefix("campaign \(null[0].campaign!): kernel model, M = 30 centres, λ = 1e-06, 2 width(s); a reference sample per toy\n"), header)
        let network = try CampaignReport(records: Array(try train(try network(.toy), [[0]]).values), file: "n.jsonl").text
        XCTAssertTrue(network.components(separatedBy: "\n")[0].hasSuffix("; a reference sample per toy"), network)
    }

    /// Only the NPLM test without nuisances has one reference to draw per toy.
    func testTestsWithoutOneReferenceRefuseIt() throws {
        var symmetric = CampaignConfiguration(seed: 1, architecture: try Architecture([1, 3, 1]), training: TrainingOptions(epochs: 10),
                                              samples: SymmetricToys(expectedA: 50, expectedB: 50), statistic: .symmetrized)
        symmetric.referenceSample = .toy
        var nuisances = CampaignConfiguration(seed: 1, architecture: try Architecture([1, 3, 1]), training: TrainingOptions(epochs: 10),
                                              benchmark: Self.benchmark, nuisances: NuisanceSettings(scaleSigma: 0.15, normalizationSigma: nil))
        nuisances.referenceSample = .toy
        for (configuration, words) in [(symmetric, "preset"), (nuisances, "nuisances")] {
            XCTAssertThrowsError(try configuration.validate()) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("reference_sample toy") && message.contains(words), message)
            }
        }
        XCTAssertNoThrow(try kernel(.toy).validate())
    }

    /// A signal campaign is calibrated by a null of its own sampling; a fit of user data by either.
    func testTheNullCheckNamesTheReferenceSample() throws {
        let null = Array(try train(try kernel(.campaign, seed: 3), [[0, 1]]).values)
        XCTAssertThrowsError(try kernel(.toy, signal: .np1).checkNull(null, nullFile: "null.jsonl", file: "signal.jsonl")) { error in
            XCTAssertTrue("\(error)".contains("the reference sample (one per campaign, not one per toy"), "\(error)")
        }
        XCTAssertNoThrow(try kernel(.toy, signal: .np1).checkNull(null, nullFile: "null.jsonl", file: "this fit", anyReferenceSample: true))
        // A note about the null's seed only where the toys share their campaign's reference.
        XCTAssertNotNil(try kernel(.campaign, signal: .np1).referenceNote(null: null))
        let perToyNull = Array(try train(try kernel(.toy, seed: 3), [[0, 1]]).values)
        XCTAssertNoThrow(try kernel(.toy, signal: .np1).checkNull(perToyNull, nullFile: "null.jsonl", file: "signal.jsonl"))
        XCTAssertNil(try kernel(.toy, signal: .np1).referenceNote(null: perToyNull))
    }
}
