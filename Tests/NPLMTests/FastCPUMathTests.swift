import CFastLoss
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The kernel's e^x and softplus against Double, in every variant this CPU can run.
final class FastCPUMathTests: XCTestCase {
    /// Largest error of e^x in units in the last place of the float32 result (Cephes expf: ≤ 1 ulp
    /// by its documentation; 2 allows for the Cody–Waite reduction near the range ends).
    static let expUlps = 2.0
    /// softplus = max(z, 0) + log1p(e^−|z|): a few roundings, relative.
    static let softplusTolerance = 4e-7

    private func apply(_ function: (nplm_isa, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void,
                       _ set: FastCPUInstructionSet, _ x: [Float]) -> [Float] {
        var y = [Float](repeating: .nan, count: x.count)
        let lanes = Int(NPLM_LANES)
        for start in stride(from: 0, to: x.count, by: lanes) {
            var input = [Float](repeating: 0, count: lanes), output = [Float](repeating: 0, count: lanes)
            for k in 0..<min(lanes, x.count - start) { input[k] = x[start + k] }
            function(set.cValue, input, &output)
            for k in 0..<min(lanes, x.count - start) { y[start + k] = output[k] }
        }
        return y
    }

    func testExpIsWithinTwoUlps() {
        let x = stride(from: -87.0, through: 88.0, by: 0.0137).map { Float($0) } + [0, -0.0, 1e-8, -1e-8, 0.5, 1]
        for set in FastCPUInstructionSet.allCases where set.isSupported {
            let y = apply(nplm_exp_lanes, set, x)
            var worst = 0.0
            for (xi, yi) in zip(x, y) {
                let exact = Foundation.exp(Double(xi))
                let ulp = Double(Float(exact).ulp)
                worst = max(worst, abs(Double(yi) - exact) / ulp)
            }
            XCTAssertLessThanOrEqual(worst, Self.expUlps, "\(set)")
            XCTAssertEqual(apply(nplm_exp_lanes, set, [0])[0], 1, "\(set)")
        }
    }

    /// Overflow gives +∞ (so a run-away fit is seen as diverged), underflow 0, NaN stays NaN.
    func testExpEdgeCases() {
        for set in FastCPUInstructionSet.allCases where set.isSupported {
            let y = apply(nplm_exp_lanes, set, [89, 1000, .infinity, -89, -1000, -.infinity, .nan, 88])
            XCTAssertEqual(Array(y[0..<3]), [.infinity, .infinity, .infinity], "\(set)")
            XCTAssertEqual(Array(y[3..<6]), [0, 0, 0], "\(set)")
            XCTAssertTrue(y[6].isNaN, "\(set)")
            XCTAssertTrue(y[7].isFinite && y[7] > 1e38, "\(set)")
        }
    }

    func testSoftplusMatchesDouble() {
        let x = stride(from: -40.0, through: 40.0, by: 0.0191).map { Float($0) } + [0, 1e-6, -1e-6]
        for set in FastCPUInstructionSet.allCases where set.isSupported {
            let y = apply(nplm_softplus_lanes, set, x)
            var worst = 0.0
            for (xi, yi) in zip(x, y) {
                let exact = LossKind.softplus(Double(xi))
                worst = max(worst, abs(Double(yi) - exact) / exact)
            }
            XCTAssertLessThanOrEqual(worst, Self.softplusTolerance, "\(set)")
        }
    }
}
