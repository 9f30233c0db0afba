import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The weight-clipping selection (D'Agnolo et al., Imperfect Machine, §3.1) on a synthetic campaign whose t distribution is
/// exactly χ²₁₃ at W = 9 and stretched by (W/9)^¼ elsewhere: it must land near 9.
final class CampaignCalibrationTests: XCTestCase {
    func testSyntheticCampaignChoosesTheWWhereTIsChiSquared() throws {
        let chi2 = ChiSquared(degreesOfFreedom: 13)
        let golden = (5.0.squareRoot() - 1) / 2
        // Toy i: the χ²₁₃ quantile of a low-discrepancy point, so every prefix of toys is χ²-like.
        func t(_ toy: Int, _ w: Double) -> Double {
            let u = (0.5 + Double(toy) * golden).truncatingRemainder(dividingBy: 1)
            return chi2.quantile(u) * Foundation.pow(w / 9, 0.25)
        }
        var trainedToys = 0
        let calibration = ClippingCalibration(dof: 13) { w, toys in
            trainedToys += toys.count
            return toys.map { t($0, w) }
        }
        let result = try calibration.run(low: 1, high: 100, rootToys: 20, rootSteps: 4, scanToys: [40, 100], points: 5)
        XCTAssertEqual(result.dof, 13)
        XCTAssertGreaterThan(result.chosen, 5)
        XCTAssertLessThan(result.chosen, 17)
        XCTAssertGreaterThan(result.chosenKSPValue, 0.5)
        // Larger toy counts reuse the toys already trained at a W.
        let distinctW = result.rows.count
        XCTAssertLessThanOrEqual(trainedToys, distinctW * 100)
        let table = ClippingCalibration.table(result)
        XCTAssertTrue(table.contains("← chosen"), table)
        XCTAssertTrue(table.contains("100 toys: KS p"), table)
        // The rows are sorted by decreasing W, as in 002 Table 1.
        XCTAssertEqual(result.rows.map(\.clip), result.rows.map(\.clip).sorted(by: >))
    }

    /// ⟨t⟩ steep in W, as for the 5-D networks: t = χ²₁₃ + 300·log(W/1.4), so only W ≈ 1.4 fits.
    /// The log-spaced grid steps over it; the interpolated root of ⟨t⟩ = dof is scanned too.
    func testSteepMeanIsFoundByInterpolation() throws {
        let chi2 = ChiSquared(degreesOfFreedom: 13)
        let golden = (5.0.squareRoot() - 1) / 2
        let calibration = ClippingCalibration(dof: 13) { w, toys in
            toys.map { chi2.quantile((0.5 + Double($0) * golden).truncatingRemainder(dividingBy: 1)) + 300 * Foundation.log(w / 1.4) }
        }
        let result = try calibration.run(low: 1, high: 2, rootToys: 20, rootSteps: 2, scanToys: [40], points: 4)
        XCTAssertEqual(result.chosen, 1.4, accuracy: 0.01, ClippingCalibration.table(result))
        XCTAssertGreaterThan(result.chosenKSPValue, 0.5)
    }
}
