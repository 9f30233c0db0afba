import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

final class ReferenceEngineTests: XCTestCase {
    /// Central finite differences in Double: the truncation error O(h²) and the rounding error
    /// O(ε·L/h) are both far below the tolerance at h = 1e-5.
    static let finiteDifferenceTolerance = 1e-6

    func testGradientMatchesFiniteDifferences() throws {
        var random = TestRandom(11)
        for kind in LossKind.allCases {
        for layers in [[1, 4, 1], [5, 5, 5, 5, 1], [3, 10, 10, 1]] {
            let architecture = try Architecture(layers)
            let d = architecture.inputDimension
            let fits = 2
            let batch = FitBatch(architecture: architecture, shared: random.events(count: 40, dimension: d),
                                 sharedTerms: [random.terms(count: 40, offsets: true)],
                                 own: (0..<fits).map { _ in random.events(count: 25, dimension: d) },
                                 ownTerms: (0..<fits).map { _ in random.terms(count: 25, offsets: true) }, loss: kind)
            let engine = ReferenceEngine(batch: batch)
            let parameters = random.parameters(architecture, fits: fits)
            var loss = [Double](repeating: 0, count: fits)
            var gradient = [Double](repeating: 0, count: parameters.count)
            try engine.lossAndGradient(parameters: parameters, active: nil, loss: &loss, gradient: &gradient)

            let h = 1e-5
            var numeric = [Double](repeating: 0, count: parameters.count)
            for k in 0..<parameters.count {
                var plus = parameters, minus = parameters
                plus[k] += h
                minus[k] -= h
                let t = k / architecture.parameterCount
                numeric[k] = (try engine.loss(parameters: plus)[t] - engine.loss(parameters: minus)[t]) / (2 * h)
            }
            let scale = gradient.map(abs).max()!
            XCTAssertLessThanOrEqual(maxRelativeDifference(gradient, numeric, scale: scale), Self.finiteDifferenceTolerance,
                                     "\(kind) loss, architecture \(layers)")
        }
        }
    }

    func testZeroFunctionGivesZeroLoss() throws {
        var random = TestRandom(12)
        let architecture = try Architecture([5, 10, 10, 1])
        let batch = FitBatch(architecture: architecture, shared: random.events(count: 100, dimension: 5),
                             sharedTerms: [random.terms(count: 100, offsets: false)],
                             own: [random.events(count: 30, dimension: 5)], ownTerms: [random.terms(count: 30, offsets: false)])
        let zero = [Double](repeating: 0, count: architecture.parameterCount)
        XCTAssertEqual(try ReferenceEngine(batch: batch).loss(parameters: zero), [0])
        // The logistic (cross-entropy) form is zero at f ≡ 0 whatever the offsets.
        let logistic = FitBatch(architecture: architecture, shared: batch.shared,
                                sharedTerms: [random.terms(count: 100, offsets: true)], own: batch.own,
                                ownTerms: [random.terms(count: 30, offsets: true)], loss: .logistic)
        XCTAssertEqual(try ReferenceEngine(batch: logistic).loss(parameters: zero), [0])
    }

