import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The Gaussian-mixture benchmark: reproducible toys, the exact log-ratio against a direct
/// evaluation, large draws against the construction, bad input refused, and one 5-D batch on
/// every backend.
final class GaussianMixtureBenchmarkTests: XCTestCase {
    private func benchmark(_ d: Int, _ signal: MixtureSignal = .none, _ strength: Double? = nil,
                           expected: Double = 2000, reference: Int = 20_000) throws -> GaussianMixtureBenchmark {
        try GaussianMixtureBenchmark(dimension: d, expectedBackground: expected, referenceSize: reference, signal: signal,
                                     strength: strength)
    }

    // MARK: - Reproducibility

    func testToysAreFunctionsOfSeedAndToyIndex() throws {
        let b = try benchmark(5, .shift, expected: 300, reference: 500)
        XCTAssertEqual(b.reference(seed: 7), b.reference(seed: 7))
        XCTAssertNotEqual(b.reference(seed: 7), b.reference(seed: 8))
        XCTAssertEqual(b.data(seed: 7, toy: 3).events, b.data(seed: 7, toy: 3).events)
        XCTAssertNotEqual(b.data(seed: 7, toy: 3).events, b.data(seed: 7, toy: 4).events)
        let data = b.data(seed: 7, toy: 3)
        XCTAssertEqual(data.events.dimension, 5)
        XCTAssertEqual(data.events.count, data.background)
        XCTAssertEqual(data.signal, 0)
        // The count comes first from the toy's stream: the null toy has the same size.
        XCTAssertEqual(try benchmark(5, expected: 300, reference: 500).data(seed: 7, toy: 3).background, data.background)
        // The reference sample is the reference mixture whatever the signal.
        XCTAssertEqual(try benchmark(5, .widen, expected: 300, reference: 500).reference(seed: 7), b.reference(seed: 7))
    }

    // MARK: - The exact log-ratio

    /// log N(x; μ, Σ) with Σ⁻¹ and det Σ from Gauss–Jordan elimination with partial pivoting: an
    /// evaluation independent of the Cholesky factor.
    private func directLogDensity(_ x: [Double], mean: [Double], covariance: [Double]) -> Double {
        let d = mean.count
        var a = covariance, inverse = (0..<(d * d)).map { $0 / d == $0 % d ? 1.0 : 0 }
        var logDeterminant = 0.0
        for c in 0..<d {
            let p = (c..<d).max { abs(a[$0 * d + c]) < abs(a[$1 * d + c]) }!
            if p != c {
                for k in 0..<d { a.swapAt(c * d + k, p * d + k); inverse.swapAt(c * d + k, p * d + k) }
            }
            let pivot = a[c * d + c]
            logDeterminant += log(abs(pivot))
            for k in 0..<d { a[c * d + k] /= pivot; inverse[c * d + k] /= pivot }
            for r in 0..<d where r != c {
                let factor = a[r * d + c]
                for k in 0..<d { a[r * d + k] -= factor * a[c * d + k]; inverse[r * d + k] -= factor * inverse[c * d + k] }
            }
        }
        var quadratic = 0.0
        for i in 0..<d { for j in 0..<d { quadratic += (x[i] - mean[i]) * inverse[i * d + j] * (x[j] - mean[j]) } }
        return -0.5 * (Double(d) * log(2 * Double.pi) + logDeterminant + quadratic)
    }

    private func directDensity(_ mixture: GaussianMixture, _ x: [Double]) -> Double {
        zip(mixture.weights, mixture.components).reduce(0) {
            $0 + $1.0 * exp(directLogDensity(x, mean: $1.1.mean, covariance: $1.1.covariance))
        }
    }

