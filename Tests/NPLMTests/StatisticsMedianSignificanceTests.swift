import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// Empirical p-values from null toys and the median significance with its seed-000 error.
///
/// Reference values: printed by tools/reference_values.py (mpmath 1.3.0, mp.dps = 60); the
/// counting cases are by hand.
final class StatisticsMedianSignificanceTests: XCTestCase {
    /// Error allowed on Z, relative to max(1, |Z|): Z goes through `logSurvival` (≈ 1e-15 relative,
    /// StatisticsChiSquaredTests) and the Φ⁻¹ Newton steps; 1e-13 leaves two orders for t_med's
    /// Double arithmetic.
    static let zRelativeTolerance = 1e-13
    /// Error allowed on ε = Z(t_med) − Z(t_med − s/√N): a difference of two Z, so absolute.
    static let errorAbsoluteTolerance = 1e-12

    /// Empirical largest Z: (N_null, Z(1/(1+N_null)))  [mpmath, dps 60]
    static let largestZ: [(nullCount: Int, z: Double)] = [
        (10, 1.3351777361189366791),
        (100, 2.3300789227879107446),
        (1000, 3.0905291379252682063),
        (1000000, 4.7534245109110643133),
    ]

    /// Median significance: (dof, t list, t_med, s, Z(t_med), eps)  [mpmath, dps 60]
    static let medians: [(dof: Double, t: [Double], median: Double, s: Double, z: Double, error: Double)] = [
        (13, [25.0, 31.0, 40.0, 44.0, 52.0, 60.0, 90.0], 4.4e+1, 2.1667399255014213085e+1, 4.0074485358065522404, 7.8472147945630605791e-1),
        (13, [20.0, 22.0, 30.0, 38.0, 41.0, 45.0, 47.0, 300.0], 3.95e+1, 9.4329873316993275818e+1, 3.5884661993930614022, 5.1478552424099377842),
        (1, [400.0, 700.0, 1000.0, 1200.0, 1400.0], 1.0e+3, 3.974921382870358104e+2, 3.1600871645416970469e+1, 2.9503655662179172907),
    ]

    /// Sample summary: (sample, mean, s, [p5, p16, p50, p84, p95])  [numpy.percentile, numpy.std(ddof=1)]
    static let summaries: [(sample: [Double], mean: Double, s: Double, percentiles: [Double])] = [
        ([13.2, 9.1, 20.5, 11.0, 15.7, 8.8, 12.4, 30.1, 14.9, 10.3, 17.6], 14.872727272727273, 6.218374531835616, [8.95, 9.82, 13.2, 18.76, 25.3]),
        ([3.0, 1.0, 4.0, 1.5, 9.0, 2.6], 3.516666666666667, 2.891654658956817, [1.125, 1.4, 2.8, 5.000000000000001, 7.75]),
    ]

    func testSampleSummaryAgainstNumpy() {
        for row in Self.summaries {
            let summary = SampleSummary(row.sample)
            XCTAssertEqual(summary.mean, row.mean, accuracy: 1e-14 * row.mean)
            XCTAssertEqual(summary.standardDeviation, row.s, accuracy: 1e-14 * row.s)
            XCTAssertEqual(summary.standardError, row.s / Double(row.sample.count).squareRoot(), accuracy: 1e-14 * row.s)
            for (q, expected) in zip([0.05, 0.16, 0.5, 0.84, 0.95], row.percentiles) {
                XCTAssertEqual(summary.percentile(q), expected, accuracy: 1e-13 * expected, "q = \(q) of \(row.sample)")
            }
            XCTAssertEqual(summary.median, MedianSignificance.median(row.sample))
            XCTAssertEqual(summary.percentile(0), row.sample.min())
            XCTAssertEqual(summary.percentile(1), row.sample.max())
        }
    }

