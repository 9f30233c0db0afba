import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// An engine whose loss and gradient are fixed numbers, to test the optimizer by hand.
private final class ConstantEngine: LossEngine {
    let batch: FitBatch
    let name = "constant"
    var lossValue: Double
    let gradientValue: [Double]

    init(batch: FitBatch, loss: Double, gradient: [Double]) {
        self.batch = batch
        lossValue = loss
        gradientValue = gradient
    }

    func lossAndGradient(parameters: [Double], active: [Bool]?, loss: inout [Double], gradient: inout [Double]) throws {
        for t in 0..<batch.fitCount where active?[t] ?? true {
            loss[t] = lossValue
            for k in 0..<gradientValue.count { gradient[t * gradientValue.count + k] = gradientValue[k] }
        }
    }
}

final class TrainerTests: XCTestCase {
    private func tinyBatch() throws -> FitBatch {
        try FitBatch(architecture: Architecture([1, 1, 1]), pool: EventSet([0]), terms: [EventTerms(a: [1], b: [1])])
    }

    /// One Adam step written out by hand: m = (1 − β₁)g, v = (1 − β₂)g², α₁ = lr·√(1 − β₂)/(1 − β₁),
    /// θ ← θ − α₁·m/(√v + ε).
    func testOneAdamStepMatchesHandComputation() throws {
        // [1,1,1] layout: w1, c1, v1, d.
        let g: [Double] = [0.5, -2, 1e-3, 0]
        let engine = ConstantEngine(batch: try tinyBatch(), loss: 1, gradient: g)
        let loop = HostTrainingLoop(engine: engine)
        var state = TrainingState(parameters: [1, 2, 3, 4], fitCount: 1)
        try loop.advance(&state, epochs: 1, optimizer: Adam(), clipping: nil)
        let alpha = 1e-3 * (1 - 0.999).squareRoot() / (1 - 0.9)
        for k in 0..<4 {
            let m = 0.1 * g[k], v = 0.001 * g[k] * g[k]
            let expected = [1.0, 2, 3, 4][k] - alpha * m / (v.squareRoot() + 1e-7)
            XCTAssertEqual(state.parameters[k], expected, accuracy: 1e-15)
            XCTAssertEqual(state.firstMoment[k], m, accuracy: 1e-16)
        }
        XCTAssertEqual(state.epoch, 1)
    }

    /// Clipping clamps weights only by default, biases too with `includeBiases`.
    func testClippingStep() throws {
        let g: [Double] = [-1, -1, 1, 1]  // pushes w1, c1 up and v1, d down
        let engine = ConstantEngine(batch: try tinyBatch(), loss: 1, gradient: g)
        let start: [Double] = [0.9995, 0.9995, -0.9995, -0.9995]
        var state = TrainingState(parameters: start, fitCount: 1)
        try HostTrainingLoop(engine: engine).advance(&state, epochs: 1, optimizer: Adam(), clipping: WeightClipping(bound: 1))
        // The unclipped step is ≈ lr = 1e-3: weights w1 and v1 stop at ±1, biases c1 and d pass it.
        XCTAssertEqual(state.parameters[0], 1)
        XCTAssertEqual(state.parameters[2], -1)
        XCTAssertGreaterThan(state.parameters[1], 1)
        XCTAssertLessThan(state.parameters[3], -1)

        var both = TrainingState(parameters: start, fitCount: 1)
        try HostTrainingLoop(engine: engine).advance(&both, epochs: 1, optimizer: Adam(),
                                                     clipping: WeightClipping(bound: 1, includeBiases: true))
        XCTAssertEqual(both.parameters, [1, 1, -1, -1])
    }

