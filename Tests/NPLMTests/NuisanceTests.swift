import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

final class NuisanceTests: XCTestCase {
    /// Central finite differences in Double at h = 1e-5: truncation O(h²) and rounding O(ε·L/h)
    /// are both far below this, relative to the largest gradient component.
    static let finiteDifferenceTolerance = 1e-6
    /// Loss against the formula written out in Double: the offset basis is stored in float32 (as
    /// the events are), so each δ_k(x_i) carries a relative rounding of 2⁻²⁴ ≈ 6e-8, which enters
    /// the loss multiplied by ν^k/k! (< 1): 1e-8 relative bounds it with room.
    static let formulaTolerance = 1e-8

    /// A small problem: positive 1-D events (the scale nuisance's domain), reference weight 0.1.
    struct Problem {
        let architecture: Architecture
        let model: NuisanceModel
        let reference: EventSet
        let data: [EventSet]
        let weight: Float = 0.1

        init(order: Int = 2, dataSamples: Int = 2, seed: UInt64 = 21) throws {
            var random = TestRandom(seed)
            architecture = try Architecture([1, 3, 1])
            model = try NuisanceModel([
                Nuisance(name: "scale", kind: .shape(try ScaleShapeEffect(order: order)), sigma: 0.15),
                Nuisance(name: "norm", kind: .normalization, sigma: 0.1),
            ])
            reference = EventSet(random.floats(60, 0, 4))
            data = (0..<dataSamples).map { j in EventSet(random.floats(8 + 3 * j, 0, 4)) }
        }

        func batch() throws -> FitBatch {
            try NuisanceTest.batch(architecture: architecture, model: model, reference: reference,
                                   referenceWeights: Array(repeating: weight, count: reference.count),
                                   referenceBasis: model.basis(for: reference, source: "reference"), data: data,
                                   dataSource: { "data \($0)" })
        }

        /// L(w, ν) of one fit written out: Σ_R w (e^{f+o} − 1) − Σ_D (f + o) + A(ν), with the exact
        /// Taylor coefficients of the scale nuisance.
        func formula(network: ArraySlice<Double>, nu: [Double], central: [Double], data: EventSet, order: Int) -> Double {
            func offset(_ x: Double) -> Double {
                var o = nu[1]
                var factorial = 1.0
                for k in 1...order {
                    factorial *= Double(k)
                    o += Foundation.pow(nu[0], Double(k)) / factorial * ScaleShapeEffect.coefficient(k, x: x)
                }
                return o
            }
            let f = { (events: EventSet) in ReferenceNetwork.evaluate(architecture: architecture, parameters: network, events: events) }
            var loss = 0.0
            for (i, fi) in f(reference).enumerated() {
                let x = Double(reference.value(event: i, feature: 0))
                loss += Double(weight) * (Foundation.exp(fi + offset(x)) - 1)
            }
            for (i, fi) in f(data).enumerated() { loss -= fi + offset(Double(data.value(event: i, feature: 0))) }
            let sigmas = [0.15, 0.1]
            for j in 0..<2 {
                loss += 0.5 * (Foundation.pow((central[j] - nu[j]) / sigmas[j], 2) - Foundation.pow(central[j] / sigmas[j], 2))
            }
            return loss
        }
    }

    func testScaleEffectIsTheTaylorSeriesOfTheExactLogRatio() throws {
        // Σ_{k ≤ 4} ν^k/k! δ_k(x) against x(1 − e^{−ν}) − ν: the remainder is O(ν⁵ x) ≈ 1e-12 here.
        let effect = try ScaleShapeEffect(order: 4)
        let events = EventSet([0, 0.5, 1, 3, 7.5])
        let deltas = try effect.coefficients(for: events)
        let model = try NuisanceModel([Nuisance(name: "s", kind: .shape(effect), sigma: 1)])
        for nu in [-0.004, 0.003] {
            for i in 0..<events.count {
                let x = Double(events.value(event: i, feature: 0))
                let truncated = model.logRatio(nu: [nu], basisRow: deltas.map { $0[i] })
                XCTAssertEqual(truncated, ScaleShapeEffect.exactLogRatio(x: x, nu: nu), accuracy: 1e-11)
            }
        }
        XCTAssertThrowsError(try ScaleShapeEffect(order: 5))
        XCTAssertThrowsError(try effect.coefficients(for: EventSet(dimension: 2, count: 1, features: [1, 2])))
    }

