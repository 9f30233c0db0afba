import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The fast CPU engine against the Double reference, and its determinism.
final class FastCPUEngineTests: XCTestCase {
    /// The fast CPU engine's tolerances against the reference (`BackendTolerances.fastCPU`: the loss
    /// bound of 64-term float32 lanes, the named gradient and training tolerances).
    static let tolerances = BackendTolerances.fastCPU
    static let lossTolerance = tolerances.loss
    static let gradientTolerance = tolerances.gradient
    static let trainingTolerance = tolerances.t

    private struct Shape {
        var layers: [Int]
        var fits: Int
        var shared: Int
        /// Own events of fit t: ownCounts[t % ownCounts.count].
        var ownCounts: [Int]
        var loss: LossKind
        var offsets: Bool
        /// One set of shared terms per fit (the symmetrized and permutation tests) instead of one.
        var perFitShared: Bool
    }

    private func batch(_ shape: Shape, random: inout TestRandom) throws -> FitBatch {
        let architecture = try Architecture(shape.layers)
        let d = architecture.inputDimension
        let sharedTerms = (0..<(shape.perFitShared ? shape.fits : 1)).map { _ in
            random.terms(count: shape.shared, offsets: shape.offsets)
        }
        let ownCounts = (0..<shape.fits).map { shape.ownCounts[$0 % shape.ownCounts.count] }
        return FitBatch(architecture: architecture, shared: random.events(count: shape.shared, dimension: d),
                        sharedTerms: sharedTerms, own: ownCounts.map { random.events(count: $0, dimension: d) },
                        ownTerms: ownCounts.map { random.terms(count: $0, offsets: shape.offsets) }, loss: shape.loss)
    }

    private func evaluate(_ engine: LossEngine, _ parameters: [Double], active: [Bool]? = nil) throws -> (loss: [Double], gradient: [Double]) {
        var loss = [Double](repeating: 0, count: engine.batch.fitCount)
        var gradient = [Double](repeating: 0, count: parameters.count)
        try engine.lossAndGradient(parameters: parameters, active: active, loss: &loss, gradient: &gradient)
        return (loss, gradient)
    }

    private func assertClose(_ fast: (loss: [Double], gradient: [Double]), _ reference: (loss: [Double], gradient: [Double]),
                             parameterCount P: Int, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        for t in 0..<reference.loss.count {
            XCTAssertLessThanOrEqual(BackendTolerances.relativeDifference(fast.loss[t], reference.loss[t]), Self.lossTolerance,
                                     "loss of fit \(t): \(message)", file: file, line: line)
            let g = Array(reference.gradient[(t * P)..<((t + 1) * P)]), h = Array(fast.gradient[(t * P)..<((t + 1) * P)])
            XCTAssertLessThanOrEqual(BackendTolerances.largestDifference(h, g), Self.gradientTolerance,
                                     "gradient of fit \(t): \(message)", file: file, line: line)
        }
    }

    /// Random shapes: T ∈ {1, 3, 17, 130}, odd event counts (1, 15, 1000, 20011), d ∈ {1, 5}, the
    /// four architectures of the papers, both loss kinds, with and without offsets, one or T sets of
    /// shared terms. Not a full product: the reference is slow in a debug build.
    func testMatchesReferenceOverRandomShapes() throws {
        let shapes = [
            Shape(layers: [1, 4, 1], fits: 1, shared: 20011, ownCounts: [15], loss: .expLinear, offsets: false, perFitShared: false),
            Shape(layers: [1, 4, 1], fits: 130, shared: 1000, ownCounts: [1, 15], loss: .logistic, offsets: true, perFitShared: false),
            Shape(layers: [1, 4, 1], fits: 3, shared: 15, ownCounts: [20011], loss: .logistic, offsets: false, perFitShared: true),
            Shape(layers: [1, 4, 1], fits: 17, shared: 1000, ownCounts: [1000], loss: .expLinear, offsets: true, perFitShared: true),
            Shape(layers: [5, 50, 1], fits: 3, shared: 1000, ownCounts: [15], loss: .expLinear, offsets: true, perFitShared: true),
            Shape(layers: [5, 50, 1], fits: 1, shared: 15, ownCounts: [1000], loss: .logistic, offsets: false, perFitShared: false),
            Shape(layers: [5, 10, 10, 1], fits: 17, shared: 15, ownCounts: [1000, 1], loss: .logistic, offsets: false, perFitShared: false),
            Shape(layers: [5, 10, 10, 1], fits: 130, shared: 15, ownCounts: [1], loss: .expLinear, offsets: true, perFitShared: true),
            Shape(layers: [5, 5, 5, 5, 1], fits: 17, shared: 1000, ownCounts: [1], loss: .expLinear, offsets: true, perFitShared: false),
            Shape(layers: [5, 5, 5, 5, 1], fits: 1, shared: 0, ownCounts: [20011], loss: .logistic, offsets: true, perFitShared: false),
        ]
        var random = TestRandom(401)
        for shape in shapes {
            let batch = try batch(shape, random: &random)
            let parameters = random.parameters(batch.architecture, fits: shape.fits)
            let reference = try evaluate(ReferenceEngine(batch: batch), parameters)
            let fast = try evaluate(FastCPUEngine(batch: batch, threads: 2), parameters)
            assertClose(fast, reference, parameterCount: batch.parameterCount, "\(shape)")
        }
    }

