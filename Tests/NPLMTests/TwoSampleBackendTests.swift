import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The two-sample tests on every backend (issue: "swapping A and B gives the same t on every
/// backend"; loss and gradient across backends).
final class TwoSampleBackendTests: XCTestCase {
    private let architecture = try! Architecture([1, 4, 1])

    /// Swapping the samples sums the pooled events in another order (A∪B against B∪A): float32
    /// events, Double or float-lane sums, then 300 Adam steps. Agreement to 1e-5 relative is
    /// what every backend keeps (the reference keeps ~1e-9).
    static let swapTolerance = 1e-5
    /// Loss and gradient of the fast backends against the reference: the loosest of the engines'
    /// own tolerances (`BackendTolerances`; PoCL's 256-term lanes).
    static let lossTolerance = BackendTolerances.forEngine(floatSummands: 256).loss
    static let gradientTolerance = BackendTolerances.fastCPU.gradient

    /// Every backend this machine has: the reference, the fast CPU engine, and OpenCL when a
    /// device exists.
    private func engines(_ batch: FitBatch) throws -> [LossEngine] {
        var engines: [LossEngine] = [ReferenceEngine(batch: batch), try FastCPUEngine(batch: batch, threads: 2)]
        if let device = try? OpenCLTestSupport.device() { engines.append(try OpenCLEngine(batch: batch, device: device)) }
        return engines
    }

    private func train(_ engine: LossEngine, initial: [Double], epochs: Int) throws -> [FitOutcome] {
        try Trainer.train(backend: HostTrainingLoop(engine: engine), initialParameters: initial,
                          options: TrainingOptions(epochs: epochs, optimizer: Adam(learningRate: 0.01)))
    }

    func testSwappingSamplesGivesTheSameSymmetrizedStatisticOnEveryBackend() throws {
        let s = SymmetricToys(expectedA: 300, expectedB: 700, signal: .np3, signalEvents: 30).samples(seed: 21, toy: 3)
        let start = TwoSampleTest.initialParameters(architecture: architecture, seed: 21, pairs: 0..<1)
        let batch = TwoSampleTest.batch(architecture: architecture, pairs: [(s.a, s.b), (s.b, s.a)])
        var statistics: [Double] = []
        for engine in try engines(batch) {
            let outcomes = TwoSampleTest.outcomes(try train(engine, initial: start + start, epochs: 300))
            XCTAssertGreaterThan(outcomes[0].t, 0, engine.name)
            XCTAssertEqual(outcomes[0].t, outcomes[1].t, accuracy: Self.swapTolerance * abs(outcomes[0].t), engine.name)
            XCTAssertEqual(outcomes[0].f.t, outcomes[1].g!.t, accuracy: Self.swapTolerance * abs(outcomes[0].t), engine.name)
            statistics.append(outcomes[0].t)
        }
        // And the backends agree with each other after training (as the OpenCL training test).
        for t in statistics.dropFirst() { XCTAssertEqual(t, statistics[0], accuracy: 1e-4 * abs(statistics[0])) }
    }

    /// Cross-entropy: the swapped test at the negated output layer has the same loss and the
    /// negated output-layer gradient, on every backend; and every backend agrees with the reference.
    func testCrossEntropyIsSymmetricAndAgreesOnEveryBackend() throws {
        let s = SymmetricToys(expectedA: 400, expectedB: 250).samples(seed: 22, toy: 1)
        let ab = TwoSampleTest.batch(architecture: architecture, pairs: [(s.a, s.b)], statistic: .crossEntropy)
        let ba = TwoSampleTest.batch(architecture: architecture, pairs: [(s.b, s.a)], statistic: .crossEntropy)
        var random = TestRandom(23)
        let p = random.parameters(architecture, fits: 1)
        var negated = p
        for k in architecture.weightOffset(layer: architecture.layerCount - 1)..<architecture.parameterCount { negated[k] = -negated[k] }
        let reference = try OpenCLTestSupport.evaluate(ReferenceEngine(batch: ab), p)
        for (engine, swapped) in zip(try engines(ab), try engines(ba)) {
            let original = try OpenCLTestSupport.evaluate(engine, p)
            let other = try OpenCLTestSupport.evaluate(swapped, negated)
            XCTAssertEqual(original.loss[0], other.loss[0], accuracy: Self.lossTolerance * abs(original.loss[0]), engine.name)
            // u → −u: the output layer's gradient changes sign, the hidden layers' stays.
            let outputLayer = architecture.weightOffset(layer: architecture.layerCount - 1)
            let mapped = other.gradient.enumerated().map { $0.offset >= outputLayer ? -$0.element : $0.element }
            let swapScale = original.gradient.map(abs).max()!
            XCTAssertLessThanOrEqual(maxRelativeDifference(original.gradient, mapped, scale: swapScale),
                                     Self.gradientTolerance, engine.name)
            XCTAssertEqual(original.loss[0], reference.loss[0], accuracy: Self.lossTolerance * abs(reference.loss[0]), engine.name)
            let scale = reference.gradient.map(abs).max()!
            XCTAssertLessThanOrEqual(maxRelativeDifference(original.gradient, reference.gradient, scale: scale),
                                     Self.gradientTolerance, engine.name)
        }
    }
}
