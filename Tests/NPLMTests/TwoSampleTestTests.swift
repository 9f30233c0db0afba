import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

final class TwoSampleTestTests: XCTestCase {
    private let architecture = try! Architecture([1, 4, 1])

    private func train(_ batch: FitBatch, initial: [Double], epochs: Int, historyEvery: Int = 0, clip: Double? = nil,
                       learningRate: Double = 1e-3) throws -> [FitOutcome] {
        let options = TrainingOptions(epochs: epochs, historyEvery: historyEvery, optimizer: Adam(learningRate: learningRate),
                                      clipping: clip.map { WeightClipping(bound: $0) })
        return try Trainer.train(backend: HostTrainingLoop(engine: ReferenceEngine(batch: batch)),
                                 initialParameters: initial, options: options)
    }

    func testTermsFollowTheObservedSizes() {
        let (f, g) = TwoSampleTest.terms(inA: [true, false, false, false])
        XCTAssertEqual(f.a, [0.25, 0.25, 0.25, 0.25])
        XCTAssertEqual(g.a, [0.75, 0.75, 0.75, 0.75])
        XCTAssertEqual(f.b, [1, 0, 0, 0])
        XCTAssertEqual(g.b, [0, 1, 1, 1])
    }

    func testZeroFunctionsGiveZero() throws {
        let toys = SymmetricToys(expectedA: 100, expectedB: 150)
        let s = toys.samples(seed: 1, toy: 0)
        let batch = TwoSampleTest.batch(architecture: architecture, pairs: [(s.a, s.b)])
        let loss = try ReferenceEngine(batch: batch).loss(parameters: [Double](repeating: 0, count: 26))
        XCTAssertEqual(loss, [0, 0])
    }

    /// Swapping A and B swaps the roles of f and g; with f and g started from the same network
    /// the trainings are the same up to the order of the pooled sums.
    func testSwappingSamplesGivesTheSameStatistic() throws {
        let toys = SymmetricToys(expectedA: 150, expectedB: 400, signal: .np3, signalEvents: 20)
        let s = toys.samples(seed: 4, toy: 2)
        let start = TwoSampleTest.initialParameters(architecture: architecture, seed: 4, pairs: 0..<1)
        let batch = TwoSampleTest.batch(architecture: architecture, pairs: [(s.a, s.b), (s.b, s.a)])
        let outcomes = TwoSampleTest.outcomes(try train(batch, initial: start + start, epochs: 400, learningRate: 0.01))
        // Float32 events summed in a different order: agreement to ~1e-9 relative is what Double
        // accumulation over a few hundred epochs keeps.
        XCTAssertEqual(outcomes[0].t, outcomes[1].t, accuracy: 1e-6 * abs(outcomes[0].t))
        XCTAssertEqual(outcomes[0].f.t, outcomes[1].g!.t, accuracy: 1e-6 * abs(outcomes[0].t))
    }

    /// The cross-entropy statistic is Bressler et al., Symmetrized Approach, eq. 34 term by term: with u the network output and
    /// z = u + log(Ñ_A/Ñ_B), σ(z) = σ(2δ̂), and
    ///     t^δ = 2 Σ_A log((Ñ_A+Ñ_B) σ(z)/Ñ_A) + 2 Σ_B log((Ñ_A+Ñ_B)(1 − σ(z))/Ñ_B) = −2 L.
    func testCrossEntropyLossIsEquation34() throws {
        let s = SymmetricToys(expectedA: 60, expectedB: 90).samples(seed: 3, toy: 1)
        let batch = TwoSampleTest.batch(architecture: architecture, pairs: [(s.a, s.b)], statistic: .crossEntropy)
        XCTAssertEqual(batch.fitCount, 1)
        XCTAssertEqual(batch.loss, .logistic)
        var random = TestRandom(5)
        let p = random.parameters(architecture, fits: 1)
        let nA = Double(s.a.count), nB = Double(s.b.count), offset = Double(Float(Foundation.log(nA / nB)))
        func z(_ events: EventSet) -> [Double] {
            ReferenceNetwork.evaluate(architecture: architecture, parameters: p[...], events: events).map { $0 + offset }
        }
        let sigma = LossKind.sigmoid
        let equation34 = 2 * z(s.a).reduce(0) { $0 + Foundation.log((nA + nB) * sigma($1) / nA) }
            + 2 * z(s.b).reduce(0) { $0 + Foundation.log((nA + nB) * (1 - sigma($1)) / nB) }
        let loss = try ReferenceEngine(batch: batch).loss(parameters: p)[0]
        XCTAssertEqual(-2 * loss, equation34, accuracy: 1e-9 * max(1, abs(equation34)))
    }

    /// Swapping A and B in the cross-entropy test maps u to −u (and the offset to its negative):
    /// the loss of the swapped test at the negated output layer equals the loss of the original.
    func testCrossEntropyIsSymmetricUnderSwap() throws {
        let s = SymmetricToys(expectedA: 70, expectedB: 40, signal: .np3, signalEvents: 10).samples(seed: 6, toy: 0)
        let ab = TwoSampleTest.batch(architecture: architecture, pairs: [(s.a, s.b)], statistic: .crossEntropy)
        let ba = TwoSampleTest.batch(architecture: architecture, pairs: [(s.b, s.a)], statistic: .crossEntropy)
        var random = TestRandom(9)
        let p = random.parameters(architecture, fits: 1)
        var negated = p
        let last = architecture.layerCount - 1
        for k in architecture.weightOffset(layer: last)..<architecture.parameterCount { negated[k] = -negated[k] }
        let original = try ReferenceEngine(batch: ab).loss(parameters: p)[0]
        let swapped = try ReferenceEngine(batch: ba).loss(parameters: negated)[0]
        // Float32 offsets log(Ñ_A/Ñ_B) and −log(Ñ_A/Ñ_B) round alike; the pooled sums differ in order only.
        XCTAssertEqual(original, swapped, accuracy: 1e-9 * max(1, abs(original)))
    }