    /// The log-ratio against the ratio of directly evaluated densities, at points of both mixtures,
    /// for every signal and d = 4, 5, 30 (relative 1e-9 of the log-densities: measured ≈ 1e-13).
    func testLogRatioEqualsTheDirectDensityRatio() throws {
        var worst = 0.0
        for d in [4, 5, 30] {
            for (signal, strength) in [(MixtureSignal.shift, 0.7), (.widen, 0.3), (.correlate, 0.6)] {
                let b = try benchmark(d, signal, strength)
                let densities = b.densities()
                var stream = RandomStream(seed: 99, toy: UInt32(d), purpose: .reference)
                for k in 0..<20 {
                    let x = (k % 2 == 0 ? densities.reference : densities.alternative).draw(&stream)
                    let direct = log(directDensity(densities.alternative, x)) - log(directDensity(densities.reference, x))
                    let exact = densities.logRatio(x)
                    XCTAssertEqual(exact, b.logRatio(x), "d \(d) \(signal)")
                    let scale = max(1, abs(densities.reference.logDensity(x)))
                    worst = max(worst, abs(exact - direct) / scale)
                    XCTAssertEqual(exact, direct, accuracy: 1e-9 * scale, "d \(d) \(signal) point \(k)")
                }
            }
            XCTAssertEqual(try benchmark(d).logRatio(Array(repeating: 0.3, count: d)), 0)
        }
        print("log-ratio against the direct evaluation: largest difference \(worst) (relative to |log p_ref|)")
    }

    /// log p_ref and the log-ratio at fixed points near the modified component, x_j = ±1.5 (+ for
    /// even j) + 0.8·sin(1.3·(j+1) + k), against scipy's multivariate_normal on the construction
    /// table of the documentation (tools/gaussian_mixture_reference.py): relative 1e-10
    /// (measured ≈ 1e-14), so the Swift construction is the documented one.
    static let scipyPoints: [(Int, MixtureSignal, Double, Int, Double, Double)] = [
        (4, .shift, 0.7, 0, -5.728795448604794, 1.0093897019849125),
        (4, .shift, 0.7, 1, -4.695026462197449, 0.8600260236078334),
        (4, .shift, 0.7, 2, -4.777848952429304, -0.35102740662162013),
        (4, .widen, 0.3, 0, -5.728795448604794, 0.2188661793972333),
        (4, .widen, 0.3, 1, -4.695026462197449, -0.2032041654650243),
        (4, .widen, 0.3, 2, -4.777848952429304, -0.169387751287581),
        (4, .correlate, 0.6, 0, -5.728795448604794, -1.6831223370345878),
        (4, .correlate, 0.6, 1, -4.695026462197449, -0.8361372781012948),
        (4, .correlate, 0.6, 2, -4.777848952429304, -0.9039997833272073),
        (5, .shift, 0.7, 0, -6.089753046350132, 0.9601153113465513),
        (5, .shift, 0.7, 1, -6.226564885061299, 0.6600658192722593),
        (5, .shift, 0.7, 2, -5.997120951080297, -0.524750850758819),
        (5, .widen, 0.3, 0, -6.089753046350132, -0.019873066919530835),
        (5, .widen, 0.3, 1, -6.226564885061299, 0.03598498994645105),
        (5, .widen, 0.3, 2, -5.997120951080297, -0.05769163691998003),
        (5, .correlate, 0.6, 0, -6.089753046350132, -1.4703323261997614),
        (5, .correlate, 0.6, 1, -6.226564885061299, -1.5715392519572111),
        (5, .correlate, 0.6, 2, -5.997120951080297, -1.4017995226994584),
        (30, .shift, 0.7, 0, -28.967221420353475, 0.9058065266415518),
        (30, .shift, 0.7, 1, -28.508073161425152, 0.6243418792419924),
        (30, .shift, 0.7, 2, -27.85497669373076, -0.5429759804044778),
        (30, .widen, 0.3, 0, -28.967221420353475, 0.1133050264986899),
        (30, .widen, 0.3, 1, -28.508073161425152, -0.07415787211699865),
        (30, .widen, 0.3, 2, -27.85497669373076, -0.3408067257910439),
        (30, .correlate, 0.6, 0, -28.967221420353475, -6.868899396844853),
        (30, .correlate, 0.6, 1, -28.508073161425152, -6.525933219999629),
        (30, .correlate, 0.6, 2, -27.85497669373076, -6.038095154014126),
    ]