    func testLossMatchesTheFormula() throws {
        let problem = try Problem()
        let batch = try problem.batch()
        let P = problem.architecture.parameterCount, n = problem.model.count
        var random = TestRandom(5)
        let networks = (0..<problem.data.count).map { _ in random.parameters(problem.architecture, fits: 1) }
        let centrals = [[0.05, -0.02], [-0.1, 0.08]]
        var parameters = NuisanceTest.initialParameters(networks: networks, model: problem.model)
        for t in 0..<batch.fitCount { parameters[t * (P + n) + P] = 0.12 * Double(t + 1); parameters[t * (P + n) + P + 1] = -0.03 * Double(t) }
        let loop = NuisanceGradients(engine: ReferenceEngine(batch: batch), model: problem.model,
                                     centrals: centrals.flatMap { [$0, $0] }, trainsNetwork: NuisanceTest.trainsNetwork(tests: 2))
        let loss = try loop.lossAndGradient(parameters: parameters).loss
        for t in 0..<batch.fitCount {
            let range = (t * (P + n))..<(t * (P + n) + P)
            let expected = problem.formula(network: parameters[range], nu: Array(parameters[(range.upperBound)..<(range.upperBound + n)]),
                                           central: centrals[t / 2], data: problem.data[t / 2], order: 2)
            XCTAssertEqual(loss[t], expected, accuracy: Self.formulaTolerance * max(1, abs(expected)), "fit \(t)")
        }
    }

    func testGradientMatchesFiniteDifferences() throws {
        for order in [1, 2, 4] {
            let problem = try Problem(order: order)
            let batch = try problem.batch()
            let P = problem.architecture.parameterCount, n = problem.model.count, S = P + n
            var random = TestRandom(UInt64(order))
            let networks = (0..<problem.data.count).map { _ in random.parameters(problem.architecture, fits: 1) }
            var parameters = NuisanceTest.initialParameters(networks: networks, model: problem.model)
            for t in 0..<batch.fitCount { parameters[t * S + P] = random.uniform(-0.3, 0.3); parameters[t * S + P + 1] = random.uniform(-0.2, 0.2) }
            let loop = NuisanceGradients(engine: ReferenceEngine(batch: batch), model: problem.model,
                                         centrals: [[0.1, 0.05], [0.1, 0.05], [-0.2, 0.0], [-0.2, 0.0]],
                                         trainsNetwork: NuisanceTest.trainsNetwork(tests: 2))
            let gradient = try loop.lossAndGradient(parameters: parameters).gradient
            let h = 1e-5
            for t in 0..<batch.fitCount {
                let trains = t % 2 == 0
                var numeric: [Double] = [], analytic: [Double] = []
                for k in 0..<S {
                    if !trains && k < P {
                        XCTAssertEqual(gradient[t * S + k], 0, "a Δ fit's network gradient is zero")
                        continue
                    }
                    var plus = parameters, minus = parameters
                    plus[t * S + k] += h
                    minus[t * S + k] -= h
                    numeric.append((try loop.lossAndGradient(parameters: plus).loss[t] - loop.lossAndGradient(parameters: minus).loss[t]) / (2 * h))
                    analytic.append(gradient[t * S + k])
                }
                let scale = analytic.map(abs).max()!
                XCTAssertLessThanOrEqual(maxRelativeDifference(analytic, numeric, scale: scale), Self.finiteDifferenceTolerance,
                                         "order \(order), fit \(t)")
            }
        }
    }

