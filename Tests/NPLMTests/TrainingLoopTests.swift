import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The one host training loop over its three gradient sources (the networks of an engine, a
/// network with nuisance parameters, the δ̂ networks) and the trainer that schedules it.
final class TrainingLoopTests: XCTestCase {
    // MARK: - The δ̂ networks

    /// The δ̂ training as it was before it ran on the host training loop (its own Adam loop, as of
    /// fef98e6), kept here to show that the loop and the trainer reproduce it bit for bit.
    static func formerDeltaTraining(data: ShapeTrainingData, architecture: Architecture, order: Int, options: TrainingOptions,
                                    seed: UInt64, threads: Int) throws -> DeltaTrainingResult {
        var networks = try DeltaNetworks.initial(architecture: architecture, order: order, seed: seed)
        let count = networks.parameters.count
        var firstMoment = [Double](repeating: 0, count: count), secondMoment = firstMoment
        let clipMask = options.clipping.map { clipping in (0..<order).flatMap { _ in clipping.mask(for: architecture) } }
        let checkpoints = Set(options.checkpoints)
        var history: [HistoryPoint] = []
        var initialLoss = Double.nan
        for epoch in 1...options.epochs {
            let (loss, gradient) = DeltaLoss.valueAndGradient(networks: networks, data: data, threads: threads)
            if epoch == 1 { initialLoss = loss }
            guard loss.isFinite, gradient.allSatisfy(\.isFinite) else {
                throw NPLMError.invalidArgument("the δ̂ training diverged at epoch \(epoch) (non-finite loss or gradient): lower the learning rate")
            }
            if checkpoints.contains(epoch - 1) { history.append(HistoryPoint(epoch: epoch - 1, loss: loss)) }
            var parameters = networks.parameters[...]
            var m = firstMoment[...], v = secondMoment[...]
            options.optimizer.update(parameters: &parameters, firstMoment: &m, secondMoment: &v, gradient: gradient[...],
                                     stepSize: options.optimizer.stepSize(step: epoch))
            networks.parameters = Array(parameters)
            firstMoment = Array(m)
            secondMoment = Array(v)
            if let clipping = options.clipping, let clipMask {
                for index in 0..<count where clipMask[index] { networks.parameters[index] = clipping.clamp(networks.parameters[index]) }
            }
        }
        let finalLoss = DeltaLoss.value(networks: networks, data: data, threads: threads)
        guard finalLoss.isFinite else {
            throw NPLMError.invalidArgument("the δ̂ training diverged at its last epoch (non-finite loss): lower the learning rate")
        }
        history.append(HistoryPoint(epoch: options.epochs, loss: finalLoss))
        return DeltaTrainingResult(networks: networks, initialLoss: initialLoss, finalLoss: finalLoss, history: history)
    }

    /// The outcome of a training as a comparable value: the result, or the error's message.
    static func outcome(_ train: () throws -> DeltaTrainingResult) -> String {
        do {
            let result = try train()
            return "\(result.networks.parameters) \(result.initialLoss) \(result.finalLoss) \(result.history)"
        } catch {
            return "\(error)"
        }
    }

    func testDeltaTrainingOnTheLoopIsTheFormerLoopBitForBit() throws {
        let data = try ScaleNuisance1D.samples(nus: [0.2, -0.2, 0.4, -0.4], events: 300, seed: 4)
        // An event at x = 0 makes an infinite weight give NaN (∞ · 0): a learning rate of 1e308
        // overflows the parameters within a few steps.
        let zero = EventSet([0] + (1...50).map { Float($0) / 10 })
        let diverging = try ShapeTrainingData(points: [(0.1, try WeightedSample(events: zero, total: 51), try WeightedSample(events: zero, total: 51)),
                                                       (-0.1, try WeightedSample(events: zero, total: 51), try WeightedSample(events: zero, total: 51))])
        let cases: [(ShapeTrainingData, [Int], Int, TrainingOptions, Int)] = [
            (data, [1, 4, 1], 2, TrainingOptions(epochs: 25, optimizer: Adam(learningRate: 0.05)), 1),
            (data, [1, 5, 3, 1], 3, TrainingOptions(epochs: 30, historyEvery: 7, optimizer: Adam(learningRate: 0.05),
                                                    clipping: WeightClipping(bound: 0.4, includeBiases: true)), 2),
            (data, [1, 4, 1], 1, TrainingOptions(epochs: 20, historyEvery: 5, optimizer: Adam(learningRate: 0.1),
                                                 clipping: WeightClipping(bound: 0.3)), 2),
            (diverging, [1, 4, 1], 1, TrainingOptions(epochs: 30, optimizer: Adam(learningRate: 1e308)), 1),
            (diverging, [1, 4, 1], 1, TrainingOptions(epochs: 3, optimizer: Adam(learningRate: 1e308)), 1),
        ]
        var messages: [String] = []
        for (data, layers, order, options, threads) in cases {
            let architecture = try Architecture(layers)
            let former = Self.outcome {
                try Self.formerDeltaTraining(data: data, architecture: architecture, order: order, options: options, seed: 3, threads: threads)
            }
            let now = Self.outcome {
                try DeltaTraining.train(data: data, architecture: architecture, order: order, options: options, seed: 3, threads: threads)
            }
            XCTAssertEqual(now, former, "\(layers), order \(order), \(options)")
            messages.append(now)
        }
        XCTAssertTrue(messages[3].hasPrefix("the δ̂ training diverged at epoch "), messages[3])
        XCTAssertEqual(messages[4], "the δ̂ training diverged at its last epoch (non-finite loss): lower the learning rate")
    }

    /// Progress every epoch, and none after the epoch at which the training diverged.
    func testDeltaTrainingProgressStopsAtDivergence() throws {
        let zero = EventSet([0] + (1...50).map { Float($0) / 10 })
        let sample = try WeightedSample(events: zero, total: 51)
        let data = try ShapeTrainingData(points: [(0.1, sample, sample), (-0.1, sample, sample)])
        var epochs: [Int] = []
        XCTAssertThrowsError(try DeltaTraining.train(data: data, architecture: try Architecture([1, 4, 1]), order: 1,
                                                     options: TrainingOptions(epochs: 30, optimizer: Adam(learningRate: 1e308)),
                                                     seed: 3, progress: { epochs.append($0) })) { error in
            let words = "\(error)".split(separator: " ")
            guard words.count > 6, let epoch = Int(words[6]) else { return XCTFail("diverged at no epoch: \(error)") }
            XCTAssertEqual(epochs, Array(1..<epoch), "\(error)")
        }
        epochs = []
        _ = try DeltaTraining.train(data: try ScaleNuisance1D.samples(nus: [0.2, -0.2], events: 50, seed: 1),
                                    architecture: try Architecture([1, 3, 1]), order: 1,
                                    options: TrainingOptions(epochs: 12, historyEvery: 5), seed: 1, progress: { epochs.append($0) })
        XCTAssertEqual(epochs, Array(1...12))
    }

    // MARK: - A network with nuisance parameters

    /// The mask of the nuisance fits: the τ fit's network weights (and biases with
    /// `includeBiases`) are clamped, ν never, the Δ fit's network stays f ≡ 0; and `advance`
    /// clips as its own argument says even when the loop was made without clipping.
    func testNuisanceFitsClipTheNetworkOnly() throws {
        let problem = try NuisanceTests.Problem(dataSamples: 1)
        let batch = try problem.batch()
        let P = problem.architecture.parameterCount, S = P + problem.model.count
        let gradients = NuisanceGradients(engine: ReferenceEngine(batch: batch), model: problem.model, centrals: [[0.3, 0.2], [0.3, 0.2]],
                                          trainsNetwork: NuisanceTest.trainsNetwork(tests: 1))
        let mask = gradients.clippingMask(WeightClipping(bound: 1))
        XCTAssertEqual(Array(mask[0..<P]), problem.architecture.weightMask)
        XCTAssertEqual(Array(mask[P...]), Array(repeating: false, count: S + problem.model.count), "ν and the Δ fit are not clipped")
        XCTAssertEqual(Array(gradients.clippingMask(WeightClipping(bound: 1, includeBiases: true))[0..<S]),
                       Array(repeating: true, count: P) + [false, false])

        var network = problem.architecture.initialParameters(seed: 2, toy: 0)
        for k in network.indices { network[k] = 0.5 + 0.01 * Double(k) }
        var initial = NuisanceTest.initialParameters(networks: [network], model: problem.model)
        for t in 0..<2 { initial[t * S + P] = 0.5; initial[t * S + P + 1] = -0.5 }
        let bound = 0.05
        for clipping in [WeightClipping(bound: bound), WeightClipping(bound: bound, includeBiases: true)] {
            let loop = HostTrainingLoop(source: gradients)
            var state = TrainingState(parameters: initial, fitCount: 2)
            try loop.advance(&state, epochs: 2, optimizer: Adam(), clipping: clipping)
            let clipped = clipping.mask(for: problem.architecture)
            for k in 0..<P {
                if clipped[k] {
                    XCTAssertLessThanOrEqual(abs(state.parameters[k]), bound, "parameter \(k)")
                } else {
                    XCTAssertGreaterThan(abs(state.parameters[k]), bound, "bias \(k) is not clipped")
                }
            }
            XCTAssertGreaterThan(abs(state.parameters[P]), 0.4, "ν of τ is not clipped")
            XCTAssertGreaterThan(abs(state.parameters[P + 1]), 0.4, "ν of τ is not clipped")
            XCTAssertEqual(Array(state.parameters[S..<(S + P)]), Array(repeating: 0, count: P), "Δ: f ≡ 0")
            XCTAssertGreaterThan(abs(state.parameters[S + P]), 0.4, "ν of Δ is not clipped")
        }
    }

    /// `BackendFactory` builds the nuisance fits' backend on the engine it chooses: the host loop
    /// over `NuisanceGradients` over that engine.
    func testFactoryBuildsTheNuisanceBackend() throws {
        let problem = try NuisanceTests.Problem(dataSamples: 2)
        let batch = try problem.batch()
        for (kind, engine) in [(BackendKind.reference, "ReferenceEngine"), (.cpu, "FastCPUEngine")] {
            let backend = try NuisanceTest.backend(BackendRequest(kind: kind, threads: 1), batch: batch, model: problem.model,
                                                   centrals: [[0, 0], [0.1, 0]], clipping: WeightClipping(bound: 9))
            let loop = try XCTUnwrap(backend as? HostTrainingLoop)
            let gradients = try XCTUnwrap(loop.source as? NuisanceGradients)
            XCTAssertEqual(String(describing: type(of: gradients.engine)), engine)
            XCTAssertTrue(backend.lossEngine === gradients.engine)
            XCTAssertEqual(gradients.centrals, [[0, 0], [0, 0], [0.1, 0], [0.1, 0]])
            XCTAssertEqual(backend.fitCount, 4)
            XCTAssertEqual(backend.name, gradients.engine.name)
            XCTAssertEqual(String(describing: type(of: try BackendFactory.engine(BackendRequest(kind: kind, threads: 1), batch: batch))), engine)
        }
    }

    // MARK: - The trainer

    /// Progress at extra epochs leaves the training and its history as they are.
    func testProgressEveryDoesNotChangeTheTraining() throws {
        let architecture = try Architecture([1, 3, 1])
        let benchmark = Benchmark1D(expectedBackground: 50, referenceSize: 300)
        let batch = FitBatch.nplm(architecture: architecture, reference: benchmark.reference(seed: 2),
                                  referenceWeights: benchmark.referenceWeights, data: [benchmark.data(seed: 2, toy: 0).events])
        let initial = architecture.initialParameters(seed: 2, toy: 0)
        let options = TrainingOptions(epochs: 10, historyEvery: 4, optimizer: Adam(learningRate: 0.01), clipping: WeightClipping(bound: 1))
        var plain: [Int] = [], every: [Int] = []
        let expected = try Trainer.train(backend: HostTrainingLoop(engine: ReferenceEngine(batch: batch)), initialParameters: initial,
                                         options: options, progress: { plain.append($0) })
        let run = try Trainer.run(backend: HostTrainingLoop(engine: ReferenceEngine(batch: batch)), initialParameters: initial,
                                  options: options, progressEvery: 3, progress: { every.append($0) })
        XCTAssertEqual(run.outcomes, expected)
        XCTAssertEqual(plain, [4, 8, 10])
        XCTAssertEqual(every, [3, 4, 6, 8, 9, 10])
        XCTAssertEqual(run.initialLosses, try ReferenceEngine(batch: batch).loss(parameters: initial))
        XCTAssertEqual(expected[0].history.map(\.epoch), [4, 8, 10])
    }

    // MARK: - Formulas

    func testTauMinusDelta() throws {
        XCTAssertEqual(TestStatistic.t(tau: 5.5, delta: 2.25), 3.25)
        let record = NuisanceRecord(names: ["norm"], sigmas: [0.1], central: [0], truth: nil, tau: 7, delta: 1.5, tauNuisances: [0],
                                    deltaNuisances: [0], tauPulls: [0], deltaPulls: [0], tauDiverged: false, deltaDiverged: false)
        XCTAssertEqual(record.t, 5.5)
    }

    /// The one σ: the network form and the kernel model's form are the same number up to the last
    /// bit, equal for z ≥ 0; the δ̂ loss's c = σ(−s) and 1 − c = σ(s).
    func testLogisticForms() {
        var random = TestRandom(8)
        for _ in 0..<1000 {
            let z = random.uniform(-40, 40)
            let a = Logistic.sigmoid(z), b = Logistic.sigmoidSplitAtZero(z)
            XCTAssertEqual(a, b, accuracy: 2 * a.ulp)
            if z >= 0 { XCTAssertEqual(a, b) }
            let term = DeltaLoss.term(logRatio: z, varied: true)
            XCTAssertEqual(term.value, Logistic.sigmoid(-z) * Logistic.sigmoid(-z))
            XCTAssertEqual(WeightedLogisticLoss.softplus(z), Logistic.softplus(z))
            XCTAssertEqual(LossKind.sigmoid(z), a)
        }
        XCTAssertEqual(Logistic.sigmoid(-800), 0)
        XCTAssertEqual(Logistic.sigmoid(800), 1)
        XCTAssertGreaterThan(Logistic.sigmoidSplitAtZero(-720), 0, "the subnormal tail")
    }
}

/// The one Double network pass.
final class NetworkBlockTests: XCTestCase {
    /// A block of many events is the per-event reference network: the same f at every event, and
    /// (left to right) the same gradient as the reference's event-by-event accumulation, bit for
    /// bit; the δ̂ networks' product order (σ' first) differs by a few ulps only.
    func testBlockIsTheReferenceNetwork() throws {
        var random = TestRandom(5)
        for layers in [[1, 4, 1], [3, 5, 4, 1]] {
            let architecture = try Architecture(layers)
            let P = architecture.parameterCount, n = 37
            let parameters = random.parameters(architecture, fits: 2)
            let events = random.events(count: n, dimension: architecture.inputDimension)
            let upstream = (0..<(2 * n)).map { _ in random.uniform(-1, 1) }
            var reference = ReferenceNetwork(architecture: architecture)
            var expected = ArraySlice([Double](repeating: 0, count: 2 * P))
            var f: [[Double]] = [[], []]
            for k in 0..<2 {
                var gradient = ArraySlice([Double](repeating: 0, count: P))
                for e in 0..<n {
                    let x = (0..<events.dimension).map { Double(events.value(event: e, feature: $0)) }
                    f[k].append(reference.forward(parameters[(k * P)..<((k + 1) * P)], input: x))
                    reference.backward(parameters[(k * P)..<((k + 1) * P)], upstream: upstream[k * n + e], into: &gradient)
                }
                for index in 0..<P { expected[k * P + index] = gradient[index] }
            }
            for product in [NetworkBlock.SlopeProduct.leftToRight, .slopeFirst] {
                var block = NetworkBlock(architecture: architecture, networks: 2, capacity: n, slopeProduct: product)
                block.load(events: events, range: 0..<n)
                block.forward(parameters[...])
                for k in 0..<2 {
                    XCTAssertEqual((0..<n).map { block.output(network: k, event: $0) }, f[k], "\(layers)")
                }
                var gradient = ArraySlice([Double](repeating: 0, count: 2 * P))
                block.backward(parameters[...], upstream: upstream, into: &gradient)
                if product == .leftToRight {
                    XCTAssertEqual(Array(gradient), Array(expected), "\(layers)")
                } else {
                    XCTAssertLessThanOrEqual(maxRelativeDifference(Array(gradient), Array(expected), scale: expected.map(abs).max()!), 1e-14)
                }
            }
            XCTAssertEqual(ReferenceNetwork.evaluate(architecture: architecture, parameters: parameters[0..<P], events: events), f[0])
        }
    }

    /// The δ̂ networks' coefficients are the reference network's f, bit for bit.
    func testDeltaCoefficientsAreTheReferenceNetwork() throws {
        var random = TestRandom(6)
        let architecture = try Architecture([2, 5, 3, 1])
        let networks = try DeltaNetworks(architecture: architecture, order: 3, parameters: random.parameters(architecture, fits: 3))
        let events = random.events(count: 600, dimension: 2)
        let coefficients = networks.coefficients(for: events)
        for k in 1...3 {
            XCTAssertEqual(coefficients[k - 1], ReferenceNetwork.evaluate(architecture: architecture, parameters: networks.parameters(ofCoefficient: k),
                                                                          events: events))
        }
    }
}
