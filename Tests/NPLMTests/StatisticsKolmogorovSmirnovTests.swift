import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The one-sample Kolmogorov–Smirnov test: statistic and p-values against independent values.
///
/// Reference values: printed by tools/reference_values.py — exact two-sided tails from Durbin's
/// matrix formula in exact rational arithmetic (Python fractions), the one-sided Birnbaum–Tingey
/// sum in mpmath 1.3.0 at mp.dps = 60, the Kolmogorov limit by mpmath.nsum, each cross-checked with
/// scipy 1.17.1 (kstwo.sf, ksone.sf, kstwobign.sf, shown in the comments); sample statistics and
/// p-values from scipy.stats.kstest(method="exact").
final class StatisticsKolmogorovSmirnovTests: XCTestCase {
    /// Relative error allowed on exact p-values (1 − CDF for p ≥ 1e-3, where the CDF's ~1e-15
    /// absolute error is ≤ 1e-12 relative; twice the one-sided tail below, ≲ 1.3e-10 relative).
    /// Observed: 1.4e-14 on the small-n table.
    static let exactRelativeTolerance = 2e-10
    /// Error allowed on log P(D⁺ ≥ d), relative to max(1, |log p|). Observed: see the printout.
    static let oneSidedLogTolerance = 1e-13
    /// Relative difference allowed against scipy at n = 5000, where scipy itself approximates
    /// (its values differ from exact ones by ~1e-8 at n = 1000).
    static let scipyApproximationTolerance = 1e-6
    /// Relative error allowed on the Pelz–Good expansion against the exact matrix at n = 2000
    /// (measured while writing it: ~1e-7 at n = 1000, ~1e-8 at n = 3000).
    static let pelzGoodTolerance = 1e-6
    /// Relative error allowed on the Kolmogorov limit Q_KS(λ).
    static let limitRelativeTolerance = 1e-13
    /// Errors allowed against scipy.stats.kstest on samples: D to rounding, p relative.
    static let statisticTolerance = 1e-14
    static let sampleRelativeTolerance = 1e-10

    /// KS two-sided tail P(D_n >= d): (n, d, p)  [exact rationals (Durbin), = scipy kstwo.sf]
    static let twoSided: [(n: Int, d: Double, p: Double)] = [
        (1, 0.3, 1.0),  // scipy 1.0
        (5, 0.2, 9.616e-1),  // scipy 0.9616
        (5, 0.45, 1.9399375e-1),  // scipy 0.19399374999999963
        (10, 0.1, 9.9963712e-1),  // scipy 0.99963712
        (10, 0.25, 4.841115325e-1),  // scipy 0.4841115325000003
        (10, 0.41, 4.932075782870488312e-2),  // scipy 0.04932075782870482
        (20, 0.15, 7.0446715494428715797e-1),  // scipy 0.7044671549442872
        (20, 0.3, 4.3067066658517814873e-2),  // scipy 0.04306706665851623
        (50, 0.1, 6.6231127046581854154e-1),  // scipy 0.6623112704658186
        (50, 0.2, 3.1438777769534506448e-2),  // scipy 0.03143877776953241
        (100, 0.05, 9.5321597106357250241e-1),  // scipy 0.9532159710635725
        (100, 0.12, 1.0330374901820254617e-1),  // scipy 0.10330374901819939
    ]

    /// KS one-sided tail P(D+_n >= d): (n, d, log p)  [Birnbaum-Tingey in mpmath dps 60; = scipy ksone.sf]
    static let oneSided: [(n: Int, d: Double, logP: Double)] = [
        (5, 0.6, -4.1970419604604432862),  // p = 1.504e-2, scipy 0.015040000000000005
        (10, 0.5, -5.5496790816612331011),  // p = 3.888705e-3, scipy 0.003888705
        (10, 0.7, -1.1535948472127768235e+1),  // p = 9.7724e-6, scipy 9.772400000000017e-06
        (100, 0.3, -1.8541726414756891025e+1),  // p = 8.8599349463314468998e-9, scipy 8.859934946331458e-09
        (100, 0.5, -5.3459389446508292384e+1),  // p = 6.0657171859089290446e-24, scipy 6.065717185908929e-24
        (1000, 0.1, -2.0107084181391862566e+1),  // p = 1.851843548408859504e-9, scipy 1.8518435484088554e-09
        (1000, 0.2, -8.0843525162675741521e+1),  // p = 7.7643146021253384239e-36, scipy 7.764314602125269e-36
        (1000, 0.6, -7.9287859669880618969e+2),  // p = 4.5415137615807772654e-345, scipy 0.0
    ]

