import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The Gauss–Kronrod quadrature and the ideal significance Z_id (Bressler et al., Symmetrized Approach, eq. 30).
///
/// Reference values: printed by tools/reference_values.py (mpmath 1.3.0, mp.dps = 30,
/// mpmath.quad — tanh-sinh, an independent method — with its error estimate in the comments).
final class StatisticsIdealSignificanceTests: XCTestCase {
    /// Relative error allowed on q₀ (the quadrature asks for 1e-12). Observed: 9e-16.
    static let q0RelativeTolerance = 1e-11

    /// Ideal significance: (signal, Ns, Nb, q0, Z_id)  [mpmath.quad, dps 30]
    static let ideal: [(signal: Signal1D, signalEvents: Double, backgroundEvents: Double, q0: Double, z: Double)] = [
        (.np1, 10.0, 2000.0, 2.2828830709528801023e+1, 4.7779525645959275286),  // mpmath.quad error estimate of q0: 2.4e-32
        (.np2, 180.0, 2000.0, 7.383215685349039967e+1, 8.5925640441890451859),  // mpmath.quad error estimate of q0: 2.2e-43
        (.np3, 90.0, 2000.0, 3.1178029891598935441e+1, 5.5837290309970213884),  // mpmath.quad error estimate of q0: 4.04e-32
        (.np2, 90.0, 2000.0, 2.0618333778751757673e+1, 4.5407415450289347726),  // mpmath.quad error estimate of q0: 4.0e-44
        (.np1, 5.0, 20000.0, 1.2160230287663445846, 1.1027343418821890416),  // mpmath.quad error estimate of q0: 4.06e-33
        (.np3, 500.0, 55000.0, 3.8772183933649466768e+1, 6.2267314004740454011),  // mpmath.quad error estimate of q0: 2.95e-33
    ]

    func testIdealSignificanceAgainstMpmath() {
        var worst = 0.0
        for row in Self.ideal {
            let q0 = IdealSignificance.q0(signal: row.signal, signalEvents: row.signalEvents, backgroundEvents: row.backgroundEvents)
            let error = abs(q0 - row.q0) / row.q0
            worst = max(worst, error)
            XCTAssertLessThanOrEqual(error, Self.q0RelativeTolerance, "q0 for \(row.signal), N_s = \(row.signalEvents): \(q0) vs \(row.q0)")
            let z = IdealSignificance.z(signal: row.signal, signalEvents: row.signalEvents, backgroundEvents: row.backgroundEvents)
            XCTAssertEqual(z, row.z, accuracy: Self.q0RelativeTolerance * row.z)
        }
        print("Z_id: worst relative error of q0 \(worst)")
        XCTAssertEqual(IdealSignificance.z(signal: .none, signalEvents: 0, backgroundEvents: 2000), 0)
        XCTAssertEqual(IdealSignificance.z(signal: .np1, signalEvents: 0, backgroundEvents: 2000), 0)
    }

    /// For a small signal q₀ ≈ N_s² ∫ S²/(N_b b₀) dx (φ(r) ≈ r²/2): NP2 has
    /// ∫ (x⁴e^{−2x}/4)/e^{−x} dx = ∫ x⁴e^{−x}/4 dx = 6, so q₀ ≈ 6 N_s²/N_b.
    func testSmallSignalLimit() {
        let q0 = IdealSignificance.q0(signal: .np2, signalEvents: 1, backgroundEvents: 1e6)
        XCTAssertEqual(q0, 6e-6, accuracy: 6e-6 * 1e-4)
    }

    /// The 15-point Kronrod rule integrates x^j exactly for j ≤ 22 and the embedded 7-point Gauss
    /// rule for j ≤ 13 (on [−1, 1]: 2/(j+1) for even j, 0 for odd): this checks every tabulated
    /// node and weight.
    func testGaussKronrodExactness() {
        for j in 0...22 {
            let (k, g) = Quadrature.kronrodGauss({ Foundation.pow($0, Double(j)) }, -1, 1)
            let exact = j % 2 == 0 ? 2 / Double(j + 1) : 0
            XCTAssertEqual(k, exact, accuracy: 1e-15, "Kronrod, x^\(j)")
            if j <= 13 { XCTAssertEqual(g, exact, accuracy: 1e-15, "Gauss, x^\(j)") }
        }
        // Degree 24 is not exact for Kronrod-15: the error estimate must see it.
        let (k24, _) = Quadrature.kronrodGauss({ Foundation.pow($0, 24) }, -1, 1)
        XCTAssertGreaterThan(abs(k24 - 2.0 / 25), 1e-10)
    }

    func testAdaptiveIntegration() {
        let sine = Quadrature.integrate({ Foundation.sin($0) }, from: 0, to: Double.pi)
        XCTAssertEqual(sine.value, 2, accuracy: 1e-13)
        // An endpoint singularity of the derivative needs bisection towards 0.
        let root = Quadrature.integrate({ $0.squareRoot() }, from: 0, to: 1)
        XCTAssertEqual(root.value, 2.0 / 3, accuracy: 1e-12)
        XCTAssertGreaterThan(root.intervals, 5)
        // A narrow peak (σ = 0.01 on [0, 100]) found through breakpoints out to 12σ on both sides,
        // as IdealSignificance places them. Breakpoints only at ±1σ lose a tail: the nodes of
        // [6.41, 100] start 40σ away and see zeros, so nothing there is refined.
        let gauss: (Double) -> Double = { Foundation.exp(-0.5 * pow(($0 - 6.4) / 0.01, 2)) }
        var cuts: [Double] = [6.4]
        for k in [1.0, 3, 6, 12] { cuts += [6.4 - 0.01 * k, 6.4 + 0.01 * k] }
        let peak = Quadrature.integrate(gauss, from: 0, to: 100, breakpoints: cuts)
        XCTAssertEqual(peak.value, 0.01 * (2 * Double.pi).squareRoot(), accuracy: 1e-14)
        let blind = Quadrature.integrate(gauss, from: 0, to: 100, breakpoints: [6.39, 6.4, 6.41])
        XCTAssertLessThan(blind.value, 0.9 * peak.value)
        XCTAssertEqual(Quadrature.integrate({ _ in 1 }, from: 2, to: 2).value, 0)
    }
}
