import CFastLoss
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The kernel model (Falkon-style kernel NPLM): the fast CPU engine against the plain Double
/// reference, the conjugate gradient against a direct solve, gradients against finite
/// differences, determinism, and bad input.
final class KernelModelTests: XCTestCase {
    // Engine agreement: KernelTolerances (NPLMEngines), the one definition.
    static let productTolerance = KernelTolerances.product
    static let doubleProductTolerance = KernelTolerances.doubleProduct
    static let statisticTolerance = KernelTolerances.statistic
    static let modelTolerance = KernelTolerances.model
    static let coefficientTolerance = KernelTolerances.coefficient
    /// OpenBLAS's Cholesky factor, triangular solves and Gram product against the Double loops'
    /// (well-conditioned 240 × 240 matrices: only the order of the sums differs).
    static let algebraTolerance = 1e-12
    /// CG solution against a direct Cholesky solve of the same Newton system, relative to its norm,
    /// at CG tolerance 1e-12 on a well-conditioned problem.
    static let directSolveTolerance = 1e-6

    /// A small 1-D benchmark toy: reference, weights, data.
    private func toy(expected: Double = 150, referenceSize: Int = 900, signal: Signal1D = .none, seed: UInt64 = 3,
                     toy: UInt32 = 1) -> (EventSet, [Double], EventSet) {
        let benchmark = Benchmark1D(expectedBackground: expected, referenceSize: referenceSize, signal: signal,
                                    signalEvents: signal == .none ? nil : 40)
        let reference = benchmark.reference(seed: seed)
        return (reference, benchmark.referenceWeights.map(Double.init),
                benchmark.data(seed: seed, toy: toy).events)
    }

