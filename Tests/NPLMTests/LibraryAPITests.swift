import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The method as a library, without the command-line tool: an NPLM fit, a two-sample fit and a
/// permutation test return their records; the one definitions of t, p, Z, dof and the reference
/// weights agree everywhere.
final class LibraryAPITests: XCTestCase {
    let architecture = try! Architecture([1, 4, 1])
    let training = TrainingOptions(epochs: 40, optimizer: Adam(learningRate: 0.01))
    let backend = BackendRequest(kind: .reference)

    /// Quantiles of e^{−x} (reference, B) and of a stretched e^{−x} (data, A).
    var reference: EventSet { EventSet((0..<200).map { Float(-log((Double($0) + 0.5) / 200)) }) }
    var data: EventSet { EventSet((0..<40).map { Float(-1.3 * log((Double($0) + 0.5) / 40)) }) }

    func testNPLMFitReturnsItsRecordAndAModelThatReproducesT() throws {
        for (weights, dof) in [(ReferenceWeights.observed(dataCount: 40, referenceCount: 200), 12),
                               (.expected(45, referenceCount: 200), 13)] {
            let fit = NPLMFit(architecture: architecture, data: data, reference: reference, weights: weights,
                              training: training, seed: 5, backend: backend)
            let result = try fit.run()
            XCTAssertEqual(result.dof, dof)
            XCTAssertEqual(result.record.dof, dof)
            XCTAssertEqual(result.record.dataEvents, 40)
            XCTAssertEqual(result.record.referenceEvents, 200)
            XCTAssertNil(result.record.aEvents)
            XCTAssertEqual(result.record.p, TestStatistic.p(t: result.record.t, dof: dof))
            XCTAssertEqual(result.record.z, TestStatistic.z(t: result.record.t, dof: dof))
            let model = try XCTUnwrap(result.model)
            let again = try model.nplmStatistic(data: data, reference: reference, weights: weights.values)
            XCTAssertEqual(again, result.record.t, accuracy: 1e-12 * max(1, abs(again)))
        }
    }

    func testTwoSampleFitAndPermutationTestAgreeOnTheObservedT() throws {
        let fit = TwoSampleFit(architecture: architecture, a: data, b: reference, training: training, seed: 3,
                               backend: backend, alsoNPLM: true)
        let result = try fit.run()
        XCTAssertEqual(result.record.dof, 12)
        XCTAssertEqual(result.record.t, result.test.t)
        XCTAssertEqual(result.record.fits.map(\.aEvents), [40, 40])
        XCTAssertEqual(result.record.fits.map(\.bEvents), [200, 200])
        XCTAssertNil(result.record.fits[0].dataEvents)
        XCTAssertEqual(result.record.nplm?.dof, 12, "t_B(A) is normalised to the observed count of A")

        let permutation = PermutationTest(architecture: architecture, a: data, b: reference, permutations: 3,
                                          training: training, seed: 3, backend: backend, batch: 2)
        let test = try permutation.run()
        XCTAssertEqual(test.record.observedT, result.record.t, "the observed labelling is the two-sample fit")
        XCTAssertEqual(test.record.permutationT.count, 3)
        let empirical = EmpiricalPValue(null: test.record.permutationT)
        XCTAssertEqual(test.record.p, empirical.pValue(test.record.observedT))
        XCTAssertEqual(test.record.maxZ, EmpiricalPValue.largestZ(nullCount: 3))
    }

    func testOneDefinitionOfTPAndDof() throws {
        XCTAssertEqual(TestStatistic.t(loss: -3.5), 7)
        XCTAssertEqual(TestStatistic.p(t: .infinity, dof: 13), 0)
        XCTAssertTrue(TestStatistic.p(t: .nan, dof: 13).isNaN)
        XCTAssertEqual(TestStatistic.z(t: .infinity, dof: 13), .infinity)
        XCTAssertTrue(TestStatistic.z(t: .nan, dof: 13).isNaN)
        XCTAssertEqual(TestStatistic.p(t: 13, dof: 13), ChiSquared(degreesOfFreedom: 13).survival(13))
        // A diverged fit's record: t = +∞, p = 0 (as TestStatistic says).
        let diverged = FitOutcome(t: .infinity, finalLoss: .nan, history: [], divergedAt: 7, initialParameters: [], finalParameters: [])
        XCTAssertEqual(FitRecord(outcome: diverged, dof: 13, epochs: 9, dataEvents: 1, referenceEvents: 1).p, 0)
        // dof: P against an expected count, P − 1 against the observed one, for every test.
        XCTAssertEqual(Normalisation.expected.degreesOfFreedom(architecture), 13)
        XCTAssertEqual(Normalisation.weights.degreesOfFreedom(architecture), 13)
        XCTAssertEqual(Normalisation.observed.degreesOfFreedom(architecture), 12)
        XCTAssertEqual(TwoSampleTest.degreesOfFreedom(architecture), 12)
        let campaign = CampaignConfiguration(seed: 1, architecture: architecture, training: training, benchmark: Benchmark1D())
        XCTAssertEqual(campaign.degreesOfFreedom, 13)
    }