    /// Every kernel variant this CPU can run (SSE2 without FMA, AVX2, AVX-512) against the reference.
    func testEveryInstructionSetMatchesReference() throws {
        var random = TestRandom(402)
        for kind in LossKind.allCases {
            for layers in [[1, 4, 1], [5, 10, 10, 1]] {
                let shape = Shape(layers: layers, fits: 3, shared: 1000, ownCounts: [15, 1], loss: kind, offsets: true, perFitShared: false)
                let batch = try batch(shape, random: &random)
                let parameters = random.parameters(batch.architecture, fits: shape.fits)
                let reference = try evaluate(ReferenceEngine(batch: batch), parameters)
                for set in FastCPUInstructionSet.allCases where set.isSupported {
                    let fast = try evaluate(FastCPUEngine(batch: batch, threads: 1, instructionSet: set), parameters)
                    assertClose(fast, reference, parameterCount: batch.parameterCount, "\(set), \(shape)")
                }
            }
        }
    }

    /// The unrolled [1,4,1] kernel does the same operations as the general one: the same bits.
    func testUnrolledKernelEqualsGeneralKernel() throws {
        var random = TestRandom(403)
        for kind in LossKind.allCases {
            let shape = Shape(layers: [1, 4, 1], fits: 5, shared: 3001, ownCounts: [17, 2100], loss: kind, offsets: true, perFitShared: false)
            let batch = try batch(shape, random: &random)
            let parameters = random.parameters(batch.architecture, fits: shape.fits)
            let unrolled = try evaluate(FastCPUEngine(batch: batch, threads: 2), parameters)
            let general = try evaluate(FastCPUEngine(batch: batch, threads: 2, unrolledKernels: false), parameters)
            XCTAssertEqual(unrolled.loss, general.loss, "\(kind)")
            XCTAssertEqual(unrolled.gradient, general.gradient, "\(kind)")
        }
    }

    /// A fit gives the same bits alone or in a batch of 5, with 1 or 2 threads, and in two runs:
    /// the chunks depend only on its own event counts.
    func testBitwiseIdenticalAloneInBatchAndAcrossThreadCounts() throws {
        var random = TestRandom(404)
        for kind in LossKind.allCases {
            let architecture = try Architecture([1, 4, 1])
            let reference = random.events(count: 5000, dimension: 1)
            let weights = [Float](repeating: 0.05, count: reference.count)
            let data = (0..<5).map { random.events(count: 90 + 37 * $0, dimension: 1) }
            let five = FitBatch(architecture: architecture, shared: reference,
                                sharedTerms: [EventTerms(a: weights, b: Array(repeating: 0, count: reference.count))],
                                own: data, ownTerms: data.map { .data(count: $0.count) }, loss: kind)
            let alone = FitBatch(architecture: architecture, shared: reference, sharedTerms: five.sharedTerms,
                                 own: [data[3]], ownTerms: [five.ownTerms[3]], loss: kind)
            let parameters = random.parameters(architecture, fits: 5)
            let P = architecture.parameterCount
            let own = Array(parameters[(3 * P)..<(4 * P)])

            let batched1 = try evaluate(FastCPUEngine(batch: five, threads: 1), parameters)
            let batched2 = try evaluate(FastCPUEngine(batch: five, threads: 2), parameters)
            let engine = try FastCPUEngine(batch: alone, threads: 2)
            let alone1 = try evaluate(engine, own), alone2 = try evaluate(engine, own)
            XCTAssertEqual(batched1.loss, batched2.loss, "\(kind): threads 1 vs 2")
            XCTAssertEqual(batched1.gradient, batched2.gradient, "\(kind): threads 1 vs 2")
            XCTAssertEqual(alone1.loss, alone2.loss, "\(kind): two runs")
            XCTAssertEqual(alone1.gradient, alone2.gradient, "\(kind): two runs")
            XCTAssertEqual(alone1.loss[0], batched1.loss[3], "\(kind): alone vs in a batch of 5")
            XCTAssertEqual(alone1.gradient, Array(batched1.gradient[(3 * P)..<(4 * P)]), "\(kind): alone vs in a batch of 5")
        }
    }