    /// KS n = 1000 two-sided: (n, d, p)  [Durbin's matrix in 400-bit fixed-point integers; scipy kstwo.sf in the comment]
    static let largeSamples: [(n: Int, d: Double, p: Double)] = [
        (1000, 0.0213, 7.4626004346319787182e-1),  // scipy 0.746260054295949
        (1000, 0.0317, 2.6183957983297448766e-1),  // scipy 0.26183955465808195
        (1000, 0.0452, 3.2580724573426698471e-2),  // scipy 0.03258073605940681
        (1000, 0.0601, 1.3945521551442333565e-3),  // scipy 0.0013945521555860324
    ]

    /// KS n = 5000 two-sided: (n, d, p)  [scipy kstwo.sf only: an approximation at this n, ~1e-8]
    static let scipyLargeSamples: [(n: Int, d: Double, p: Double)] = [
        (5000, 0.012, 0.4639912166690191),
        (5000, 0.02, 0.03613941395325637),
        (5000, 0.03, 0.00024159234422666817),
    ]

    /// Kolmogorov limit Q_KS(lambda) = 2 sum (-1)^(j-1) exp(-2 j^2 lambda^2): (lambda, Q)  [mpmath nsum; = scipy kstwobign.sf]
    static let limit: [(lambda: Double, q: Double)] = [
        (0.3, 9.9999069419866543337e-1),  // scipy 0.9999906941986655
        (0.5, 9.6394524366487509439e-1),  // scipy 0.9639452436648751
        (0.8, 5.44142411574198149e-1),  // scipy 0.5441424115741981
        (1.0, 2.699996716773545212e-1),  // scipy 0.26999967167735456
        (1.36, 4.9485876755377909939e-2),  // scipy 0.049485876755377876
        (2.0, 6.7092525577969534654e-4),  // scipy 0.0006709252557796953
        (3.0, 3.0459959489425256872e-8),  // scipy 3.045995948942526e-08
        (5.0, 3.857499695927835566e-22),  // scipy 3.8574996959278356e-22
    ]

    /// KS samples vs chi2_k: (k, sample, D, p)  [scipy.stats.kstest method='exact']
    static let samples: [(k: Double, sample: [Double], d: Double, p: Double)] = [
        (13, [8.1, 10.4, 12.2, 13.9, 15.3, 17.0, 19.8, 22.5], 0.24407596861121528, 0.6418230254263106),
        (13, [3.2, 4.0, 5.1, 5.5, 6.8, 7.7, 9.0, 9.9, 11.3, 12.0, 13.1, 14.4], 0.3687572356447396, 0.0569317043138905),
        (1, [0.01, 0.02, 0.15, 0.4, 0.45, 0.9, 1.2, 2.5, 3.1, 4.0], 0.18615370199334236, 0.8183330349897192),
        (96, [70.0, 80.5, 85.0, 90.0, 93.3, 97.0, 99.9, 104.0, 110.0, 118.0, 125.0, 140.0, 150.0], 0.24440112085395305, 0.359696847329801),
    ]

    func testExactTwoSidedTails() {
        var worst = 0.0
        for row in Self.twoSided {
            let p = KolmogorovSmirnov.survival(row.d, sampleSize: row.n)
            let error = abs(p - row.p) / row.p
            worst = max(worst, error)
            XCTAssertLessThanOrEqual(error, Self.exactRelativeTolerance, "P(D_\(row.n) ≥ \(row.d)) = \(p), expected \(row.p)")
        }
        print("KS exact two-sided: worst relative error \(worst)")
    }

    func testOneSidedTails() {
        var worst = 0.0
        for row in Self.oneSided {
            // Compared in logs: the n = 1000, d = 0.6 value is below the Double range.
            let logP = KolmogorovSmirnov.logOneSidedSurvival(row.d, sampleSize: row.n)
            let error = abs(logP - row.logP) / max(1, abs(row.logP))
            worst = max(worst, error)
            XCTAssertLessThanOrEqual(error, Self.oneSidedLogTolerance, "log P(D⁺_\(row.n) ≥ \(row.d)) = \(logP), expected \(row.logP)")
            if row.d >= 0.5 {
                // Two-sided = twice one-sided exactly for d ≥ ½.
                let two = KolmogorovSmirnov.survival(row.d, sampleSize: row.n)
                XCTAssertEqual(two, 2 * Foundation.exp(logP), accuracy: 1e-15 * two)
            }
        }
        print("KS one-sided: worst relative error of log p \(worst)")
    }

