import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The library half of monitoring: `NPLMFitMany` against `NPLMFit`, its record's line, and the one
/// null-campaign check in its variant for fits of user data.
final class NPLMFitManyTests: XCTestCase {
    let architecture = try! Architecture([1, 4, 1])
    let training = TrainingOptions(epochs: 40, optimizer: Adam(learningRate: 0.01), clipping: WeightClipping(bound: 9))
    var reference: EventSet { EventSet((0..<200).map { Float(-log((Double($0) + 0.5) / 200)) }) }
    func data(_ count: Int, stretch: Double) -> EventSet {
        EventSet((0..<count).map { Float(-stretch * log((Double($0) + 0.5) / Double(count))) })
    }

    func testEverySampleIsItsFitAloneBitForBit() throws {
        let samples = [("a", data(40, stretch: 1)), ("b", data(55, stretch: 1.3)), ("c", data(30, stretch: 0.7))]
        for kind in [BackendKind.reference, .cpu] {
            let fits = NPLMFitMany(architecture: architecture, samples: samples, reference: reference,
                                   weights: .expected(45, referenceCount: 200), training: training, seed: 4,
                                   backend: BackendRequest(kind: kind))
            let result = try fits.run()
            XCTAssertEqual(result.samples.count, 3)
            XCTAssertEqual(result.dof, 13)
            XCTAssertNil(result.null)
            for (k, sample) in result.samples.enumerated() {
                let alone = try fits.single(k).run()
                XCTAssertEqual(sample.record.fit, alone.record, "\(kind) sample \(k)")
                XCTAssertEqual(sample.record.sample, samples[k].0)
                XCTAssertEqual(sample.model?.parameters, alone.model?.parameters)
                // The line: the fit's keys, and "sample".
                let line = try NPLMJSON.line(sample.record)
                XCTAssertEqual(try NPLMJSON.decoder().decode(SampleFitRecord.self, from: line), sample.record)
                var keys = try XCTUnwrap(try JSONSerialization.jsonObject(with: line) as? [String: Any])
                XCTAssertEqual(keys.removeValue(forKey: "sample") as? String, samples[k].0)
                let single = try XCTUnwrap(try JSONSerialization.jsonObject(with: try NPLMJSON.line(alone.record)) as? [String: Any])
                XCTAssertEqual(Set(keys.keys), Set(single.keys))
            }
        }
    }

    func testTheNormalisationMustBeShared() throws {
        XCTAssertNoThrow(try NPLMFitMany.checkNormalisation(normalised: false, samples: 1, null: false))
        XCTAssertNoThrow(try NPLMFitMany.checkNormalisation(normalised: true, samples: 5, null: true))
        XCTAssertThrowsError(try NPLMFitMany.checkNormalisation(normalised: false, samples: 2, null: false)) {
            XCTAssertEqual(($0 as? NPLMError)?.message(naming: { $0.name }),
                           "2 data samples need expected or reference_weights: normalised to its observed count, each sample would have a reference of its own")
        }
        XCTAssertThrowsError(try NPLMFitMany.checkNormalisation(normalised: false, samples: 1, null: true)) {
            XCTAssertTrue(($0 as? NPLMError)?.message(naming: { $0.name }).hasPrefix("null needs expected or reference_weights") == true)
        }
        let observed = NPLMFitMany(architecture: architecture, samples: [("a", data(40, stretch: 1)), ("b", data(40, stretch: 1))],
                                   reference: reference, weights: .observed(dataCount: 40, referenceCount: 200), training: training)
        XCTAssertThrowsError(try observed.run())
    }

    /// Null toys written by a campaign run (the reference engine, a few epochs).
    func nullRecords(_ configuration: CampaignConfiguration, toys: Int = 6) throws -> [FitRecord] {
        try CampaignRun(configuration: configuration, toys: toys, batch: toys, backend: BackendRequest(kind: .reference), output: nil).run()
    }