    /// Events with a = b = 0 add exactly nothing: a chunk of them leaves loss and gradient unchanged
    /// to the bit (here after 2·2048 events, so the other chunks are the same).
    func testEventsWithoutCoefficientsAddNothing() throws {
        var random = TestRandom(405)
        for kind in LossKind.allCases {
            let architecture = try Architecture([1, 4, 1])
            let events = random.events(count: 2 * FastCPUEngine.chunkSize, dimension: 1)
            let terms = random.terms(count: events.count, offsets: true)
            let extra = EventSet((0..<37).map { Float($0) * 1e3 })
            let padded = events.appending(extra)
            let zeros = [Float](repeating: 0, count: extra.count)
            let paddedTerms = EventTerms(a: terms.a + zeros, b: terms.b + zeros, offset: terms.offset! + zeros)
            let parameters = random.parameters(architecture, fits: 1)
            let plain = try evaluate(FastCPUEngine(batch: FitBatch(architecture: architecture, pool: events, terms: [terms], loss: kind)), parameters)
            let withZeros = try evaluate(FastCPUEngine(batch: FitBatch(architecture: architecture, pool: padded, terms: [paddedTerms], loss: kind)), parameters)
            XCTAssertEqual(plain.loss, withZeros.loss, "\(kind)")
            XCTAssertEqual(plain.gradient, withZeros.gradient, "\(kind)")
        }
    }

    /// Inactive fits are left untouched; a fit whose loss overflows is non-finite and does not
    /// disturb the others.
    func testInactiveAndOverflowingFits() throws {
        var random = TestRandom(406)
        let shape = Shape(layers: [1, 4, 1], fits: 3, shared: 100, ownCounts: [10], loss: .expLinear, offsets: false, perFitShared: false)
        let batch = try batch(shape, random: &random)
        var parameters = random.parameters(batch.architecture, fits: 3)
        let P = batch.parameterCount
        parameters[2 * P - 1] = 200 // output bias of fit 1: e^200 overflows
        let engine = try FastCPUEngine(batch: batch, threads: 2)
        var loss = [Double](repeating: -7, count: 3)
        var gradient = [Double](repeating: -7, count: 3 * P)
        try engine.lossAndGradient(parameters: parameters, active: [true, true, false], loss: &loss, gradient: &gradient)
        XCTAssertFalse(loss[1].isFinite)
        XCTAssertEqual(loss[2], -7)
        XCTAssertEqual(Array(gradient[(2 * P)...]), Array(repeating: -7, count: P))
        let reference = try evaluate(ReferenceEngine(batch: batch), parameters)
        XCTAssertEqual(loss[0], reference.loss[0], accuracy: Self.lossTolerance * abs(reference.loss[0]))
    }

    /// A short training run (Adam, weight clipping) on an NPLM-like batch gives the reference's t.
    func testShortTrainingMatchesReference() throws {
        let architecture = try Architecture([1, 4, 1])
        let benchmark = Benchmark1D(expectedBackground: 100, referenceSize: 1000, signal: .none)
        let reference = benchmark.reference(seed: 5)
        let weights = benchmark.referenceWeights
        let data = (0..<3).map { benchmark.data(seed: 5, toy: UInt32($0)).events }
        let batch = FitBatch.nplm(architecture: architecture, reference: reference, referenceWeights: weights, data: data)
        let initial = (0..<3).flatMap { architecture.initialParameters(seed: 5, toy: UInt32($0)) }
        let options = TrainingOptions(epochs: 200, optimizer: Adam(learningRate: 0.01), clipping: WeightClipping(bound: 9))
        let slow = try Trainer.train(backend: HostTrainingLoop(engine: ReferenceEngine(batch: batch), clipping: options.clipping),
                                     initialParameters: initial, options: options)
        let fast = try Trainer.train(backend: BackendFactory.make(BackendRequest(kind: .cpu, threads: 2), batch: batch, clipping: options.clipping),
                                     initialParameters: initial, options: options)
        for (s, f) in zip(slow, fast) {
            XCTAssertLessThanOrEqual(BackendTolerances.statisticDifference(f.t, s.t), Self.trainingTolerance, "t: \(f.t) vs reference \(s.t)")
        }
    }
}