    /// `advance` clips as its own argument says, whatever clipping the loop was made with.
    func testAdvanceClipsWithTheClippingItIsGiven() throws {
        let g: [Double] = [-1, -1, 1, 1]
        let engine = ConstantEngine(batch: try tinyBatch(), loss: 1, gradient: g)
        let start: [Double] = [0.9995, 0.9995, -0.9995, -0.9995]
        let loop = HostTrainingLoop(engine: engine, clipping: WeightClipping(bound: 1))
        var both = TrainingState(parameters: start, fitCount: 1)
        try loop.advance(&both, epochs: 1, optimizer: Adam(), clipping: WeightClipping(bound: 1, includeBiases: true))
        XCTAssertEqual(both.parameters, [1, 1, -1, -1])
        var tighter = TrainingState(parameters: start, fitCount: 1)
        try loop.advance(&tighter, epochs: 1, optimizer: Adam(), clipping: WeightClipping(bound: 0.5))
        XCTAssertEqual(tighter.parameters[0], 0.5)
        XCTAssertEqual(tighter.parameters[2], -0.5)
        XCTAssertGreaterThan(tighter.parameters[1], 1)
        var free = TrainingState(parameters: start, fitCount: 1)
        try loop.advance(&free, epochs: 1, optimizer: Adam(), clipping: nil)
        XCTAssertGreaterThan(free.parameters[0], 1)
        XCTAssertLessThan(free.parameters[2], -1)
    }

    func testNonFiniteLossMarksTheFitDivergedAndFreezesIt() throws {
        let engine = ConstantEngine(batch: try tinyBatch(), loss: 1, gradient: [1, 1, 1, 1])
        let loop = HostTrainingLoop(engine: engine)
        var state = TrainingState(parameters: [0, 0, 0, 0], fitCount: 1)
        try loop.advance(&state, epochs: 3, optimizer: Adam(), clipping: nil)
        let before = state.parameters
        engine.lossValue = .infinity
        try loop.advance(&state, epochs: 2, optimizer: Adam(), clipping: nil)
        XCTAssertEqual(state.divergedAt, [3])
        XCTAssertEqual(state.parameters, before)
    }

    func testCheckpoints() {
        XCTAssertEqual(TrainingOptions(epochs: 10, historyEvery: 4).checkpoints, [4, 8, 10])
        XCTAssertEqual(TrainingOptions(epochs: 8, historyEvery: 4).checkpoints, [4, 8])
        XCTAssertEqual(TrainingOptions(epochs: 8).checkpoints, [8])
    }

    /// A [1,4,1] network on a toy with a strong NP1 signal lowers the loss and gives t clearly
    /// above the same training on a null toy.
    func testTrainingFindsAnInjectedSignal() throws {
        let architecture = try Architecture([1, 4, 1])
        let seed: UInt64 = 17
        let signal = Benchmark1D(expectedBackground: 300, referenceSize: 1500, signal: .np1, signalEvents: 20)
        let null = Benchmark1D(expectedBackground: 300, referenceSize: 1500)
        let reference = signal.reference(seed: seed)
        let weights = signal.referenceWeights
        let batch = FitBatch.nplm(architecture: architecture, reference: reference, referenceWeights: weights,
                                  data: [signal.data(seed: seed, toy: 0).events, null.data(seed: seed, toy: 0).events])
        let options = TrainingOptions(epochs: 1500, historyEvery: 500, optimizer: Adam(learningRate: 0.01),
                                      clipping: WeightClipping(bound: 9))
        let initial = architecture.initialParameters(seed: seed, toy: 0) + architecture.initialParameters(seed: seed, toy: 1)
        let backend = HostTrainingLoop(engine: ReferenceEngine(batch: batch))
        let startLoss = try backend.losses(TrainingState(parameters: initial, fitCount: 2))
        let outcomes = try Trainer.train(backend: backend, initialParameters: initial, options: options)
        XCTAssertLessThan(outcomes[0].finalLoss, startLoss[0])
        XCTAssertEqual(outcomes[0].history.map(\.epoch), [500, 1000, 1500])
        XCTAssertFalse(outcomes[0].diverged)
        XCTAssertGreaterThan(outcomes[0].t, 0)
        XCTAssertGreaterThan(outcomes[0].t, outcomes[1].t + 20, "signal t \(outcomes[0].t), null t \(outcomes[1].t)")
    }
}