    /// f(x) = 2σ(x) + σ(−x) − 0.5 on x = 0, ln 3, −ln 3, where σ(ln 3) = 3/4:
    /// f = 1, 1.25, 0.75. With (a, b, o) = (0.5, 0, 0), (0, 1, 0), (0.2, 2, −0.75) the loss is
    /// 0.5(e − 1) − 1.25 + 0 and dL/df = 0.5e, −1, −1.8.
    func testHandComputedTwoUnitNetwork() throws {
        let architecture = try Architecture([1, 2, 1])
        // Layout: w1, w2 | c1, c2 | v1, v2 | d.
        let parameters: [Double] = [1, -1, 0, 0, 2, 1, -0.5]
        let ln3 = Foundation.log(3.0)
        let batch = FitBatch(architecture: architecture, pool: EventSet([0, Float(ln3), Float(-ln3)]),
                             terms: [EventTerms(a: [0.5, 0, 0.2], b: [0, 1, 2], offset: [0, 0, -0.75])])
        var loss = [0.0]
        var gradient = [Double](repeating: 0, count: 7)
        try ReferenceEngine(batch: batch).lossAndGradient(parameters: parameters, active: nil, loss: &loss, gradient: &gradient)
        let e = Foundation.exp(1.0)
        let expected: [Double] = [
            0.3 * ln3,            // dL/dw1 = Σ g·v1·s1(1−s1)·x
            0.15 * ln3,           // dL/dw2
            0.25 * e - 1.05,      // dL/dc1 = Σ g·v1·s1(1−s1)
            0.125 * e - 0.525,    // dL/dc2
            0.25 * e - 1.2,       // dL/dv1 = Σ g·s1
            0.25 * e - 1.6,       // dL/dv2 = Σ g·s2
            0.5 * e - 2.8,        // dL/dd  = Σ g
        ]
        // Events are float32: ln 3 is rounded, so agreement is to float precision.
        XCTAssertEqual(loss[0], 0.5 * (e - 1) - 1.25, accuracy: 1e-6)
        for k in 0..<7 { XCTAssertEqual(gradient[k], expected[k], accuracy: 1e-6, "parameter \(k)") }
    }

    func testInactiveFitsAreLeftUntouched() throws {
        var random = TestRandom(13)
        let architecture = try Architecture([1, 4, 1])
        let batch = FitBatch(architecture: architecture, pool: random.events(count: 10, dimension: 1),
                             terms: [random.terms(count: 10, offsets: false), random.terms(count: 10, offsets: false)])
        var loss = [-7.0, -7.0]
        var gradient = [Double](repeating: -7, count: 26)
        try ReferenceEngine(batch: batch).lossAndGradient(parameters: random.parameters(architecture, fits: 2),
                                                          active: [false, true], loss: &loss, gradient: &gradient)
        XCTAssertEqual(loss[0], -7)
        XCTAssert(gradient[0..<13].allSatisfy { $0 == -7 })
        XCTAssertNotEqual(loss[1], -7)
    }

    func testParameterLayout() throws {
        let architecture = try Architecture([5, 10, 10, 1])
        XCTAssertEqual(architecture.parameterCount, 6 * 10 + 11 * 10 + 11)
        XCTAssertEqual(try Architecture([1, 4, 1]).parameterCount, 13)
        XCTAssertEqual(architecture.biasOffset(layer: 0), 50)
        XCTAssertEqual(architecture.weightOffset(layer: 1), 60)
        XCTAssertEqual(architecture.weightMask.filter { $0 }.count, 50 + 100 + 10)
        XCTAssertThrowsError(try Architecture(parsing: "1,4,2"))
        XCTAssertThrowsError(try Architecture(parsing: "1,x,1"))
        XCTAssertThrowsError(try Architecture(parsing: "1"))
    }

    func testGlorotInitialization() throws {
        let architecture = try Architecture([5, 50, 1])
        let p = architecture.initialParameters(seed: 3, toy: 4)
        XCTAssertEqual(p, architecture.initialParameters(seed: 3, toy: 4))
        XCTAssertNotEqual(p, architecture.initialParameters(seed: 3, toy: 5))
        // Bounds √(6/(n_in + n_out)): √(6/55) for the 5→50 layer, √(6/51) for 50→1.
        for (index, (value, isWeight)) in zip(p, architecture.weightMask).enumerated() {
            let bound = (6.0 / (index < architecture.weightOffset(layer: 1) ? 55 : 51)).squareRoot()
            if isWeight { XCTAssertLessThanOrEqual(abs(value), bound) } else { XCTAssertEqual(value, 0) }
        }
        XCTAssertGreaterThan(p.map(abs).max()!, 0.9 * (6.0 / 55).squareRoot(), "draws fill the range")
    }
}
