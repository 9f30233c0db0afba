import XCTest
@testable import NPLMStatistics
@testable import NPLMCore

/// The copula calibration of the width combinations: its χ² values between table nodes against
/// the exact quantile, its combined p-values against Šidák's exact law for independent widths,
/// and their calibration on fresh null toys drawn from a correlated copula.
final class StatisticsCopulaCalibrationTests: XCTestCase {
    /// Cubic Hermite between nodes 1/64 apart against the exact χ² quantile (observed 3.6e-11).
    static let interpolationTolerance = 1e-9

    /// Null toys × widths of t: χ²_{k_i} marginals joined by the Gaussian copula of equicorrelation ρ.
    func nullToys(count: Int, dofs: [Double], rho: Double, toy: UInt32) -> [[Double]] {
        var stream = RandomStream(seed: 77, toy: toy, purpose: .copulaCalibration)
        return (0..<count).map { _ in
            let common = stream.gaussian()
            return dofs.map { k in
                let z = rho.squareRoot() * common + (1 - rho).squareRoot() * stream.gaussian()
                return ChiSquared(degreesOfFreedom: k).survivalQuantile(logP: Significance.logP(z: z))
            }
        }
    }

    func calibration(_ null: [[Double]], dofs: [Double], draws: Int) throws -> CopulaCalibration {
        var stream = RandomStream(seed: 1, toy: 0, purpose: .copulaCalibration)
        return try XCTUnwrap(CopulaCalibration(null: null, degreesOfFreedom: dofs, draws: draws) { stream.gaussian() })
    }

    func testTableMatchesTheExactQuantile() {
        for k in [1.3, 9.6, 131.0] {
            let chi2 = ChiSquared(degreesOfFreedom: k), table = CopulaCalibration.NormalScoreQuantiles(chi2)
            for z in stride(from: -9.97, through: 9.9, by: 0.0731) {
                let exact = chi2.survivalQuantile(logP: Significance.logP(z: z))
                XCTAssertEqual(table.t(z: z), exact, accuracy: Self.interpolationTolerance * exact, "k \(k), z \(z)")
            }
            let far = chi2.survivalQuantile(logP: Significance.logP(z: 12))
            XCTAssertEqual(table.t(z: 12), far, "beyond the table: exact")
        }
    }

    /// Independent widths: P(min-p statistic ≥ −log q) = 1 − (1 − q)^n exactly.
    func testMinPOfIndependentWidthsIsSidak() throws {
        let dofs = [3.0, 6.0, 10.0]
        let copula = try calibration(nullToys(count: 4000, dofs: dofs, rho: 0, toy: 0), dofs: dofs, draws: 40_000)
        for a in 0..<3 {
            for b in 0..<3 where a != b { XCTAssertEqual(copula.correlation[a * 3 + b], 0, accuracy: 0.06) }
        }
        for q in [0.2, 0.05, 0.01] {
            // a toy whose smallest per-width p is q
            let t = [ChiSquared(degreesOfFreedom: 3).survivalQuantile(q), 1, 2]
            let p = try XCTUnwrap(copula.combinedPValues(t)[.minP])
            let sidak = 1 - Foundation.pow(1 - q, 3)
            XCTAssertEqual(p, sidak, accuracy: 4 * (sidak * (1 - sidak) / 40_000).squareRoot() + 1e-4, "q \(q)")
        }
    }

    /// Fresh null toys of a correlated copula get p-values at their nominal rate.
    func testCombinedPValuesAreCalibratedOnFreshNullToys() throws {
        let dofs = [2.5, 8.0, 9.0, 30.0]
        let copula = try calibration(nullToys(count: 1500, dofs: dofs, rho: 0.7, toy: 1), dofs: dofs, draws: 40_000)
        XCTAssertEqual(copula.correlation[1], 0.7, accuracy: 0.05)
        let fresh = nullToys(count: 3000, dofs: dofs, rho: 0.7, toy: 2)
        for level in [0.1, 0.02] {
            let rates = copula.rate(fresh, level: level)
            for combination in WidthCombination.allCases {
                let rate = try XCTUnwrap(rates[combination])
                XCTAssertEqual(rate, level, accuracy: 4 * (level * (1 - level) / 3000).squareRoot(), "\(combination) at \(level)")
            }
        }
    }

    func testTooFewNullToysGiveNoCalibration() {
        var stream = RandomStream(seed: 1, toy: 0, purpose: .copulaCalibration)
        XCTAssertNil(CopulaCalibration(null: [[1, 2], [3, 4]], degreesOfFreedom: [2, 2], draws: 10) { stream.gaussian() })
        XCTAssertNil(CopulaCalibration(null: Array(repeating: [1.0, 2.0], count: 5), degreesOfFreedom: [2, 2], draws: 10) { stream.gaussian() },
                     "widths whose t move together exactly: R is singular")
    }
}
