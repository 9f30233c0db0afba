import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// Z ↔ p through log p against mpmath.
///
/// Reference values: printed by tools/reference_values.py (mpmath 1.3.0, mp.dps = 60:
/// log Φ̄(z) = log(erfc(z/√2)/2), Z by bisection on it to 2^-260).
final class StatisticsSignificanceTests: XCTestCase {
    /// Error allowed on Z, relative to max(1, |Z|) (about 10 ulps). Observed: 3.5e-16.
    static let zRelativeTolerance = 2e-15
    /// Error allowed on log p, relative to max(1, |log p|). Observed: 2.3e-16.
    static let logPRelativeTolerance = 2e-15
    /// Relative error allowed on p where it is a normal Double: p = e^{log p} multiplies log p's
    /// rounding by |log p| ≤ 690 (690 × 2.2e-16 = 1.5e-13). Observed: 5e-14.
    static let pRelativeTolerance = 2e-13

    /// Z from p: (p, Z)  [mpmath, bisection on log(erfc(z/sqrt2)/2), dps 60]
    static let zFromP: [(p: Double, z: Double)] = [
        (0.5, 0.0),
        (0.3, 5.2440051270804078404e-1),
        (1e-3, 3.0902323061678135415),
        (2.87e-7, 4.9997657768425542593),
        (1e-16, 8.2220822161304356127),
        (1e-100, 2.1273453560965324295e+1),
        (1e-300, 3.7047096299361199237e+1),
        (0.9, -1.281551565544600467),
        (0.999, -3.0902323061678135415),
    ]

    /// Z from log p below the Double range: (log p, Z)  [mpmath, dps 60]
    static let zFromLogP: [(logP: Double, z: Double)] = [
        (-1000, 4.461574773196940302e+1),
        (-5000, 9.9944748174841092478e+1),
        (-1e5, 4.4719789367852505149e+2),
    ]

    /// p from Z: (Z, log p, p)  [mpmath erfc, dps 60]
    static let pFromZ: [(z: Double, logP: Double, p: Double)] = [
        (-3, -1.3508099647481937988e-3, 9.9865010196836990547e-1),
        (-0.5, -3.6894641528865639307e-1, 6.9146246127401310364e-1),
        (0, -6.9314718055994530942e-1, 5.0e-1),
        (0.5, -1.1759117615936186089, 3.0853753872598689636e-1),
        (1, -1.8410216450092635058, 1.5865525393145705141e-1),
        (2, -3.7831843336820319488, 2.27501319481792072e-2),
        (3, -6.6077262215103495433, 1.3498980316300945267e-3),
        (5, -1.5064998393988725736e+1, 2.8665157187919391167e-7),
        (7.9, -3.4206228170981713126e+1, 1.3945171466592682528e-15),
        (8, -3.5013437159914549896e+1, 6.2209605742717841235e-16),
        (8.1, -3.5830502890801474745e+1, 2.7479593923982204689e-16),
        (10, -5.3231285150512470578e+1, 7.619853024160526066e-24),
        (15, -1.1613138484571169524e+2, 3.6709661993127508858e-51),
        (20, -2.0391715537109726394e+2, 2.7536241186062336951e-89),
        (30, -4.5432124395634319711e+2, 4.9067139271481870595e-198),
        (37, -6.890305855768905936e+2, 5.7255712225245768227e-300),
        (38, -7.265572160188201301e+2, 0.0),  // p = 2.8854283600687843084e-316 underflows a Double
        (40, -8.0460844201375378817e+2, 0.0),  // p = 3.6558935409150297037e-350 underflows a Double
        (100, -5.0055242086942050886e+3, 0.0),  // p = 1.3441790767441983051e-2174 underflows a Double
    ]

    func testZFromPAgainstMpmath() {
        var worst = 0.0
        for row in Self.zFromP {
            let z = Significance.z(p: row.p)
            let error = abs(z - row.z) / max(1, abs(row.z))
            worst = max(worst, error)
            XCTAssertLessThanOrEqual(error, Self.zRelativeTolerance, "Z(p = \(row.p)) = \(z), expected \(row.z)")
        }
        for row in Self.zFromLogP {
            let z = Significance.z(logP: row.logP)
            let error = abs(z - row.z) / max(1, abs(row.z))
            worst = max(worst, error)
            XCTAssertLessThanOrEqual(error, Self.zRelativeTolerance, "Z(log p = \(row.logP)) = \(z), expected \(row.z)")
        }
        print("Z from p: worst relative error \(worst)")
    }

    func testPFromZAgainstMpmath() {
        var worstLog = 0.0, worstP = 0.0
        for row in Self.pFromZ {
            let logP = Significance.logP(z: row.z)
            let logError = abs(logP - row.logP) / max(1, abs(row.logP))
            worstLog = max(worstLog, logError)
            XCTAssertLessThanOrEqual(logError, Self.logPRelativeTolerance, "log p(Z = \(row.z)) = \(logP), expected \(row.logP)")
            if row.p >= 1e-300 {
                let p = Significance.p(z: row.z)
                let error = abs(p - row.p) / row.p
                worstP = max(worstP, error)
                XCTAssertLessThanOrEqual(error, Self.pRelativeTolerance, "p(Z = \(row.z)) = \(p), expected \(row.p)")
            }
        }
        print("p from Z: worst relative error of log p \(worstLog), of p \(worstP)")
    }

    /// Z(log p(z)) = z from −8 to 60, across the switch between erfc and the continued fraction.
    func testRoundTrip() {
        var worst = 0.0
        var z = -8.0
        while z <= 60 {
            let back = Significance.z(logP: Significance.logP(z: z))
            worst = max(worst, abs(back - z) / max(1, abs(z)))
            z += 0.37
        }
        print("Z round trip: worst relative error \(worst)")
        // Two approximations composed (p from Z, then Z from p), each ≈ 1e-15 near the method
        // switch at z = 8: 1e-13 bounds the composition, not either one.
        XCTAssertLessThanOrEqual(worst, 1e-13)
        // Continuity where the upper tail changes method (z = 8).
        let below = Significance.logP(z: 8.0.nextDown), at = Significance.logP(z: 8)
        XCTAssertEqual(below, at, accuracy: 1e-13 * abs(at))
    }

    func testEdges() {
        XCTAssertEqual(Significance.z(p: 0), .infinity)
        XCTAssertEqual(Significance.z(p: 1), -.infinity)
        XCTAssertEqual(Significance.z(logP: -.infinity), .infinity)
        XCTAssertTrue(Significance.z(p: -0.1).isNaN)
        XCTAssertTrue(Significance.z(p: .nan).isNaN)
        XCTAssertEqual(Significance.p(z: .infinity), 0)
        XCTAssertEqual(Significance.p(z: -.infinity), 1)
        XCTAssertEqual(Significance.logP(z: 0), -Foundation.log(2.0), accuracy: 1e-16)
    }
}