    func testLargeSamples() {
        var worst = 0.0
        for row in Self.largeSamples {
            let p = KolmogorovSmirnov.survival(row.d, sampleSize: row.n)
            let error = abs(p - row.p) / row.p
            worst = max(worst, error)
            XCTAssertLessThanOrEqual(error, Self.exactRelativeTolerance, "P(D_\(row.n) ≥ \(row.d)) = \(p), expected \(row.p)")
        }
        print("KS n = 1000: worst relative error \(worst)")
        for row in Self.scipyLargeSamples {
            let p = KolmogorovSmirnov.survival(row.d, sampleSize: row.n)
            let error = abs(p - row.p) / row.p
            print("KS n = \(row.n), d = \(row.d): p = \(p), scipy \(row.p), relative difference \(error)")
            XCTAssertLessThanOrEqual(error, Self.scipyApproximationTolerance, "n = \(row.n), d = \(row.d)")
        }
    }

    /// The Pelz–Good expansion (used beyond the exact matrix's size limit) against the exact
    /// matrix where both run.
    func testPelzGoodAgainstExact() {
        let n = 2000
        var worst = 0.0
        for lambda in [0.7, 1.0, 1.4, 1.8] {
            let d = lambda / Double(n).squareRoot()
            let exact = 1 - KolmogorovSmirnov.exactCDF(d, sampleSize: n)
            let pg = 1 - KolmogorovSmirnov.pelzGoodCDF(d, sampleSize: n)
            worst = max(worst, abs(pg - exact) / exact)
        }
        print("Pelz–Good at n = 2000: worst relative error \(worst)")
        XCTAssertLessThanOrEqual(worst, Self.pelzGoodTolerance)
    }

    func testKolmogorovLimit() {
        for row in Self.limit {
            let q = KolmogorovSmirnov.kolmogorovSurvival(row.lambda)
            XCTAssertLessThanOrEqual(abs(q - row.q) / row.q, Self.limitRelativeTolerance, "Q_KS(\(row.lambda)) = \(q), expected \(row.q)")
        }
    }

    func testSamplesAgainstChiSquared() {
        for row in Self.samples {
            let test = KolmogorovSmirnov(sample: row.sample, cdf: ChiSquared(degreesOfFreedom: row.k).cdf)
            XCTAssertEqual(test.statistic, row.d, accuracy: Self.statisticTolerance, "D for \(row.sample)")
            XCTAssertLessThanOrEqual(abs(test.pValue - row.p) / row.p, Self.sampleRelativeTolerance, "p for \(row.sample): \(test.pValue) vs \(row.p)")
            // Order does not matter.
            let reversed = KolmogorovSmirnov(sample: row.sample.reversed(), cdf: ChiSquared(degreesOfFreedom: row.k).cdf)
            XCTAssertEqual(reversed, test)
        }
    }

    /// Hand-computed statistic: one value at the median of a uniform CDF gives D⁺ = D⁻ = ½, p = 1;
    /// three values D⁺ and D⁻ by hand.
    func testStatisticByHand() {
        let uniform: (Double) -> Double = { min(1, max(0, $0)) }
        let one = KolmogorovSmirnov(sample: [0.5], cdf: uniform)
        XCTAssertEqual(one.dPlus, 0.5)
        XCTAssertEqual(one.dMinus, 0.5)
        XCTAssertEqual(one.pValue, 1)
        // Sorted 0.1, 0.2, 0.9: D⁺ = max(1/3 − 0.1, 2/3 − 0.2, 1 − 0.9) = 7/15; D⁻ = max(0.1, 0.2 − 1/3, 0.9 − 2/3) = 0.2333….
        let three = KolmogorovSmirnov(sample: [0.9, 0.1, 0.2], cdf: uniform)
        XCTAssertEqual(three.dPlus, 2.0 / 3 - 0.2, accuracy: 1e-15)
        XCTAssertEqual(three.dMinus, 0.9 - 2.0 / 3, accuracy: 1e-15)
        XCTAssertEqual(three.statistic, three.dPlus)
        // P(D_1 ≥ d) = 2(1 − d) for d ≥ ½ (the single value's CDF is uniform).
        XCTAssertEqual(KolmogorovSmirnov.survival(0.7, sampleSize: 1), 0.6, accuracy: 1e-15)
    }

