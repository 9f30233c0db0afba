import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The OpenCL kernels against the reference engine (Falkon/llm.c style: every fast path checked
/// against the plain Double reference with named tolerances).
final class OpenCLEngineTests: XCTestCase {
    // Tolerances: `BackendTolerances.openCL(variant)` (the loss bound of the layout's float32 lanes,
    // the named gradient tolerance), as `nplm crossval` uses them.

    struct Case {
        var fits: Int
        var layers: [Int]
        var shared: Int
        var own: [Int]
        var loss: LossKind
        var offsets: Bool
        var termsPerFit: Bool
    }

    /// Not the full cartesian product: every T, event count, d, architecture and loss kind appears,
    /// the largest event counts with the cheapest architectures (the reference runs in debug), and
    /// few distinct (architecture, loss) programs: a cold PoCL compiles each in 2–6 s.
    static let cases: [Case] = [
        Case(fits: 1, layers: [1, 4, 1], shared: 20011, own: [15], loss: .expLinear, offsets: true, termsPerFit: false),
        Case(fits: 3, layers: [5, 50, 1], shared: 1000, own: [1, 15, 0], loss: .logistic, offsets: true, termsPerFit: false),
        Case(fits: 17, layers: [5, 10, 10, 1], shared: 15, own: (0..<17).map { [1, 15, 1000, 0][$0 % 4] }, loss: .expLinear,
             offsets: false, termsPerFit: true),
        Case(fits: 130, layers: [1, 4, 1], shared: 1000, own: (0..<130).map { [1, 15, 0, 37][$0 % 4] }, loss: .logistic,
             offsets: false, termsPerFit: false),
        Case(fits: 3, layers: [5, 5, 5, 5, 1], shared: 20011, own: [1, 0, 15], loss: .logistic, offsets: true, termsPerFit: true),
        Case(fits: 17, layers: [1, 4, 1], shared: 1, own: (0..<17).map { [20011, 1, 15, 1000][$0 % 4] }, loss: .expLinear,
             offsets: true, termsPerFit: false),
        Case(fits: 1, layers: [5, 50, 1], shared: 0, own: [1000], loss: .logistic, offsets: false, termsPerFit: false),
        Case(fits: 3, layers: [1, 4, 1], shared: 1000, own: [15, 1, 1000], loss: .expLinear, offsets: false, termsPerFit: true),
    ]

    func check(_ engine: OpenCLEngine, _ reference: ReferenceEngine, parameters: [Double], label: String) throws {
        let expected = try OpenCLTestSupport.evaluate(reference, parameters)
        let actual = try OpenCLTestSupport.evaluate(engine, parameters)
        let P = engine.batch.parameterCount
        let tolerances = BackendTolerances.openCL(engine.variant)
        var worstLoss = 0.0, worstGradient = 0.0, worstFit = 0
        for t in 0..<engine.batch.fitCount {
            let lossError = BackendTolerances.relativeDifference(actual.loss[t], expected.loss[t])
            let g = Array(expected.gradient[(t * P)..<((t + 1) * P)]), h = Array(actual.gradient[(t * P)..<((t + 1) * P)])
            let gradientError = BackendTolerances.largestDifference(h, g)
            if lossError > worstLoss { worstFit = t }
            worstLoss = max(worstLoss, lossError)
            worstGradient = max(worstGradient, gradientError)
            XCTAssertLessThanOrEqual(lossError, tolerances.loss,
                                     "\(label) fit \(t): loss \(actual.loss[t]) vs reference \(expected.loss[t])")
            XCTAssertLessThanOrEqual(gradientError, tolerances.gradient, "\(label) fit \(t): gradient")
        }
        print("\(label): largest relative error loss \(worstLoss) (fit \(worstFit): \(expected.loss[worstFit])), gradient \(worstGradient)")
    }

    func testLossAndGradientMatchTheReference() throws {
        let device = try OpenCLTestSupport.device()
        var random = TestRandom(303)
        for (n, c) in Self.cases.enumerated() {
            let architecture = try Architecture(c.layers)
            let batch = OpenCLTestSupport.batch(&random, architecture: architecture, shared: c.shared, own: c.own,
                                                loss: c.loss, offsets: c.offsets, termsPerFit: c.termsPerFit)
            let engine = try OpenCLEngine(batch: batch, device: device)
            let parameters = random.parameters(architecture, fits: c.fits)
            try check(engine, ReferenceEngine(batch: batch), parameters: parameters,
                      label: "case \(n) T=\(c.fits) \(c.layers) shared \(c.shared) \(c.loss) [\(engine.variant)]")
        }
    }

    /// The other layouts run on PoCL too: one event per work-item in groups (the GPU layout),
    /// float8, and compensated float pairs instead of double.
    func testEveryVariantMatchesTheReference() throws {
        let device = try OpenCLTestSupport.device()
        var random = TestRandom(304)
        let architecture = try Architecture([2, 3, 3, 1])  // d > 1, two hidden layers, quick to compile
        let batch = OpenCLTestSupport.batch(&random, architecture: architecture, shared: 2011, own: [15, 1, 0],
                                            loss: .expLinear, offsets: true, termsPerFit: false)
        let parameters = random.parameters(architecture, fits: 3)
        let reference = ReferenceEngine(batch: batch)
        let variants = [
            OpenCLVariant(vectorWidth: 1, workGroupSize: 64, chunkEvents: 1024, useFP64: device.fp64),
            OpenCLVariant(vectorWidth: 8, workGroupSize: 1, chunkEvents: 512, useFP64: device.fp64),
            OpenCLVariant(vectorWidth: 4, workGroupSize: 4, chunkEvents: 256, useFP64: false),
        ]
        for variant in variants {
            let engine = try OpenCLEngine(batch: batch, device: device, variant: variant)
            try check(engine, reference, parameters: parameters, label: "variant \(variant)")
        }

        // Without fp64 Adam runs on the host, over the OpenCL loss and gradient.
        let backend = try OpenCLTrainingBackend.make(batch: batch, device: device.index, variant: variants[2])
        XCTAssertTrue(backend is HostTrainingLoop)
        var state = TrainingState(parameters: parameters, fitCount: 3), expected = state
        try backend.advance(&state, epochs: 20, optimizer: Adam(), clipping: nil)
        try HostTrainingLoop(engine: reference).advance(&expected, epochs: 20, optimizer: Adam(), clipping: nil)
        // float32 loss and gradient (compensated sums, no fp64) against the Double reference for 20
        // Adam steps of size ≈ 1e-3: the parameters agree to the gradient tolerance times the steps.
        XCTAssertLessThan(maxRelativeDifference(state.parameters, expected.parameters, scale: 1), 1e-5)
    }

    /// The forward kernel gives f at every event, as the reference network does.
    func testForwardPassMatchesTheReference() throws {
        let device = try OpenCLTestSupport.device()
        var random = TestRandom(305)
        let architecture = try Architecture([5, 10, 10, 1])
        let batch = OpenCLTestSupport.batch(&random, architecture: architecture, shared: 10, own: [0, 0],
                                            loss: .expLinear, offsets: false, termsPerFit: false)
        let events = random.events(count: 1001, dimension: 5)  // not a multiple of VW
        let parameters = random.parameters(architecture, fits: 2)
        let f = try OpenCLEngine(batch: batch, device: device).evaluate(parameters: parameters, events: events)
        for t in 0..<2 {
            let P = architecture.parameterCount
            let expected = ReferenceNetwork.evaluate(architecture: architecture, parameters: parameters[(t * P)..<((t + 1) * P)],
                                                     events: events)
            XCTAssertEqual(f[t].count, 1001)
            let worst = zip(f[t], expected).map { abs(Double($0) - $1) / max(abs($1), 1) }.max() ?? 0
            XCTAssertLessThan(worst, 1e-5, "fit \(t)")
        }
    }

    /// A fit's loss and gradient are bitwise the same whatever other fits share its batch.
    func testAFitsResultDoesNotDependOnItsBatch() throws {
        let device = try OpenCLTestSupport.device()
        var random = TestRandom(306)
        let architecture = try Architecture([1, 4, 1])
        let shared = random.events(count: 9000, dimension: 1)
        let sharedTerms = random.terms(count: 9000, offsets: false)
        let own = (0..<5).map { random.events(count: [100, 2000, 15, 7, 3001][$0], dimension: 1) }
        let ownTerms = own.map { random.terms(count: $0.count, offsets: true) }
        let parameters = random.parameters(architecture, fits: 5)
        let P = architecture.parameterCount
        func run(_ fits: [Int]) throws -> [Int: ([Double])] {
            let batch = FitBatch(architecture: architecture, shared: shared, sharedTerms: [sharedTerms],
                                 own: fits.map { own[$0] }, ownTerms: fits.map { ownTerms[$0] })
            let engine = try OpenCLEngine(batch: batch, device: device)
            let result = try OpenCLTestSupport.evaluate(engine, fits.flatMap { Array(parameters[($0 * P)..<(($0 + 1) * P)]) })
            var out: [Int: [Double]] = [:]
            for (j, fit) in fits.enumerated() {
                out[fit] = [result.loss[j]] + Array(result.gradient[(j * P)..<((j + 1) * P)])
            }
            return out
        }
        let all = try run([0, 1, 2, 3, 4])
        let shard = try run([3, 1])
        let single = try run([2])
        for fit in [1, 3] { XCTAssertEqual(all[fit], shard[fit], "fit \(fit)") }
        XCTAssertEqual(all[2], single[2])
    }

    /// NPLM_OPENCL_LAYOUT forces a layout on any device; a value it does not know is one clear error.
    func testTheLayoutCanBeForced() throws {
        let device = try OpenCLTestSupport.device()
        let natural = try OpenCLVariant.choose(for: device, environment: [:])
        XCTAssertEqual(natural.layout, device.kind == .cpu ? .cpu : .gpu)
        let gpu = try OpenCLVariant.choose(for: device, environment: [OpenCLVariant.layoutVariable: "gpu"])
        XCTAssertEqual(gpu.vectorWidth, 1)
        XCTAssertGreaterThan(gpu.workGroupSize, 1, "the GPU layout reduces in local memory")
        let small = try OpenCLVariant.choose(for: device, environment: [OpenCLVariant.layoutVariable: "gpu:16"])
        XCTAssertEqual(small, OpenCLVariant(vectorWidth: 1, workGroupSize: 16, chunkEvents: 256, useFP64: device.fp64))
        XCTAssertEqual(try OpenCLVariant.choose(for: device, environment: [OpenCLVariant.layoutVariable: "cpu"]).layout, .cpu)
        XCTAssertEqual(try OpenCLVariant.choose(for: device, environment: [OpenCLVariant.layoutVariable: "cpu:8:8192"]),
                       OpenCLVariant(vectorWidth: 8, workGroupSize: 1, chunkEvents: 8192, useFP64: device.fp64))
        XCTAssertEqual(try OpenCLVariant.choose(for: device, environment: [OpenCLVariant.layoutVariable: "cpu:4"]).vectorWidth, 4)
        for bad in ["gpu:12", "gpu:", "fast", "gpu:16:2", "cpu:1", "cpu:32", "cpu:8:100", "cpu:8:8192:1"] {
            XCTAssertThrowsError(try OpenCLVariant.choose(for: device, environment: [OpenCLVariant.layoutVariable: bad])) {
                XCTAssertTrue("\($0)".contains("NPLM_OPENCL_LAYOUT=\(bad)"), "\($0)")
            }
        }
    }

    /// A kernel's arguments are bound only as the type that describes its signature.
    func testArgumentsOfAnotherKernelAreRefused() throws {
        let device = try OpenCLTestSupport.device()
        let batch = try FitBatch.nplm(architecture: Architecture([1, 4, 1]), reference: EventSet([0.1, 0.5]),
                                      referenceWeights: [0.5, 0.5], data: [EventSet([0.3])])
        let engine = try OpenCLEngine(batch: batch, device: device)
        let wrong = CombineArguments(partial: engine.sums, fitChunks: engine.sums, out: engine.sums, fits: 1)
        XCTAssertThrowsError(try engine.lossKernel.bind(wrong)) {
            XCTAssertTrue("\($0)".contains("loss_gradient") && "\($0)".contains("CombineArguments"), "\($0)")
        }
        XCTAssertNoThrow(try engine.combineKernel.bind(wrong))
    }
}
