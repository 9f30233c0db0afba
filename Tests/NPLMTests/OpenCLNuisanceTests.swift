import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The OpenCL kernels with an offset basis (nuisance parameters) against the reference engine:
/// the loss, the network gradient and ∂L/∂c_m from the same pass, in every layout. The ν gradient
/// of the reference is itself checked by finite differences (NuisanceTests).
final class OpenCLNuisanceTests: XCTestCase {
    // Tolerances: `BackendTolerances.openCL(variant)`: the loss bound of the layout's float32 lanes;
    // the gradient tolerance for every component of (∂L/∂θ, ∂L/∂c_1…M) relative to the fit's
    // largest — ∂L/∂c_m = Σ (∂ℓ/∂f)·basis_m is summed like the output bias's gradient, in the same
    // float32 lanes; t of a trained toy within the t tolerance, as plain toys.

    struct Case {
        var layers: [Int]
        var basisCount: Int
        var shared: Int
        var own: [Int]
    }

    /// Several chunks of the shared events (the last ragged), own events from none to several
    /// chunks, M = 0 (a normalisation nuisance alone: only c_0) to 3.
    static let cases: [Case] = [
        Case(layers: [1, 4, 1], basisCount: 3, shared: 20011, own: [15, 1, 1000, 0]),
        Case(layers: [1, 5, 3, 1], basisCount: 2, shared: 5003, own: [7, 300]),
        Case(layers: [1, 4, 1], basisCount: 0, shared: 3001, own: [10, 40]),
    ]

    /// The layouts besides the device's: one event per work-item in groups (the GPU layout), and
    /// compensated float pairs instead of double.
    static func variants(_ device: OpenCLDevice) -> [OpenCLVariant] {
        [
            OpenCLVariant(vectorWidth: 1, workGroupSize: 64, chunkEvents: 1024, useFP64: device.fp64),
            OpenCLVariant(vectorWidth: 4, workGroupSize: 4, chunkEvents: 256, useFP64: false),
        ]
    }

    func check(_ engine: OpenCLEngine, parameters: [Double], coefficients: [Double], label: String) throws {
        let batch = engine.batch
        let expected = try OpenCLTestSupport.evaluate(ReferenceEngine(batch: batch), parameters, coefficients: coefficients)
        let actual = try OpenCLTestSupport.evaluate(engine, parameters, coefficients: coefficients)
        let P = batch.parameterCount, M = batch.basisCount
        let tolerances = BackendTolerances.openCL(engine.variant)
        var worstLoss = 0.0, worstGradient = 0.0
        for t in 0..<batch.fitCount {
            let lossError = BackendTolerances.relativeDifference(actual.loss[t], expected.loss[t])
            let g = Array(expected.gradient[(t * P)..<((t + 1) * P)] + expected.basisGradient[(t * M)..<((t + 1) * M)])
            let h = Array(actual.gradient[(t * P)..<((t + 1) * P)] + actual.basisGradient[(t * M)..<((t + 1) * M)])
            let gradientError = BackendTolerances.largestDifference(h, g)
            worstLoss = max(worstLoss, lossError)
            worstGradient = max(worstGradient, gradientError)
            XCTAssertLessThanOrEqual(lossError, tolerances.loss, "\(label) fit \(t): loss \(actual.loss[t]) vs \(expected.loss[t])")
            XCTAssertLessThanOrEqual(gradientError, tolerances.gradient, "\(label) fit \(t): gradient \(h) vs \(g)")
        }
        print("\(label): largest relative error loss \(worstLoss), gradient with ∂L/∂c \(worstGradient)")
    }

    func testLossAndBasisGradientMatchTheReference() throws {
        let device = try OpenCLTestSupport.device()
        var random = TestRandom(1010)
        for (n, c) in Self.cases.enumerated() {
            let architecture = try Architecture(c.layers)
            let batch = OpenCLTestSupport.nuisanceBatch(&random, architecture: architecture, shared: c.shared, own: c.own,
                                                        basisCount: c.basisCount)
            let parameters = random.parameters(architecture, fits: batch.fitCount)
            let coefficients = (0..<(batch.fitCount * (c.basisCount + 1))).map { _ in random.uniform(-0.3, 0.3) }
            let variants = [try OpenCLVariant.choose(for: device)] + (n == 0 ? Self.variants(device) : [])
            for variant in variants {
                let engine = try OpenCLEngine(batch: batch, device: device, variant: variant)
                try check(engine, parameters: parameters, coefficients: coefficients,
                          label: "case \(n) \(c.layers) M=\(c.basisCount) [\(variant)]")
            }
        }
    }

    /// Two calls give the same bits; a plain call after one with coefficients is the call with
    /// zero coefficients (the engine uploads zeros again); a fit's sums do not depend on the other
    /// fits of its batch.
    func testBitwiseRepeatAndIndependenceOfTheBatch() throws {
        let device = try OpenCLTestSupport.device()
        var random = TestRandom(1011)
        let architecture = try Architecture([1, 4, 1])
        let batch = OpenCLTestSupport.nuisanceBatch(&random, architecture: architecture, shared: 9000, own: [100, 2000, 15],
                                                    basisCount: 2)
        let parameters = random.parameters(architecture, fits: 3)
        let coefficients = (0..<9).map { _ in random.uniform(-0.3, 0.3) }
        let engine = try OpenCLEngine(batch: batch, device: device)
        let first = try OpenCLTestSupport.evaluate(engine, parameters, coefficients: coefficients)
        let plain = try OpenCLTestSupport.evaluate(engine, parameters)
        let again = try OpenCLTestSupport.evaluate(engine, parameters, coefficients: coefficients)
        XCTAssertEqual(first.loss, again.loss)
        XCTAssertEqual(first.gradient, again.gradient)
        XCTAssertEqual(first.basisGradient, again.basisGradient)
        let zero = try OpenCLTestSupport.evaluate(engine, parameters, coefficients: Array(repeating: 0, count: 9))
        XCTAssertEqual(plain.loss, zero.loss)
        XCTAssertEqual(plain.gradient, zero.gradient)
        XCTAssertNotEqual(plain.loss, first.loss)

        let P = architecture.parameterCount
        let alone = FitBatch(architecture: architecture, shared: batch.shared, sharedTerms: batch.sharedTerms,
                             own: [batch.own[1]], ownTerms: [batch.ownTerms[1]])
        let single = try OpenCLTestSupport.evaluate(try OpenCLEngine(batch: alone, device: device), Array(parameters[P..<(2 * P)]),
                                                    coefficients: Array(coefficients[3..<6]))
        XCTAssertEqual(single.loss[0], first.loss[1])
        XCTAssertEqual(single.gradient, Array(first.gradient[P..<(2 * P)]))
        XCTAssertEqual(single.basisGradient, Array(first.basisGradient[2..<4]))
    }