    /// The tail is monotone in d and never above the one-sided bound; near the switch between
    /// 1 − CDF and the one-sided form (p ≈ 1e-3) the two agree to ≲ 1e-9 relative.
    func testConsistencyAcrossMethods() {
        for n in [3, 10, 40] {
            var previous = 1.0
            for i in 1..<100 {
                let d = Double(i) / 100
                let p = KolmogorovSmirnov.survival(d, sampleSize: n)
                XCTAssertLessThanOrEqual(p, previous + 1e-14, "not monotone at n = \(n), d = \(d)")
                previous = p
                if d < 0.5 && d > 1 / Double(n) {
                    // 1 − CDF ≤ 2 P(D⁺ ≥ d), up to the CDF's rounding (~1e-15 absolute).
                    let exact = 1 - KolmogorovSmirnov.exactCDF(d, sampleSize: n)
                    let bound = 2 * KolmogorovSmirnov.oneSidedSurvival(d, sampleSize: n)
                    XCTAssertLessThanOrEqual(exact, bound + 1e-14, "n = \(n), d = \(d)")
                }
            }
        }
        var worst = 0.0
        for n in [5, 13, 40, 150] {
            for i in 1..<800 {
                let d = Double(i) / 1600
                let bound = 2 * KolmogorovSmirnov.oneSidedSurvival(d, sampleSize: n)
                guard d > 0.5 / Double(n), d < 0.5, bound > 5e-4, bound < 2e-3 else { continue }
                let exact = 1 - KolmogorovSmirnov.exactCDF(d, sampleSize: n)
                worst = max(worst, abs(bound - exact) / exact)
            }
        }
        print("KS one-sided form vs 1 − CDF near p = 1e-3: worst relative difference \(worst)")
        XCTAssertLessThanOrEqual(worst, 2e-9)
    }
}

/// End to end: samples drawn from χ²_13 (sums of 13 squared Philox Gaussians) tested against
/// ChiSquared(13).cdf give p-values that are uniform — the statistic, the p-value and the χ² CDF
/// together. Fixed seed, so the outcome is reproducible; the bounds are loose (4σ on the mean, 1e-3
/// on the meta-test), because 300 toys fluctuate: this seed gives mean 0.463 (−2.2σ) and meta
/// p = 0.036. A 20 000-toy run of n = 60 (not a test; 40 s in debug) gave mean 0.4978 ± 0.0020 and
/// meta p = 0.25, and 2e5 Gaussians of the sampler against Φ gave KS p = 0.95, 0.93, 0.58.
final class StatisticsKolmogorovSmirnovUniformityTests: XCTestCase {
    func testPValuesOfTrueSamplesAreUniform() {
        let chi2 = ChiSquared(degreesOfFreedom: 13)
        var pValues: [Double] = []
        for toy in 0..<300 {
            var stream = RandomStream(seed: 20_261_124, toy: UInt32(toy), purpose: .reference)
            let n = 5 + toy % 60   // small and moderate samples: exact and one-sided branches
            let sample = (0..<n).map { _ in (0..<13).reduce(0.0) { s, _ in let g = stream.gaussian(); return s + g * g } }
            pValues.append(KolmogorovSmirnov(sample: sample, cdf: chi2.cdf).pValue)
        }
        let summary = SampleSummary(pValues)
        // Uniform(0, 1): mean ½ with standard error √(1/12/300) = 0.0167.
        print("KS p-values of 300 true χ²_13 samples: mean \(summary.mean), fraction below 0.05: \(Double(pValues.filter { $0 < 0.05 }.count) / 300)")
        XCTAssertEqual(summary.mean, 0.5, accuracy: 4 * 0.0167)
        // And the p-values themselves pass a KS test against the uniform CDF.
        let meta = KolmogorovSmirnov(sample: pValues, cdf: { min(1, max(0, $0)) })
        print("KS of those p-values against Uniform(0, 1): D = \(meta.statistic), p = \(meta.pValue)")
        XCTAssertGreaterThan(meta.pValue, 1e-3)
    }
}