    func testEmpiricalPValueByHand() {
        let null = EmpiricalPValue(null: [5, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        XCTAssertEqual(null.nullCount, 10)
        // p = (1 + #{t_null ≥ t}) / (1 + N_null).
        XCTAssertEqual(null.pValue(5), 7.0 / 11)      // 5, 5, 6, 7, 8, 9
        XCTAssertEqual(null.pValue(5.5), 5.0 / 11)    // 6, 7, 8, 9
        XCTAssertEqual(null.pValue(-1), 1)
        XCTAssertEqual(null.pValue(9), 2.0 / 11)
        XCTAssertEqual(null.pValue(100), 1.0 / 11)
        XCTAssertTrue(null.isBound(100))
        XCTAssertFalse(null.isBound(9))
        XCTAssertEqual(null.smallestPValue, 1.0 / 11)
        XCTAssertEqual(null.z(100), null.largestZ)
        // A diverged null toy (+∞) is above every finite t.
        let withInfinity = EmpiricalPValue(null: [1, .infinity])
        XCTAssertEqual(withInfinity.pValue(1e300), 2.0 / 3)
        XCTAssertEqual(withInfinity.pValue(.infinity), 2.0 / 3)
    }

    func testLargestZAgainstMpmath() {
        for row in Self.largestZ {
            XCTAssertEqual(EmpiricalPValue.largestZ(nullCount: row.nullCount), row.z,
                           accuracy: Self.zRelativeTolerance * max(1, row.z), "N_null = \(row.nullCount)")
            if row.nullCount <= 1000 {
                let null = EmpiricalPValue(null: [Double](repeating: 0, count: row.nullCount))
                XCTAssertEqual(null.largestZ, row.z, accuracy: Self.zRelativeTolerance * max(1, row.z))
                XCTAssertEqual(null.z(1), row.z, accuracy: Self.zRelativeTolerance * max(1, row.z))
            }
        }
    }

    func testMedianSignificanceAgainstMpmath() {
        for row in Self.medians {
            let m = MedianSignificance(signal: row.t.reversed(), degreesOfFreedom: row.dof)
            XCTAssertEqual(m.toys, row.t.count)
            XCTAssertEqual(m.median, row.median)
            XCTAssertEqual(m.standardDeviation, row.s, accuracy: 1e-14 * row.s)
            XCTAssertEqual(m.z, row.z, accuracy: Self.zRelativeTolerance * max(1, abs(row.z)), "Z for \(row.t)")
            XCTAssertEqual(m.error, row.error, accuracy: Self.errorAbsoluteTolerance, "ε for \(row.t)")
            XCTAssertFalse(m.isBound)
        }
    }

    func testMedianAgainstEmpiricalNull() {
        // Null 0, 1, …, 99; signal toys 90…96 (N = 7): t_med = 93, p = (1 + 7)/101.
        let null = EmpiricalPValue(null: (0..<100).map(Double.init))
        let signal: [Double] = [96, 90, 95, 91, 94, 92, 93]
        let m = MedianSignificance(signal: signal, null: null)
        XCTAssertEqual(m.median, 93)
        XCTAssertEqual(m.z, Significance.z(p: 8.0 / 101), accuracy: 1e-15)
        // s = √(Σ(t − 93)²/6) = √(28/6); t_med − s/√7 = 93 − 0.8165 = 92.18 → p = (1 + 7)/101 as
        // well (the step function has not moved): ε = 0.
        XCTAssertEqual(m.standardDeviation, (28.0 / 6).squareRoot(), accuracy: 1e-14)
        XCTAssertEqual(m.error, 0)
        XCTAssertFalse(m.isBound)
        // Above every null toy: Z saturates at the largest supported value and is flagged.
        let far = MedianSignificance(signal: [500, 600, 700], null: null)
        XCTAssertEqual(far.z, null.largestZ)
        XCTAssertTrue(far.isBound)
    }

    func testMedianEdges() {
        XCTAssertEqual(MedianSignificance.median([3]), 3)
        XCTAssertEqual(MedianSignificance.median([4, 1, 3, 2]), 2.5)
        XCTAssertEqual(MedianSignificance.median([1, .infinity, .infinity]), .infinity)
        XCTAssertEqual(MedianSignificance.median([1, 2, .infinity]), 2)
        XCTAssertEqual(MedianSignificance.standardDeviation([7]), 0)
        let one = MedianSignificance(signal: [30], degreesOfFreedom: 13)
        XCTAssertEqual(one.error, 0)
        // A diverged toy keeps the median finite but makes s and ε infinite.
        let diverged = MedianSignificance(signal: [30, 31, .infinity], degreesOfFreedom: 13)
        XCTAssertEqual(diverged.median, 31)
        XCTAssertEqual(diverged.error, .infinity)
    }
}
