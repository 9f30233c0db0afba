import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

final class RandomStreamTests: XCTestCase {
    /// Known-answer vectors of Philox4x32-10 published with Random123 (kat_vectors).
    func testPhiloxKnownAnswers() {
        XCTAssertEqual(Philox4x32.block(counter: .zero, key: .zero),
                       SIMD4(0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8))
        XCTAssertEqual(Philox4x32.block(counter: SIMD4(repeating: 0xffff_ffff), key: SIMD2(repeating: 0xffff_ffff)),
                       SIMD4(0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd))
        XCTAssertEqual(Philox4x32.block(counter: SIMD4(0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344),
                                        key: SIMD2(0xa409_3822, 0x299f_31d0)),
                       SIMD4(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
    }

    func testSameAddressRepeatsAndOtherAddressesDiffer() {
        func draws(_ seed: UInt64, _ toy: UInt32, _ purpose: StreamPurpose) -> [UInt32] {
            var stream = RandomStream(seed: seed, toy: toy, purpose: purpose)
            return (0..<16).map { _ in stream.nextUInt32() }
        }
        XCTAssertEqual(draws(7, 3, .background), draws(7, 3, .background))
        XCTAssertNotEqual(draws(7, 3, .background), draws(7, 4, .background))
        XCTAssertNotEqual(draws(7, 3, .background), draws(7, 3, .signal))
        XCTAssertNotEqual(draws(7, 3, .background), draws(8, 3, .background))
        XCTAssertNotEqual(draws(1 << 32, 3, .background), draws(0, 3, .background), "the seed's high word is part of the key")
    }

    func testUniformIsInsideTheOpenInterval() {
        var stream = RandomStream(seed: 1, toy: 0, purpose: .reference)
        for _ in 0..<100_000 {
            let u = stream.uniform()
            XCTAssert(u > 0 && u < 1)
        }
    }

    /// Mean and variance of `n` draws within 5σ of the truth. The standard error of the sample
    /// variance uses the fourth central moment μ₄: Var(s²) ≈ (μ₄ − σ⁴)/n.
    private func checkMoments(_ name: String, n: Int = 100_000, mean: Double, variance: Double, fourthMoment: Double,
                              draw: (inout RandomStream) -> Double) {
        var stream = RandomStream(seed: 2024, toy: 1, purpose: .background)
        let values = (0..<n).map { _ in draw(&stream) }
        let sampleMean = values.reduce(0, +) / Double(n)
        let sampleVariance = values.reduce(0) { $0 + ($1 - sampleMean) * ($1 - sampleMean) } / Double(n - 1)
        let meanError = (variance / Double(n)).squareRoot()
        let varianceError = ((fourthMoment - variance * variance) / Double(n)).squareRoot()
        XCTAssertLessThan(abs(sampleMean - mean), 5 * meanError, "\(name): mean \(sampleMean) vs \(mean)")
        XCTAssertLessThan(abs(sampleVariance - variance), 5 * varianceError, "\(name): variance \(sampleVariance) vs \(variance)")
    }

    func testSamplerMoments() {
        checkMoments("uniform", mean: 0.5, variance: 1.0 / 12, fourthMoment: 1.0 / 80) { $0.uniform() }
        checkMoments("exponential", mean: 1, variance: 1, fourthMoment: 9) { $0.exponential() }
        checkMoments("gaussian", mean: 0, variance: 1, fourthMoment: 3) { $0.gaussian() }
        // Gamma(3, 1): mean 3, variance 3, fourth central moment 3k(k + 2) = 45 for shape k = 3.
        checkMoments("gamma3", mean: 3, variance: 3, fourthMoment: 45) { $0.gamma3() }
        // Poisson(μ): mean = variance = μ, fourth central moment μ(1 + 3μ).
        for mu in [0.5, 20, 2000, 2e5] {
            checkMoments("poisson(\(mu))", mean: mu, variance: mu, fourthMoment: mu * (1 + 3 * mu)) {
                Double($0.poisson(mean: mu))
            }
        }
    }

    /// The truncated exponential stays below its bound with the truncated law's mean, and without
    /// a bound is `exponential()` bit for bit.
    func testTruncatedExponential() {
        var a = RandomStream(seed: 3, toy: 1, purpose: .reference), b = a
        for _ in 0..<1000 { XCTAssertEqual(a.exponential(below: nil), b.exponential()) }
        var stream = RandomStream(seed: 3, toy: 2, purpose: .reference)
        let bound = 2.0, n = 200_000
        let draws = (0..<n).map { _ in stream.exponential(below: bound) }
        XCTAssertTrue(draws.allSatisfy { $0 >= 0 && $0 < bound })
        // E[x | x < b] = 1 − b·e^{−b}/(1 − e^{−b}); the sample mean's error is below 0.6/√n.
        let mean = draws.reduce(0, +) / Double(n), expected = 1 - bound * exp(-bound) / (1 - exp(-bound))
        XCTAssertEqual(mean, expected, accuracy: 5 * 0.6 / Double(n).squareRoot())
    }

    func testPoissonEdgeCasesAndLargeMean() {
        var stream = RandomStream(seed: 5, toy: 0, purpose: .signal)
        XCTAssertEqual(stream.poisson(mean: 0), 0)
        let big = (0..<200).map { _ in Double(stream.poisson(mean: 1e6)) }
        let mean = big.reduce(0, +) / 200
        XCTAssertLessThan(abs(mean - 1e6), 5 * (1e6 / 200).squareRoot())
    }

    /// Poisson(2.5) frequencies against the probability mass function: a χ² goodness of fit.
    func testPoissonSmallMeanDistribution() {
        var stream = RandomStream(seed: 9, toy: 2, purpose: .signal)
        let n = 100_000, mu = 2.5
        var counts = [Int](repeating: 0, count: 12)
        for _ in 0..<n { counts[min(stream.poisson(mean: mu), 11)] += 1 }
        var chi2 = 0.0
        var pmf = Foundation.exp(-mu), tail = 1.0
        for k in 0..<11 {
            let expected = Double(n) * pmf
            chi2 += (Double(counts[k]) - expected) * (Double(counts[k]) - expected) / expected
            tail -= pmf
            pmf *= mu / Double(k + 1)
        }
        let expected = Double(n) * tail
        chi2 += (Double(counts[11]) - expected) * (Double(counts[11]) - expected) / expected
        // 11 degrees of freedom: P(χ²₁₁ > 40) ≈ 3e-5.
        XCTAssertLessThan(chi2, 40)
    }
}