    /// One data event far outside the other sample's support (Bressler et al., Symmetrized Approach, §II A 2): the NPLM loss
    /// without clipping runs away (f at the outlier grows without bound, the loss with it), while
    /// the symmetrized loss is bounded below by Σ_i [b_i − a_i − b_i log(b_i/a_i)] and settles.
    func testOutlierMakesNPLMRunAwayButNotTheSymmetrizedTest() throws {
        var stream = RandomStream(seed: 8, toy: 0, purpose: .sampleA)
        let bulk = (0..<200).map { _ in Float(stream.exponential()) }
        let reference = EventSet((0..<400).map { _ in Float(stream.exponential()) })
        let data = EventSet(bulk + [40])  // nothing in the reference comes near x = 40
        let epochs = 1500, every = 500
        let initial = architecture.initialParameters(seed: 8, toy: 0)

        let nplm = FitBatch.nplm(architecture: architecture, reference: reference,
                                 referenceWeights: Array(repeating: Float(data.count) / Float(reference.count), count: reference.count),
                                 data: [data])
        let runaway = try train(nplm, initial: initial, epochs: epochs, historyEvery: every, learningRate: 0.03)[0]
        let nplmLosses = runaway.history.map(\.loss)
        // Still falling by a large step every 500 epochs: the outlier's −f term has no floor.
        XCTAssertLessThan(nplmLosses[2], nplmLosses[1] - 3, "NPLM losses \(nplmLosses)")
        XCTAssertLessThan(nplmLosses[1], nplmLosses[0] - 3, "NPLM losses \(nplmLosses)")

        let symmetric = TwoSampleTest.batch(architecture: architecture, pairs: [(data, reference)])
        let fits = try train(symmetric, initial: initial + initial, epochs: epochs, historyEvery: every, learningRate: 0.03)
        let (f, g) = TwoSampleTest.terms(inA: TwoSampleTest.pool(a: data, b: reference).inA)
        for (fit, terms) in zip(fits, [f, g]) {
            let bound = zip(terms.a, terms.b).reduce(0.0) { sum, ab in
                let (a, b) = (Double(ab.0), Double(ab.1))
                return sum + (b > 0 ? b - a - b * Foundation.log(b / a) : -a)
            }
            let losses = fit.history.map(\.loss)
            XCTAssert(losses.allSatisfy { $0.isFinite && $0 >= bound }, "losses \(losses) vs bound \(bound)")
            XCTAssertLessThan(abs(losses[2] - losses[1]), 1, "symmetrized loss settles: \(losses)")
        }
    }

    func testPermutationsAreReproducibleAndKeepTheSizes() {
        let first = Permutations.labeling(seed: 3, index: 5, count: 1000, countA: 137)
        XCTAssertEqual(first, Permutations.labeling(seed: 3, index: 5, count: 1000, countA: 137))
        XCTAssertNotEqual(first, Permutations.labeling(seed: 3, index: 6, count: 1000, countA: 137))
        for index in 0..<20 {
            XCTAssertEqual(Permutations.labeling(seed: 3, index: UInt32(index), count: 1000, countA: 137).filter { $0 }.count, 137)
        }
        XCTAssertEqual(Permutations.labeling(seed: 3, index: 0, count: 10, countA: 10), Array(repeating: true, count: 10))
        XCTAssertEqual(Permutations.labeling(seed: 3, index: 0, count: 10, countA: 0), Array(repeating: false, count: 10))
    }

    /// Every event is equally likely to land in A: the mean membership over many relabelings.
    func testPermutationsAreUniform() {
        var hits = [Int](repeating: 0, count: 10)
        let n = 4000
        for index in 0..<n {
            for (i, inA) in Permutations.labeling(seed: 1, index: UInt32(index), count: 10, countA: 3).enumerated() where inA {
                hits[i] += 1
            }
        }
        // Each event is in A with probability 0.3: binomial σ = √(n·0.3·0.7) ≈ 29.
        for h in hits { XCTAssertLessThan(abs(Double(h) - 0.3 * Double(n)), 5 * 29) }
    }

    func testPermutationBatchSharesThePool() throws {
        let pool = EventSet((0..<50).map { Float($0) / 10 })
        let labelings = (0..<3).map { Permutations.labeling(seed: 2, index: UInt32($0), count: 50, countA: 20) }
        let batch = TwoSampleTest.batch(architecture: architecture, pool: pool, labelings: labelings)
        XCTAssertEqual(batch.fitCount, 6)
        XCTAssertEqual(batch.shared.count, 50)
        XCTAssertEqual(batch.sharedTerms.count, 6)
        XCTAssert(batch.own.allSatisfy { $0.count == 0 })
    }
}