    private func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        let scale = max(b.map(abs).max() ?? 0, 1e-300)
        return zip(a, b).map { abs($0 - $1) }.max()! / scale
    }

    func testFastProductsMatchReference() throws {
        let (reference, weights, data) = toy()
        for dimension in [1, 3] {
            let tester = try KernelTester(engine: .cpu(threads: 2), options: KernelOptions(centres: 37))
            var events = reference.appending(data)
            if dimension > 1 {
                // a second and third feature from the same values, shifted and scaled
                let rows = (0..<events.count).map { i -> [Float] in
                    let v = events.value(event: i, feature: 0)
                    return (0..<dimension).map { Float($0 + 1) * v + Float($0) * 0.3 }
                }
                events = EventSet(rows: rows, dimension: dimension)
            }
            _ = weights
            let indices = NystromCentres.draw(count: 37, from: events.count, seed: 1, toy: 0)
            let centres = events.subset(indices)
            for (width, precision) in [(0.2, KernelPrecision.float64), (1.3, .float64), (0.2, .float32), (1.3, .float32)] {
                let tolerance = precision == .float64 ? Self.doubleProductTolerance : Self.productTolerance
                let slow = ReferenceKernelProducts(events: events, centres: centres, width: width)
                let fast = tester.engine.products(events: events, centres: centres, width: width, precision: precision)
                XCTAssertTrue(fast is FastKernelProducts)
                var random = TestRandom(11)
                let v = (0..<37).map { _ in random.uniform(-1, 1) }
                let w = (0..<events.count).map { _ in random.uniform(-1, 1) }
                let d = (0..<events.count).map { _ in random.uniform(0, 1) }
                // scales: Σ|k||v| per event and Σ|k||w| per centre are at most Σ|v|, Σ|w|
                let vScale = v.map(abs).reduce(0, +), wScale = w.map(abs).reduce(0, +)
                let fu = fast.evaluate(v), su = slow.evaluate(v)
                let label = "d=\(dimension) σ=\(width) \(precision)"
                XCTAssertLessThan(zip(fu, su).map { abs($0 - $1) }.max()! / vScale, tolerance, "K·v \(label)")
                let fr = fast.transposed(w), sr = slow.transposed(w)
                XCTAssertLessThan(zip(fr, sr).map { abs($0 - $1) }.max()! / wScale, tolerance, "Kᵀw \(label)")
                let fc = fast.curvature(v, weights: d), sc = slow.curvature(v, weights: d)
                XCTAssertLessThan(zip(fc, sc).map { abs($0 - $1) }.max()! / (vScale * Double(events.count)),
                                  tolerance, "Kᵀ(d∘Kv) \(label)")
            }
        }
    }

    func testFastFitMatchesReference() throws {
        let (reference, weights, data) = toy(signal: .np3)
        for precision in KernelPrecision.allCases {
            let options = KernelOptions(widths: [0.3, 1.0], centres: 40, lambda: 1e-6, newtonSteps: 2, cgTolerance: 1e-10, precision: precision)
            let slow = try KernelTester(engine: .reference, options: options)
            let fast = try KernelTester(engine: .cpu(threads: 2), options: options)
            let problem = try slow.problem(reference: reference, referenceWeights: weights, data: data, seed: 5, toy: 2)
            let s = try slow.fit(problem, widths: [0.3, 1.0])
            let f = try fast.fit(problem, widths: [0.3, 1.0])
            for (a, b) in zip(f, s) {
                XCTAssertEqual(a.jitter, precision.defaultJitter)
                XCTAssertEqual(a.t, b.t, accuracy: Self.statisticTolerance * max(1, abs(b.t)), "t at σ = \(b.width)")
                XCTAssertLessThan(relativeError(a.f, b.f), Self.modelTolerance, "f at σ = \(b.width)")
                XCTAssertTrue(b.t.isFinite && b.t > 0, "a signal toy gives a positive t: \(b.t)")
                for (x, y) in zip(a.cg, b.cg) {
                    XCTAssertTrue(x.converged && y.converged, "CG converged: \(x), \(y)")
                    XCTAssertLessThan(x.residual, 1e-10)
                    XCTAssertEqual(x.iterations, y.iterations, accuracy: 3, "CG iterations (fast \(x.iterations), reference \(y.iterations))")
                }
            }
            // β (the coefficients) where the centres are few and the width wide enough for K_MM to be well conditioned
            let smallOptions = KernelOptions(centres: 8, lambda: 1e-3, cgTolerance: 1e-12, precision: precision)
            let small = try KernelTester(engine: .reference, options: smallOptions)
            let smallFast = try KernelTester(engine: .cpu(threads: 1), options: smallOptions)
            let p8 = try small.problem(reference: reference, referenceWeights: weights, data: data, seed: 5, toy: 2)
            let b1 = try small.fit(p8, widths: [0.8])[0], b2 = try smallFast.fit(p8, widths: [0.8])[0]
            XCTAssertLessThan(relativeError(b2.f, b1.f), Self.modelTolerance)
            XCTAssertLessThan(relativeError(b2.coefficients, b1.coefficients), Self.coefficientTolerance, "β: \(b2.coefficients) vs \(b1.coefficients)")
        }
    }

    /// The Newton step found by preconditioned CG is the solution of H·δ = −g, solved directly.
    func testConjugateGradientMatchesDirectSolve() throws {
        let (reference, weights, data) = toy(expected: 60, referenceSize: 300)
        let options = KernelOptions(centres: 12, lambda: 1e-4, cgTolerance: 1e-13)
        let tester = try KernelTester(engine: .reference, options: options)
        let problem = try tester.problem(reference: reference, referenceWeights: weights, data: data, seed: 2, toy: 0)
        let width = 0.7
        let fit = try tester.fit(problem, widths: [width])[0]
        // direct, in β = T c (TᵀT = K_MM + εM·I, the jitter of the objective): H_β = T⁻ᵀ[(1/n) KᵀDK]T⁻¹ + λI,
        // g_β = T⁻ᵀ(1/n) Kᵀℓ'(0); β = −H_β⁻¹g_β, c = T⁻¹β. (In c the matrix (1/n) KᵀDK + λ(K_MM + εM·I)
        // has K_MM's condition number, ≈ 1e11 here with ε = 1e-13: a direct solve there loses f.)
        let n = problem.events.count, m = 12
        let products = ReferenceKernelProducts(events: problem.events, centres: problem.centres, width: width)
        let d = (0..<n).map { WeightedLogisticLoss.curvature(0, isData: problem.isData[$0], weight: problem.weights[$0]) / Double(n) }
        let g = products.transposed((0..<n).map { WeightedLogisticLoss.slope(0, isData: problem.isData[$0], weight: problem.weights[$0]) / Double(n) })
        var kmm = GaussianKernel.matrix(problem.centres, width: width)
        for j in 0..<m { kmm[j * m + j] += fit.jitter * Double(m) }
        let algebra = ReferenceDenseAlgebra()
        let t = try XCTUnwrap(algebra.choleskyUpper(kmm, size: m))
        var h = [Double](repeating: 0, count: m * m)
        for j in 0..<m {
            var e = [Double](repeating: 0, count: m)
            e[j] = 1
            let column = algebra.solve(t, size: m, products.curvature(algebra.solve(t, size: m, e, transposed: false), weights: d),
                                       transposed: true)
            for i in 0..<m { h[j * m + i] = column[i] + (i == j ? options.lambda : 0) }
        }
        let factor = try XCTUnwrap(algebra.choleskyUpper(h, size: m))
        let gBeta = algebra.solve(t, size: m, g, transposed: true)
        let beta = algebra.solve(factor, size: m, algebra.solve(factor, size: m, gBeta.map { -$0 }, transposed: true), transposed: false)
        let fDirect = products.evaluate(algebra.solve(t, size: m, beta, transposed: false))
        XCTAssertLessThan(relativeError(fit.f, fDirect), Self.directSolveTolerance)
    }

    /// The gradient the solver uses, (1/n)Kᵀℓ'(f) + λK_MM c, against central differences of
    /// J(c) = (1/n)Σℓ(f) + (λ/2)cᵀK_MM c.
    func testGradientMatchesFiniteDifferences() throws {
        let (reference, weights, data) = toy(expected: 50, referenceSize: 200)
        let tester = try KernelTester(engine: .reference, options: KernelOptions(centres: 6, lambda: 0.01))
        let problem = try tester.problem(reference: reference, referenceWeights: weights, data: data, seed: 4, toy: 1)
        let products = ReferenceKernelProducts(events: problem.events, centres: problem.centres, width: 0.9)
        let kmm = GaussianKernel.matrix(problem.centres, width: 0.9)
        let n = Double(problem.events.count), lambda = 0.01
        func objective(_ c: [Double]) -> Double {
            let f = products.evaluate(c)
            var s = 0.0
            for i in f.indices { s += WeightedLogisticLoss.value(f[i], isData: problem.isData[i], weight: problem.weights[i]) }
            var q = 0.0
            for j in 0..<6 { for i in 0..<6 { q += c[i] * kmm[j * 6 + i] * c[j] } }
            return s / n + 0.5 * lambda * q
        }
        let c = [0.3, -0.2, 0.5, 0.1, -0.4, 0.25]
        let f = products.evaluate(c)
        var g = products.transposed(f.indices.map { WeightedLogisticLoss.slope(f[$0], isData: problem.isData[$0], weight: problem.weights[$0]) / n })
        for i in 0..<6 { for j in 0..<6 { g[i] += lambda * kmm[j * 6 + i] * c[j] } }
        for j in 0..<6 {
            var plus = c, minus = c
            plus[j] += 1e-5
            minus[j] -= 1e-5
            let numeric = (objective(plus) - objective(minus)) / 2e-5
            XCTAssertEqual(g[j], numeric, accuracy: 1e-7 + 1e-5 * abs(numeric), "component \(j)")
        }
    }
    /// Kᵀw sums each centre's 32-event slabs in one fixed tree, done for eight centres at a time
    /// and for the rest one by one: a centre's sum is the same bits whichever centres are beside
    /// it (13 centres: eight in the batched tree, five alone, against each centre on its own).
    func testTransposedProductOfACentreIsTheSameBitsWithOtherCentres() throws {
        let (reference, _, data) = toy()
        let events = reference.appending(data)
        let tester = try KernelTester(engine: .cpu(threads: 2), options: KernelOptions(centres: 13))
        let centres = events.subset(NystromCentres.draw(count: 13, from: events.count, seed: 1, toy: 0))
        var random = TestRandom(5)
        let w = (0..<events.count).map { _ in random.uniform(-1, 1) }
        for precision in [KernelPrecision.float64, .float32] {
            let together = tester.engine.products(events: events, centres: centres, width: 0.7, precision: precision).transposed(w)
            let alone = (0..<13).map { m in
                tester.engine.products(events: events, centres: centres.subset([m]), width: 0.7, precision: precision).transposed(w)[0]
            }
            XCTAssertEqual(together.map(\.bitPattern), alone.map(\.bitPattern), "\(precision)")
        }
    }

    /// Three widths, so that with 2 threads two fits' M × M algebra runs side by side, and M = 300,
    /// large enough that OpenBLAS would split its Cholesky among threads if it were let to.
    func testFastEngineIsDeterministicAndThreadIndependent() throws {
        let (reference, weights, data) = toy(expected: 300, referenceSize: 3000)
        let widths = [0.4, 0.9, 2.0]
        let options = KernelOptions(widths: widths, centres: 300)
        var results: [[Double]] = []
        for threads in [2, 2, 1] {
            let tester = try KernelTester(engine: .cpu(threads: threads), options: options)
            let problem = try tester.problem(reference: reference, referenceWeights: weights, data: data, seed: 9, toy: 3)
            results.append(try tester.fit(problem, widths: widths).flatMap { [$0.t] + $0.coefficients + $0.f })
        }
        XCTAssertEqual(results[0].map(\.bitPattern), results[1].map(\.bitPattern), "two runs bit for bit")
        XCTAssertEqual(results[0].map(\.bitPattern), results[2].map(\.bitPattern), "1 and 2 threads bit for bit")
        XCTAssertEqual(nplm_dense_algebra_threads(), 1, "OpenBLAS in one thread per call")
    }

    /// The OpenBLAS algebra against the plain Double loops, and the same bits whether the matrices
    /// are factorised one after the other or side by side.
    func testBLASAlgebraMatchesTheReference() throws {
        let n = 240
        let s = (0..<(n * n)).map { sin(0.7 * Double($0) + 0.3 * Double($0 % 7)) }
        let reference = ReferenceDenseAlgebra(), blas = BLASDenseAlgebra(workers: 2)
        var a = reference.gram(s, size: n, scale: 1 / Double(n))
        XCTAssertLessThan(relativeError(blas.gram(s, size: n, scale: 1 / Double(n)), a), Self.algebraTolerance)
        for k in 0..<n { a[k * n + k] += 0.1 }
        let t = try XCTUnwrap(blas.choleskyUpper(a, size: n)), tReference = try XCTUnwrap(reference.choleskyUpper(a, size: n))
        XCTAssertLessThan(relativeError(t, tReference), Self.algebraTolerance)
        let b = Array(s[0..<n])
        for transposed in [false, true] {
            XCTAssertLessThan(relativeError(blas.solve(t, size: n, b, transposed: transposed),
                                            reference.solve(t, size: n, b, transposed: transposed)), Self.algebraTolerance)
        }
        XCTAssertNil(blas.choleskyUpper(a.map { -$0 }, size: n), "not positive definite")
        let sideBySide = try concurrentMap(4, workers: 2) { _ in try XCTUnwrap(blas.choleskyUpper(a, size: n)) }
        for factor in sideBySide { XCTAssertEqual(factor.map(\.bitPattern), t.map(\.bitPattern)) }
    }

    func testBadInputGivesClearErrors() throws {
        let (reference, weights, data) = toy(expected: 40, referenceSize: 100)
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        XCTAssertTrue(message { _ = try KernelTester(engine: .reference, options: KernelOptions(widths: [0])) }.contains("positive"))
        XCTAssertTrue(message { _ = try KernelTester(engine: .reference, options: KernelOptions(widths: [-1, 2])) }.contains("widths"))
        XCTAssertTrue(message { _ = try KernelTester(engine: .reference, options: KernelOptions(lambda: -1)) }.contains("lambda"))
        let tooMany = try KernelTester(engine: .reference, options: KernelOptions(centres: 100_000))
        XCTAssertTrue(message {
            _ = try tooMany.run(reference: reference, referenceWeights: weights, data: data, widths: [1], seed: 1, toy: 0)
        }.contains("centres"))
        // every event at the same place: K_MM is all ones (rank 1); the jitter makes it factorisable,
        // and t stays finite
        let same = EventSet([Float](repeating: 0.5, count: 120))
        for engine in [EngineChoice.reference, .cpu(threads: 1)] {
            let tester = try KernelTester(engine: engine, options: KernelOptions(centres: 30))
            let record = try tester.run(reference: same, referenceWeights: [Double](repeating: 0.25, count: 120),
                                        data: EventSet([Float](repeating: 0.5, count: 30)), widths: [0.3], seed: 1, toy: 0)
            XCTAssertTrue(record.t[0].isFinite, "\(engine): t = \(record.t[0])")
            XCTAssertGreaterThan(record.jitter[0], 0)
        }
    }

    func testCentresAreDistinctAndReproducible() {
        let a = NystromCentres.draw(count: 50, from: 60, seed: 3, toy: 7)
        XCTAssertEqual(Set(a).count, 50)
        XCTAssertEqual(a, NystromCentres.draw(count: 50, from: 60, seed: 3, toy: 7))
        XCTAssertNotEqual(a, NystromCentres.draw(count: 50, from: 60, seed: 3, toy: 8))
        XCTAssertEqual(NystromCentres.draw(count: 10, from: 10, seed: 1, toy: 0), Array(0..<10))
    }

    /// The authors' recipe: the 90th percentile of the pairwise distances of 2000 reference events,
    /// rounded to one decimal.
    func testDefaultWidthIsTheNinetiethPercentileRounded() throws {
        // background e^{−8x} (the paper's x): |x − x'| is Laplace with scale 1/8, whose 90th
        // percentile is ln 10 / 8 ≈ 0.288, so σ = 0.3, the paper's value
        let benchmark = Benchmark1D(referenceSize: 2000)
        let scaled = EventSet(benchmark.reference(seed: 1).features.map { $0 / 8 })
        XCTAssertEqual(try GaussianKernel.defaultWidth(reference: scaled), 0.3)
        // nplm's e^{−x}: ln 10 ≈ 2.30 in the limit, 2.33 for these 2000 events, so 2.3 (the
        // rounding is not scale-free: the paper's 0.3 would be 2.4)
        XCTAssertEqual(try GaussianKernel.defaultWidth(reference: benchmark.reference(seed: 1)), 2.3)
        // numpy's linear interpolation: percentile([1, 2, 3, 4], 90) = 3.7; [0, 10], 90 → 9
        var values = [4.0, 1, 3, 2]
        XCTAssertEqual(GaussianKernel.percentile(90, of: &values), 3.7, accuracy: 1e-15)
        var two = [10.0, 0]
        XCTAssertEqual(GaussianKernel.percentile(90, of: &two), 9, accuracy: 1e-15)
        // the selection against a sort, with ties
        var random = TestRandom(8)
        for count in [1, 2, 3, 10, 101, 1000] {
            let values = (0..<count).map { _ in (random.uniform(0, 20)).rounded() }
            let sorted = values.sorted()
            for q in [0.0, 37.5, 90, 100] {
                var copy = values
                let position = Double(count - 1) * q / 100, lower = Int(position), upper = min(lower + 1, count - 1)
                let expected = sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
                XCTAssertEqual(GaussianKernel.percentile(q, of: &copy), expected, "count \(count), q \(q)")
            }
        }
        // three events 0, 0.01, 0.03: distances 0.01, 0.02, 0.03, 90th percentile 0.028, which
        // rounds to 0: the percentile itself
        XCTAssertEqual(try GaussianKernel.defaultWidth(reference: EventSet([0, 0.01, 0.03])), 0.028, accuracy: 1e-8)
        // 2-D: the Euclidean distances of the events as they are (the authors standardise first)
        let square = EventSet(rows: [[0, 0], [3, 0], [0, 4], [3, 4]], dimension: 2)
        // distances 3, 3, 4, 4, 5, 5: 90th percentile 5
        XCTAssertEqual(try GaussianKernel.defaultWidth(reference: square), 5)
    }
}