    /// The τ and Δ fits of the built-in nuisances (quadratic scale + normalisation) through the
    /// training loop: loss with A(ν) and the gradient in (θ, ν) against the reference's.
    func testNuisanceLoopMatchesTheReference() throws {
        let device = try OpenCLTestSupport.device()
        let settings = NuisanceSettings(scaleSigma: 0.15, normalizationSigma: 0.15, shapeOrder: 2)
        let model = try settings.model()
        let benchmark = Benchmark1D(expectedBackground: 200, referenceSize: 6000)
        let reference = benchmark.reference(seed: 3)
        let data = (0..<3).map { benchmark.data(seed: 3, toy: UInt32($0)).events }
        let architecture = try Architecture([1, 4, 1])
        let batch = try NuisanceTest.batch(architecture: architecture, model: model, reference: reference,
                                           referenceWeights: benchmark.referenceWeights,
                                           referenceBasis: model.basis(for: reference, source: "reference"), data: data,
                                           dataSource: { "data \($0)" })
        var random = TestRandom(1012)
        let networks = (0..<3).map { _ in random.parameters(architecture, fits: 1) }
        var parameters = NuisanceTest.initialParameters(networks: networks, model: model)
        let P = architecture.parameterCount, S = P + model.count
        for t in 0..<batch.fitCount { parameters[t * S + P] = random.uniform(-0.3, 0.3); parameters[t * S + P + 1] = random.uniform(-0.3, 0.3) }
        let centrals = (0..<6).map { _ in [random.uniform(-0.2, 0.2), random.uniform(-0.2, 0.2)] }
        func loop(_ engine: LossEngine) -> NuisanceGradients {
            NuisanceGradients(engine: engine, model: model, centrals: centrals, trainsNetwork: NuisanceTest.trainsNetwork(tests: 3))
        }
        let engine = try OpenCLEngine(batch: batch, device: device)
        let tolerances = BackendTolerances.openCL(engine.variant)
        let expected = try loop(ReferenceEngine(batch: batch)).lossAndGradient(parameters: parameters)
        let actual = try loop(engine).lossAndGradient(parameters: parameters)
        for t in 0..<batch.fitCount {
            XCTAssertLessThanOrEqual(BackendTolerances.relativeDifference(actual.loss[t], expected.loss[t]), tolerances.loss, "fit \(t)")
            let range = (t * S)..<((t + 1) * S)
            XCTAssertLessThanOrEqual(BackendTolerances.largestDifference(actual.gradient[range], expected.gradient[range]),
                                     tolerances.gradient, "fit \(t): \(actual.gradient[range]) vs \(expected.gradient[range])")
        }
    }

    /// One nuisance toy (ν* = (+1σ, −1σ)) trained by the reference, the fast CPU engine and
    /// OpenCL: τ, Δ and t agree within the t tolerance.
    func testNuisanceToyAgreesAcrossBackends() throws {
        let device = try OpenCLTestSupport.device()
        let settings = NuisanceSettings(scaleSigma: 0.15, normalizationSigma: 0.15, shapeOrder: 2)
        var benchmark = Benchmark1D(expectedBackground: 100, referenceSize: 1000)
        try benchmark.setNuisanceTruth([1, -1], settings: settings)
        let configuration = CampaignConfiguration(seed: 4, architecture: try Architecture([1, 4, 1]),
                                                  training: TrainingOptions(epochs: 300, historyEvery: 100,
                                                                            clipping: WeightClipping(bound: 9)),
                                                  benchmark: benchmark, nuisances: settings)
        func train(_ request: BackendRequest) throws -> FitRecord {
            try CampaignRunner(configuration: configuration, backend: request).train(toys: [1], shard: .whole)[0]
        }
        let reference = try train(BackendRequest(kind: .reference))
        let tolerance = BackendTolerances.fastCPU.t
        for request in [BackendRequest(kind: .cpu, threads: 2), BackendRequest(kind: .opencl, device: device.index)] {
            let record = try train(request)
            let r = try XCTUnwrap(reference.nuisances), o = try XCTUnwrap(record.nuisances)
            print("\(request.kind): τ \(o.tau) Δ \(o.delta) t \(record.t); reference τ \(r.tau) Δ \(r.delta) t \(reference.t)")
            XCTAssertLessThanOrEqual(BackendTolerances.statisticDifference(record.t, reference.t), tolerance, "\(request.kind): t")
            XCTAssertLessThanOrEqual(BackendTolerances.statisticDifference(o.tau, r.tau), tolerance, "\(request.kind): τ")
            XCTAssertLessThanOrEqual(BackendTolerances.statisticDifference(o.delta, r.delta), tolerance, "\(request.kind): Δ")
        }
    }
}