    /// Δ alone has a closed form when only the normalisation is a nuisance: with N(R₀) = Σ w and
    /// N_D events, min over ν of N(R₀)(e^ν − 1) − N_D ν + ν²/(2σ²) (ν̂ = 0) is found by Newton here.
    func testDeltaFitMatchesTheClosedForm() throws {
        let problem = try Problem(dataSamples: 1)
        let model = try NuisanceModel([Nuisance(name: "norm", kind: .normalization, sigma: 0.1)])
        let weight: Float = 0.2 // N(R₀) = 12, N_D = 8
        let batch = try NuisanceTest.batch(architecture: problem.architecture, model: model, reference: problem.reference,
                                           referenceWeights: Array(repeating: weight, count: problem.reference.count),
                                           referenceBasis: [], data: problem.data, dataSource: { "data \($0)" })
        let backend = HostTrainingLoop(source: NuisanceGradients(engine: ReferenceEngine(batch: batch), model: model, centrals: [[0], [0]],
                                                                 trainsNetwork: NuisanceTest.trainsNetwork(tests: 1)))
        let networks = [problem.architecture.initialParameters(seed: 3, toy: 0)]
        let fits = try Trainer.train(backend: backend, initialParameters: NuisanceTest.initialParameters(networks: networks, model: model),
                                     options: TrainingOptions(epochs: 600, optimizer: Adam(learningRate: 0.02)))
        let outcome = NuisanceTest.outcomes(fits, model: model, centrals: [[0]], parameterCount: problem.architecture.parameterCount)[0]
        let nR = Double(weight) * Double(problem.reference.count), nD = Double(problem.data[0].count), s2 = 0.01
        var nu = 0.0
        for _ in 0..<50 { nu -= (nR * Foundation.exp(nu) - nD + nu / s2) / (nR * Foundation.exp(nu) + 1 / s2) }
        let delta = -2 * (nR * (Foundation.exp(nu) - 1) - nD * nu + nu * nu / (2 * s2))
        XCTAssertEqual(outcome.deltaNuisances[0], nu, accuracy: 1e-4)
        XCTAssertEqual(outcome.delta.t, delta, accuracy: 1e-6)
        XCTAssertEqual(Array(outcome.delta.finalParameters[0..<problem.architecture.parameterCount]),
                       Array(repeating: 0, count: problem.architecture.parameterCount), "f ≡ 0 in the Δ fit")
        XCTAssertGreaterThanOrEqual(outcome.tau.t, outcome.delta.t - 1e-6, "τ minimises over more than Δ")
    }

    func testBadNuisanceInput() throws {
        XCTAssertThrowsError(try Nuisance(name: "n", kind: .normalization, sigma: 0))
        XCTAssertThrowsError(try Nuisance(name: "n", kind: .normalization, sigma: -1))
        XCTAssertThrowsError(try Nuisance(name: "n", kind: .normalization, sigma: .nan))
        let scale = try Nuisance(name: "s", kind: .shape(try ScaleShapeEffect(order: 2)), sigma: 0.1)
        XCTAssertThrowsError(try NuisanceModel([scale, scale]))
        XCTAssertThrowsError(try NuisanceModel([scale]).basis(for: EventSet(dimension: 2, count: 1, features: [0, 1]), source: "data.npy")) { error in
            XCTAssertTrue("\(error)".contains("data.npy"), "\(error)")
        }
    }

    /// The fast CPU engine with nuisances against the reference: float32 per event (as for the
    /// plain loss, FastCPUEngineTests' tolerances): loss 1e-5 relative, every gradient component
    /// (network and ν) within 1e-4 of the largest.
    static let fastLossTolerance = 1e-5
    static let fastGradientTolerance = 1e-4

    func testFastCPUEngineMatchesTheReference() throws {
        for (layers, unrolled) in [([1, 4, 1], true), ([1, 4, 1], false), ([1, 5, 3, 1], true)] {
            let problem = try Problem(order: 3, dataSamples: 3, seed: 31)
            let architecture = try Architecture(layers)
            var base = try problem.batch()
            base = FitBatch(architecture: architecture, shared: base.shared, sharedTerms: base.sharedTerms, own: base.own,
                            ownTerms: base.ownTerms)
            let P = architecture.parameterCount, n = problem.model.count, S = P + n
            var random = TestRandom(7)
            let networks = (0..<3).map { _ in random.parameters(architecture, fits: 1) }
            var parameters = NuisanceTest.initialParameters(networks: networks, model: problem.model)
            for t in 0..<base.fitCount { parameters[t * S + P] = random.uniform(-0.3, 0.3); parameters[t * S + P + 1] = random.uniform(-0.2, 0.2) }
            let centrals = (0..<6).map { _ in [random.uniform(-0.2, 0.2), random.uniform(-0.2, 0.2)] }
            func loop(_ engine: LossEngine) -> NuisanceGradients {
                NuisanceGradients(engine: engine, model: problem.model, centrals: centrals,
                                  trainsNetwork: NuisanceTest.trainsNetwork(tests: 3))
            }
            let reference = try loop(ReferenceEngine(batch: base)).lossAndGradient(parameters: parameters)
            let fastLoop = loop(try FastCPUEngine(batch: base, threads: 2, unrolledKernels: unrolled))
            let fast = try fastLoop.lossAndGradient(parameters: parameters)
            for t in 0..<base.fitCount {
                XCTAssertEqual(fast.loss[t], reference.loss[t], accuracy: Self.fastLossTolerance * max(1, abs(reference.loss[t])),
                               "\(layers) fit \(t)")
                let range = (t * S)..<((t + 1) * S)
                let scale = reference.gradient[range].map(abs).max()!
                XCTAssertLessThanOrEqual(maxRelativeDifference(Array(fast.gradient[range]), Array(reference.gradient[range]), scale: scale),
                                         Self.fastGradientTolerance, "\(layers) fit \(t)")
            }
            // Deterministic: the same bits again.
            let again = try fastLoop.lossAndGradient(parameters: parameters)
            XCTAssertEqual(again.loss, fast.loss)
            XCTAssertEqual(again.gradient, fast.gradient)
        }
    }