    func testLogRatioEqualsAnIndependentScipyEvaluation() throws {
        var worst = 0.0
        for (d, signal, strength, k, logReference, logRatio) in Self.scipyPoints {
            let densities = try benchmark(d, signal, strength).densities()
            let x = (0..<d).map { (j: Int) -> Double in
                let centre: Double = j % 2 == 0 ? 1.5 : -1.5
                return centre + 0.8 * sin(1.3 * Double(j + 1) + Double(k))
            }
            let referenceDifference: Double = abs(densities.reference.logDensity(x) - logReference) / abs(logReference)
            let ratioDifference: Double = abs(densities.logRatio(x) - logRatio) / max(abs(logRatio), 1)
            let differences = [referenceDifference, ratioDifference]
            worst = max(worst, differences.max()!)
            XCTAssertLessThanOrEqual(differences.max()!, 1e-10, "d \(d) \(signal) point \(k)")
        }
        print("against scipy: largest relative difference \(worst)")
    }

    /// The alternative is normalised: E_ref[n_alt/n_ref] = 1 (a Monte Carlo mean over 40 000
    /// reference events, within 5 standard errors).
    func testLogRatioIntegratesToOneOverTheReference() throws {
        for (signal, strength) in [(MixtureSignal.shift, 0.5), (.widen, 0.2), (.correlate, 0.5)] {
            let b = try benchmark(5, signal, strength)
            let densities = b.densities()
            var stream = RandomStream(seed: 5, toy: 0, purpose: .reference)
            let ratios = (0..<40_000).map { _ in exp(densities.logRatio(densities.reference.draw(&stream))) }
            let summary = SampleSummary(ratios)
            XCTAssertEqual(summary.mean, 1, accuracy: 5 * summary.standardError, "\(signal): \(summary.mean) ± \(summary.standardError)")
        }
    }

    // MARK: - Large draws against the construction

    /// Mean and covariance of 100 000 events against the mixture's (each within 5 standard errors;
    /// the error of a covariance from the fourth moments estimated on the same sample).
    func testSampleMomentsMatchTheConstruction() throws {
        for (signal, strength) in [(MixtureSignal.none, 0.0), (.shift, 2.0), (.widen, 0.5), (.correlate, 1.0)] {
            let d = 5, n = 100_000
            let b = try benchmark(d, signal, signal == .none ? nil : strength, expected: Double(n), reference: n)
            let mixture = b.densities().alternative
            let events = signal == .none ? b.reference(seed: 3) : b.data(seed: 3, toy: 0).events
            let count = events.count
            let columns = (0..<d).map { k in (0..<count).map { Double(events.value(event: $0, feature: k)) } }
            let means = columns.map { $0.reduce(0, +) / Double(count) }
            let expectedMean = mixture.mean, expectedCovariance = mixture.covariance
            for i in 0..<d {
                let error = (expectedCovariance[i * d + i] / Double(count)).squareRoot()
                XCTAssertEqual(means[i], expectedMean[i], accuracy: 5 * error, "\(signal) mean x\(i + 1)")
                for j in 0...i {
                    let products = (0..<count).map { (columns[i][$0] - means[i]) * (columns[j][$0] - means[j]) }
                    let error = SampleSummary.standardDeviation(products) / Double(count).squareRoot()
                    XCTAssertEqual(SampleSummary.mean(products), expectedCovariance[i * d + j], accuracy: 5 * error,
                                   "\(signal) covariance (\(i + 1), \(j + 1))")
                }
            }
        }
        // The shift moves x₁'s mean by weight · s · σ₁ of the modified component: 0.3 · 2 · 0.6.
        let shifted = try benchmark(5, .shift, 2).densities()
        XCTAssertEqual(shifted.alternative.mean[0] - shifted.reference.mean[0], 0.36, accuracy: 1e-12)
        XCTAssertEqual(Array(shifted.alternative.mean.dropFirst()), Array(shifted.reference.mean.dropFirst()))
    }