    func testReferenceWeightsRule() throws {
        XCTAssertEqual(ReferenceWeights.choose(perEvent: nil, expected: nil, dataCount: 50, referenceCount: 200).values,
                       Array(repeating: 0.25, count: 200))
        let expected = ReferenceWeights.choose(perEvent: nil, expected: 100, dataCount: 50, referenceCount: 200)
        XCTAssertEqual(expected.normalisation, .expected)
        XCTAssertEqual(expected.expectedEvents, 100)
        XCTAssertEqual(expected.total, 100)
        let perEvent = ReferenceWeights.choose(perEvent: [1, 2], expected: 100, dataCount: 50, referenceCount: 2)
        XCTAssertEqual(perEvent.normalisation, .weights)
        XCTAssertEqual(Benchmark1D(expectedBackground: 2000, referenceSize: 20_000).referenceWeights.first, Float(0.1))
        // A saved model's convention decides the weights on new samples.
        let model = SavedModel(test: .nplm, architecture: architecture, loss: .expLinear, normalisation: .weights, dof: 13,
                               t: 1, parameters: [architecture.initialParameters(seed: 1, toy: 0)])
        XCTAssertThrowsError(try ReferenceWeights.forModel(model, modelLabel: "--model m.json", perEvent: nil,
                                                           weightsLabel: "--reference-weights", dataCount: 1, referenceCount: 2))
    }

    func testCampaignSummaryText() throws {
        let outcome = { (t: Double) in FitOutcome(t: t, finalLoss: -t / 2, history: [], divergedAt: t.isFinite ? nil : 3,
                                                 initialParameters: [], finalParameters: []) }
        let records = [10.0, 12, 14, .infinity].map { FitRecord(outcome: outcome($0), dof: 13, epochs: 1, dataEvents: 1, referenceEvents: 1) }
        let summary = CampaignSummary(records: records, dof: 13)
        XCTAssertEqual(summary.toys, 4)
        XCTAssertEqual(summary.diverged, 1)
        XCTAssertTrue(summary.text.hasPrefix("toys: 4 (1 diverged)\nmean t: 12.000 ± 1.155"), summary.text)
        XCTAssertEqual(CampaignSummary(records: [], dof: 13).text, "toys: 0 (no toy in this shard)")
    }

    func testSignalShapesAreOneDefinition() {
        XCTAssertEqual(Signal1D.np3.shape, .gaussian(mean: 1.6, sigma: 0.16))
        XCTAssertEqual(IdealSignificance.breakpoints(.np3).count, 9)
        XCTAssertTrue(IdealSignificance.breakpoints(.np1).contains(6.4))
        XCTAssertEqual(Signal1D.np2.density(2), 2 * exp(-2), accuracy: 1e-15)
    }

    func testBackendToleranceBounds() {
        XCTAssertEqual(BackendTolerances.fastCPU.floatSummands, 64)
        XCTAssertEqual(BackendTolerances.lossBound(floatSummands: 64), 80 * Double(Float.ulpOfOne))
        XCTAssertEqual(BackendTolerances.fastCPU.loss, 1e-5, "the floor: 80 ε₃₂ = 9.5e-6")
        XCTAssertEqual(BackendTolerances.forEngine(floatSummands: 256).loss, 272 * Double(Float.ulpOfOne))
        XCTAssertEqual(BackendTolerances.largestDifference([1, 2.5], [1, 2]), 0.25)
        XCTAssertEqual(BackendTolerances.statisticDifference(0.5, 0.25), 0.25)
    }
}