    /// A toy's τ, Δ and ν do not depend on the batch it was trained in (fast CPU engine).
    func testNuisanceToyDoesNotDependOnItsBatch() throws {
        let settings = NuisanceSettings(scaleSigma: 0.15, normalizationSigma: 0.15, shapeOrder: 2)
        var benchmark = Benchmark1D(expectedBackground: 100, referenceSize: 1000)
        try benchmark.setNuisanceTruth([1, -1], settings: settings)
        let configuration = CampaignConfiguration(seed: 4, architecture: try Architecture([1, 4, 1]),
                                                  training: TrainingOptions(epochs: 300, historyEvery: 100,
                                                                            clipping: WeightClipping(bound: 9)),
                                                  benchmark: benchmark, nuisances: settings)
        let request = BackendRequest(kind: .cpu, threads: 2)
        let together = try CampaignRunner(configuration: configuration, backend: request).train(toys: [0, 1, 2], shard: .whole)
        let alone = try CampaignRunner(configuration: configuration, backend: request).train(toys: [1], shard: .whole)
        XCTAssertEqual(together[1], alone[0])
        let record = try XCTUnwrap(together[1].nuisances)
        XCTAssertEqual(record.names, ["scale", "norm"])
        XCTAssertEqual(record.truth, [0.15, -0.15])
        XCTAssertEqual(together[1].t, record.tau - record.delta, accuracy: 1e-9)
        XCTAssertEqual(record.tauPulls[0], (record.tauNuisances[0] - record.central[0]) / 0.15, accuracy: 1e-12)
        XCTAssertEqual(together[1].finalParameters.count, 2 * (13 + 2))
    }

    /// `nplm bench --workloads 1d-nuisance`: the τ and Δ fits of ⌈T/2⌉ toys, two basis columns
    /// (quadratic scale) and a normalisation, P + 2 parameters per fit; the fast CPU loop agrees
    /// with the reference loop after a few epochs (the tolerance of the fast engine's t after
    /// training, `BackendTolerances`), and the Δ fit's network stays zero.
    func testBenchWorkloadWithNuisances() throws {
        let workload = BenchWorkload.oneDNuisance
        let (batch, initial) = workload.batch(fits: 3, referenceSize: 3000)
        let P = batch.parameterCount, S = P + 2
        XCTAssertEqual(batch.fitCount, 3)
        XCTAssertEqual(batch.basisCount, 2)
        XCTAssertEqual(initial.count, 3 * S)
        XCTAssertEqual(batch.own[0].features, batch.own[1].features, "τ and Δ of toy 0 see the same data")
        XCTAssertNotEqual(batch.own[1].features, batch.own[2].features)
        XCTAssertEqual(Array(initial[S..<(S + P)]), Array(repeating: 0, count: P), "Δ starts from f ≡ 0")
        var states: [TrainingState] = []
        for engine in [ReferenceEngine(batch: batch) as LossEngine, try FastCPUEngine(batch: batch, threads: 2)] {
            let backend = try workload.trainingBackend(engine: engine)
            XCTAssertTrue((backend as? HostTrainingLoop)?.source is NuisanceGradients)
            var state = TrainingState(parameters: initial, fitCount: 3)
            try backend.advance(&state, epochs: 20, optimizer: Adam(), clipping: workload.clipping)
            XCTAssertEqual(Array(state.parameters[S..<(S + P)]), Array(repeating: 0, count: P))
            states.append(state)
        }
        XCTAssertLessThanOrEqual(maxRelativeDifference(states[1].parameters, states[0].parameters, scale: 1), 1e-4)
        XCTAssertNotEqual(Array(states[0].parameters[P..<S]), [0, 0], "ν moved")
        XCTAssertTrue((try BenchWorkload.oneD.trainingBackend(engine: ReferenceEngine(batch: BenchWorkload.oneD.batch(fits: 1, referenceSize: 100).batch))
                       as? HostTrainingLoop)?.source is ReferenceEngine)
    }
}