    /// The construction is positive definite for every d of its range, with the documented moments
    /// of component 1 and equal variances under `correlate`.
    func testConstructionHoldsForEveryDimension() throws {
        for d in GaussianMixtureBenchmark.dimensions {
            for signal in MixtureSignal.allCases {
                let densities = try benchmark(d, signal, signal == .correlate ? 1 : nil).densities()
                XCTAssertEqual(densities.reference.dimension, d)
                XCTAssertEqual(densities.alternative.weights, [0.5, 0.3, 0.2])
                let c = densities.alternative.components[1]
                if signal == .correlate {
                    XCTAssertEqual(c.covariance[0], 0.36, accuracy: 1e-15)
                    XCTAssertEqual(c.covariance[1], 0.8 * 0.36, accuracy: 1e-15)
                }
            }
        }
    }

    // MARK: - Bad input and the ideal significance

    func testBadInputIsRefusedWithOneSentence() {
        let cases: [(() throws -> GaussianMixtureBenchmark, String)] = [
            ({ try self.benchmark(3) }, "dimension must be between 4 and 30"),
            ({ try self.benchmark(31) }, "dimension must be between 4 and 30"),
            ({ try self.benchmark(5, .correlate, 1.5) }, "must be in [0, 1]"),
            ({ try self.benchmark(5, .widen, -1) }, "must be in (-1, 100]"),
            ({ try self.benchmark(5, .shift, .nan) }, "finite"),
            ({ try self.benchmark(5, expected: 0) }, "expected must be a positive number"),
        ]
        for (make, expected) in cases {
            XCTAssertThrowsError(try make()) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"))
            }
        }
    }

    /// Z_id: 0 without signal, growing with the strength and as √N(R₀), and the control-variate
    /// estimate of q₀ agreeing with the plain one, 2 N(R₀)·E_alt[log r], within their errors.
    func testIdealSignificance() throws {
        XCTAssertEqual(try benchmark(5).idealSignificance(), 0)
        // The default strengths against an independent Monte Carlo (scipy, numpy's generator, 1e6
        // events; tools/gaussian_mixture_reference.py): within 5 combined standard errors.
        let scipy: [(MixtureSignal, Double, Double, Double)] = [
            (.shift, 0.15, 16.5151, 0.0490),
            (.widen, 0.05, 14.3427, 0.0522),
            (.correlate, 0.13, 14.6547, 0.0609),
        ]
        for (signal, strength, q0, error) in scipy {
            XCTAssertEqual(signal.defaultStrength, strength)
            let swift = try benchmark(5, signal).idealQ0()
            print("\(signal): q0 \(swift.value) ± \(swift.error), scipy \(q0) ± \(error)")
            XCTAssertEqual(swift.value, q0, accuracy: 5 * (swift.error + error), "\(signal)")
        }
        for signal in [MixtureSignal.shift, .widen, .correlate] {
            let weak = try benchmark(5, signal, signal.defaultStrength / 2).idealQ0(samples: 20_000)
            let strong = try benchmark(5, signal).idealQ0(samples: 20_000)
            XCTAssertLessThan(weak.value, strong.value, "\(signal)")
            XCTAssertLessThan(strong.error, 0.05 * strong.value, "\(signal)")
            let quadruple = try benchmark(5, signal, expected: 8000).idealQ0(samples: 20_000)
            XCTAssertEqual(quadruple.value, 4 * strong.value, accuracy: 1e-9 * strong.value)
            let densities = try benchmark(5, signal).densities()
            var stream = RandomStream(seed: 1, toy: 0, purpose: .idealSignificance)
            let plain = SampleSummary((0..<20_000).map { _ in 2 * 2000 * densities.logRatio(densities.alternative.draw(&stream)) })
            XCTAssertEqual(plain.mean, strong.value, accuracy: 5 * (plain.standardError + strong.error), "\(signal)")
            print("\(signal) \(signal.defaultStrength): q0 \(strong.value) ± \(strong.error), Z_id \(strong.value.squareRoot()); plain \(plain.mean) ± \(plain.standardError)")
        }
    }

    // MARK: - Backends

    /// One 5-D batch of the benchmark (three toys, a shift signal) on the reference, the fast CPU
    /// engine and OpenCL, for each architecture of D'Agnolo et al., Imperfect Machine, Table 3 with
    /// its clipping: loss and gradient at the initial parameters within `BackendTolerances`, and t
    /// after 100 epochs within its t tolerance.
    func testFiveDimensionalBatchAgreesAcrossBackends() throws {
        let b = try benchmark(5, .shift, 1, expected: 40, reference: 200)
        let reference = b.reference(seed: 11)
        let data = (0..<3).map { b.data(seed: 11, toy: UInt32($0)).events }
        for layers in [[5, 5, 5, 5, 1], [5, 10, 10, 1], [5, 50, 1]] {
            let architecture = try Architecture(layers)
            let clipping = WeightClipping(bound: try XCTUnwrap(WeightClipping.imperfectMachine5D(architecture)))
            let batch = FitBatch.nplm(architecture: architecture, reference: reference, referenceWeights: b.referenceWeights, data: data)
            let initial = (0..<3).flatMap { architecture.initialParameters(seed: 11, toy: UInt32($0)) }
            var engines: [(LossEngine, BackendTolerances)] = [(try FastCPUEngine(batch: batch, threads: 2), .fastCPU)]
            if let device = try? OpenCLTestSupport.device() {
                let engine = try OpenCLEngine(batch: batch, device: device)
                engines.append((engine, .openCL(engine.variant)))
            }
            let truth = try OpenCLTestSupport.evaluate(ReferenceEngine(batch: batch), initial)
            let options = TrainingOptions(epochs: 100, optimizer: Adam(learningRate: 0.01), clipping: clipping)
            let trained = try Trainer.train(backend: HostTrainingLoop(engine: ReferenceEngine(batch: batch), clipping: clipping),
                                            initialParameters: initial, options: options)
            for (engine, tolerances) in engines {
                let result = try OpenCLTestSupport.evaluate(engine, initial)
                let P = architecture.parameterCount
                for fit in 0..<3 {
                    XCTAssertLessThanOrEqual(BackendTolerances.relativeDifference(result.loss[fit], truth.loss[fit]), tolerances.loss,
                                             "\(engine.name) \(architecture) fit \(fit) loss")
                    XCTAssertLessThanOrEqual(BackendTolerances.largestDifference(result.gradient[(fit * P)..<((fit + 1) * P)],
                                                                                 truth.gradient[(fit * P)..<((fit + 1) * P)]),
                                             tolerances.gradient, "\(engine.name) \(architecture) fit \(fit) gradient")
                }
                let fits = try Trainer.train(backend: HostTrainingLoop(engine: engine, clipping: clipping), initialParameters: initial,
                                             options: options)
                for (fit, (r, e)) in zip(trained, fits).enumerated() {
                    print("\(architecture) \(engine.name) fit \(fit): t \(e.t), reference \(r.t)")
                    XCTAssertLessThanOrEqual(BackendTolerances.statisticDifference(e.t, r.t), tolerances.t,
                                             "\(engine.name) \(architecture) fit \(fit): t \(e.t) vs \(r.t)")
                }
            }
        }
    }
}