    func testANullCampaignOfTheSameSetUpGivesEmpiricalPValues() throws {
        var history = training
        history.historyEvery = 20
        let configuration = CampaignConfiguration(seed: 9, architecture: architecture, training: history,
                                                  benchmark: Benchmark1D(expectedBackground: 45, referenceSize: 200))
        let null = try nullRecords(configuration)
        let fits = NPLMFitMany(architecture: architecture, samples: [("a", data(40, stretch: 1)), ("b", data(50, stretch: 1.6))],
                               reference: reference, weights: .expected(45, referenceCount: 200), training: training,
                               backend: BackendRequest(kind: .reference))
        let result = try fits.run(null: (records: null, file: "null.jsonl"))
        XCTAssertEqual(result.null?.campaign, configuration.hash)
        XCTAssertEqual(result.null?.toys, 6)
        let empirical = EmpiricalPValue(null: null.map(\.t))
        for sample in result.samples {
            let p = try XCTUnwrap(sample.record.null)
            XCTAssertEqual(p.p, empirical.pValue(sample.record.fit.t))
            XCTAssertEqual(p.atLeast, empirical.countAtOrAbove(sample.record.fit.t))
            XCTAssertEqual(p.z, empirical.z(sample.record.fit.t))
            XCTAssertEqual(p.isBound, p.atLeast == 0)
        }
        // Per-event weights summing to N(R0) within float32 rounding match a campaign at that N(R0).
        let weights = ReferenceWeights.perEvent(Array(repeating: 0.225, count: 200))
        XCTAssertNoThrow(try CampaignConfiguration.checkNull(null, nullFile: "null.jsonl", architecture: architecture, training: training,
                                                             expected: weights.total, reference: Self.events(200)))
    }

    /// Events for the null checks against built-in campaigns, which compare their count only.
    static func events(_ count: Int) -> EventSet { EventSet([Float](repeating: 1, count: count)) }

    /// A campaign's toys are not preprocessed: a preprocessed fit is not calibrated by them.
    func testANullCampaignDoesNotCalibrateAPreprocessedFit() throws {
        var request = FitRequest()
        request.data = [.file("d.npy", parameter: .data)]
        request.reference = .file("r.npy", parameter: .reference)
        request.expected = 10
        request.null = "null.jsonl"
        request.preprocess = .standardize
        for model in ModelFamily.allCases {
            request.model = model
            XCTAssertThrowsError(try request.validate()) { XCTAssertTrue("\($0)".contains("null calibrates fits of the features as given"), "\($0)") }
        }
    }

    func testTheNullCheckSaysWhatDiffers() throws {
        let configuration = CampaignConfiguration(seed: 9, architecture: architecture, training: training,
                                                  benchmark: Benchmark1D(expectedBackground: 45, referenceSize: 200))
        let null = try nullRecords(configuration, toys: 2)
        func refusal(architecture: Architecture? = nil, training: TrainingOptions? = nil, expected: Double = 45,
                     referenceSize: Int = 200, records: [FitRecord]? = nil) -> String {
            do {
                try CampaignConfiguration.checkNull(records ?? null, nullFile: "null.jsonl", architecture: architecture ?? self.architecture,
                                                    training: training ?? self.training, expected: expected, reference: Self.events(referenceSize))
                return "accepted"
            } catch {
                return (error as? NPLMError)?.message(naming: { "--" + $0.name }) ?? "\(error)"
            }
        }
        XCTAssertEqual(refusal(), "accepted")
        var longer = training
        longer.epochs = 50
        XCTAssertTrue(refusal(training: longer).contains("it differs in training (epochs 40, not 50)"), refusal(training: longer))
        var clipped = training
        clipped.clipping = nil
        XCTAssertTrue(refusal(training: clipped).contains("training (clipping 9, not none)"), refusal(training: clipped))
        XCTAssertTrue(refusal(architecture: try Architecture([1, 3, 1])).contains("architecture (1,4,1, not 1,3,1)"))
        XCTAssertTrue(refusal(expected: 50, referenceSize: 300).contains("sample sizes (N(R0) 45 and N_R 200, not 50 and 300)"))
        XCTAssertTrue(refusal(records: []).hasPrefix("null.jsonl: holds no records"))
        // Campaigns of another test.
        let kernel = CampaignConfiguration(seed: 1, architecture: architecture, training: training,
                                           benchmark: Benchmark1D(expectedBackground: 45, referenceSize: 200),
                                           kernel: KernelOptions(centres: 20))
        var kernelRecord = null[0]
        kernelRecord.configuration = kernel
        kernelRecord.campaign = kernel.hash
        XCTAssertTrue(refusal(records: [kernelRecord]).contains("is a campaign of the kernel model"), refusal(records: [kernelRecord]))
        let signal = CampaignConfiguration(seed: 1, architecture: architecture, training: training,
                                           benchmark: Benchmark1D(expectedBackground: 45, referenceSize: 200, signal: .np1, signalEvents: 10))
        var signalRecord = null[0]
        signalRecord.configuration = signal
        signalRecord.campaign = signal.hash
        XCTAssertTrue(refusal(records: [signalRecord]).contains("has a signal (NP1"), refusal(records: [signalRecord]))
        XCTAssertTrue(refusal(records: [null[0], signalRecord]).contains("line 2 belongs to campaign"))
    }
}
