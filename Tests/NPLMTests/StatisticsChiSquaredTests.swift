import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// χ²_k survival, CDF and quantiles against mpmath.
///
/// Reference values: printed by tools/reference_values.py (mpmath 1.3.0, mp.dps = 60:
/// mpmath.gammainc(k/2, t/2, inf, regularized=True) and bisection to 2^-260 for quantiles).
final class StatisticsChiSquaredTests: XCTestCase {
    /// Relative error allowed on Q = P(χ²_k ≥ t) where it is a normal Double: log Q is right to a
    /// few 1e-16 relative, and Q = e^{log Q} multiplies that by |log Q| (up to 690). Observed: 2e-13.
    static let probabilityRelativeTolerance = 1e-12
    /// Error allowed on log Q (and log P), relative to max(1, |log Q|). Observed: 1.2e-15.
    static let logRelativeTolerance = 1e-14
    /// Relative error allowed on a quantile t. Observed: 5e-13 for p = 0.999999, where the Double
    /// 0.999999 itself fixes 1 − p only to 1e-10 relative; 3e-15 elsewhere.
    static let quantileRelativeTolerance = 1e-12
    /// Absolute error allowed on the CDF 1 − Q near ½ (k up to 351). Observed: below 1e-15.
    static let cdfAbsoluteTolerance = 2e-15

    /// chi2 survival: (k, t, log Q, Q)  [mpmath gammainc, dps 60]
    static let survival: [(k: Double, t: Double, logQ: Double, q: Double)] = [
        (1, 1e-06, -7.9820290701986933746e-4, 9.9920211557217787485e-1),
        (1, 0.5, -7.3501112983708440303e-1, 4.7950012218695346232e-1),
        (1, 1.0, -1.1478744644493181964, 3.1731050786291410283e-1),
        (1, 3.84, -2.9948622271800272845, 5.0043521248705103189e-2),
        (1, 10.0, -6.4596124541501217921, 1.5654022580025496775e-3),
        (1, 50.0, -2.7200889545537434422e+1, 1.5374597944280348502e-12),
        (1, 200.0, -1.0287988902484488857e+2, 2.088487583762544757e-45),
        (1, 700.0, -3.5350275502514864928e+2, 2.9902269751246203369e-154),
        (1, 1300.0, -6.5381161888143186626e+2, 1.1303728441492742445e-284),
        (1, 1370.0, -6.8883780296185107561e+2, 6.9429373646432677358e-300),
        (2, 1e-06, -4.9999999999999997737e-7, 9.9999950000012499998e-1),
        (2, 0.5, -2.5e-1, 7.7880078307140486825e-1),
        (2, 2.0, -1.0, 3.678794411714423216e-1),
        (2, 10.0, -5.0, 6.7379469990854670966e-3),
        (2, 100.0, -5.0e+1, 1.928749847963917783e-22),
        (2, 600.0, -3.0e+2, 5.1482002224120137812e-131),
        (2, 1380.0, -6.9e+2, 2.1717382813898270085e-300),
        (2, 2000.0, -1.0e+3, 0.0),  // Q = 5.0759588975494567653e-435 underflows a Double
        (12, 0.5, -2.7381360086978082996e-7, 9.9999972618643661716e-1),
        (12, 5.0, -4.2929461790310477318e-2, 9.5797896180469388165e-1),
        (12, 12.0, -8.0815487796248010149e-1, 4.4567964136461124446e-1),
        (12, 21.0, -2.9881520543673920859, 5.0380451088935800626e-2),
        (12, 40.0, -9.5401113449065922097, 7.1908840528428925983e-5),
        (12, 100.0, -3.512436934084906951e+1, 5.5677562606980888268e-16),
        (12, 400.0, -1.7827071722453250978e+2, 3.784523657876468176e-78),
        (12, 1400.0, -6.7202493189959193378e+2, 1.3908502554045540519e-292),
        (13, 0.5, -5.2549310134308204169e-8, 9.9999994745069124641e-1),
        (13, 5.0, -2.5119742140097625331e-2, 9.7519313332401348872e-1),
        (13, 13.0, -8.0338250476987845518e-1, 4.4781167431949150711e-1),
        (13, 22.4, -3.0064776902756641663, 4.9465605451906448306e-2),
        (13, 50.0, -1.2723094161920143339e+1, 2.9814697870128366708e-6),
        (13, 150.0, -5.6841320382645646005e+1, 2.0612383484335520844e-25),
        (13, 700.0, -3.2342813671719135693e+2, 3.4430626997104169065e-141),
        (13, 1420.0, -6.7954583913589071615e+2, 7.5334144883867546969e-296),
        (96, 20.0, -4.5890165294305582742e-18, 9.9999999999999999541e-1),
        (96, 60.0, -1.4894111947672988837e-3, 9.9851169742761974486e-1),
        (96, 96.0, -7.3229606991750273611e-1, 4.8080376268034348037e-1),
        (96, 130.0, -4.4280317553979376038, 1.1937963396211072617e-2),
        (96, 200.0, -1.9740404299388154401e+1, 2.672091602763815823e-9),
        (96, 500.0, -1.2708693088917527888e+2, 6.4098400568467661955e-56),
        (96, 1000.0, -3.4461765393983463588e+2, 2.1600038611679201347e-150),
        (96, 1600.0, -6.2256550759186879879e+2, 4.1998659558977594985e-271),
        (351, 200.0, -5.7051897171152812258e-12, 9.9999999999429481028e-1),
        (351, 300.0, -2.2934917390071510523e-2, 9.7732608863606902256e-1),
        (351, 351.0, -7.1342822651336344837e-1, 4.8996161557192113961e-1),
        (351, 400.0, -3.3143307535290393723, 3.6358373149785327913e-2),
        (351, 500.0, -1.5091929098393026257e+1, 2.7903486510650289564e-7),
        (351, 800.0, -8.3675911551685316408e+1, 4.5710223510779735525e-37),
        (351, 1500.0, -3.2428916172352505838e+2, 1.4554809395253504668e-141),
        (351, 2100.0, -5.6565754276511230687e+2, 2.177963163606199764e-246),
        (351, 2200.0, -6.075487951725267805e+2, 1.3960814918697568706e-264),
        (351, 2370.0, -6.795737084932304995e+2, 7.3263616836606765546e-296),
        (1000, 1000.0, -7.0511277596023771353e-1, 4.9405285382923964195e-1),
        (1000, 1200.0, -1.1309499650376676265e+1, 1.2255942330622904168e-5),
        (1000, 3000.0, -4.5541490799325793818e+2, 1.6436845843569543369e-198),
        (10000, 10100.0, -1.4312276067625471021, 2.3901532524017510539e-1),
    ]

    /// chi2 CDF lower tail: (k, t, log P)  [mpmath gammainc, dps 60]
    static let lowerTail: [(k: Double, t: Double, logP: Double)] = [
        (1, 1e-10, -1.1738716817631622501e+1),
        (2, 1e-06, -1.4508657988524209042e+1),
        (13, 0.01, -4.1977760282675929459e+1),
        (96, 10.0, -6.8313529025450206807e+1),
        (96, 1.0, -1.7443473393884142677e+2),
        (351, 100.0, -9.8031639515825876684e+1),
        (351, 200.0, -2.5889644878636489966e+1),
        (1000, 0.001, -6.4117821872331927667e+3),
        (1000, 900.0, -4.5359017972724550028),
        (10000, 9000.0, -2.9694767930293440941e+1),
    ]

    /// chi2 survival quantiles: (k, p, t)  [mpmath, bisection on log Q in log t, dps 60]
    static let survivalQuantiles: [(k: Double, p: Double, t: Double)] = [
        (1, 0.5, 4.5493642311957275194e-1),
        (1, 0.05, 3.8414588206941259584),
        (1, 1e-300, 1.3738726312223941371e+3),
        (2, 0.9, 2.1072103131565260246e-1),
        (12, 0.5, 1.1340322377424140466e+1),
        (13, 0.05, 2.2362032494826939865e+1),
        (13, 2.87e-7, 5.5845274754186564896e+1),
        (13, 1e-100, 5.101933810651888216e+2),
        (96, 0.5, 9.5334162649867469497e+1),
        (96, 1e-300, 1.7445395312898621369e+3),
        (351, 0.001, 4.3860493194569507275e+2),
        (351, 0.999999, 2.3911791315543431268e+2),
    ]

    /// chi2 lower quantiles: (k, p, t) with P(chi2_k <= t) = p  [mpmath, dps 60]
    static let lowerQuantiles: [(k: Double, p: Double, t: Double)] = [
        (1, 1e-10, 1.5707963267948966192e-20),
        (2, 0.01, 2.0100671707002882367e-2),
        (13, 1e-20, 5.3415416250924551391e-3),
        (96, 0.05, 7.4400535079420938884e+1),
        (351, 1e-6, 2.3911791315543431268e+2),
    ]

    /// Z of t against chi2_k: (k, t, Z)  [mpmath, dps 60]
    static let significances: [(k: Double, t: Double, z: Double)] = [
        (13, 30.0, 2.5964445959653443098),
        (13, 5000.0, 7.0106475455601584922e+1),
        (1, 2.0, 1.0056199694085198803),
        (96, 50.0, -4.0267369826083924463),
    ]

    func testSignificanceOfT() {
        for row in Self.significances {
            let z = ChiSquared(degreesOfFreedom: row.k).significance(row.t)
            // Z composes log Q (≈ 1e-15) with Φ⁻¹ of log p; far tails amplify by Z's slope: 1e-13.
            XCTAssertEqual(z, row.z, accuracy: 1e-13 * max(1, abs(row.z)), "Z(t = \(row.t)) against χ²_\(row.k)")
        }
    }

    func testSurvivalAgainstMpmath() {
        var worstLog = 0.0, worstQ = 0.0
        for row in Self.survival {
            let chi2 = ChiSquared(degreesOfFreedom: row.k)
            let logQ = chi2.logSurvival(row.t)
            let logError = abs(logQ - row.logQ) / max(1, abs(row.logQ))
            worstLog = max(worstLog, logError)
            XCTAssertLessThanOrEqual(logError, Self.logRelativeTolerance, "log Q, k = \(row.k), t = \(row.t): \(logQ) vs \(row.logQ)")
            if row.q >= 1e-300 {
                let q = chi2.survival(row.t)
                let error = abs(q - row.q) / row.q
                worstQ = max(worstQ, error)
                XCTAssertLessThanOrEqual(error, Self.probabilityRelativeTolerance, "Q, k = \(row.k), t = \(row.t): \(q) vs \(row.q)")
                // The CDF is 1 − Q; compare in absolute terms.
                XCTAssertEqual(chi2.cdf(row.t), 1 - row.q, accuracy: Self.cdfAbsoluteTolerance, "CDF, k = \(row.k), t = \(row.t)")
            }
        }
        print("χ² survival: worst relative error of log Q \(worstLog), of Q \(worstQ)")
    }

    func testLowerTailAgainstMpmath() {
        for row in Self.lowerTail {
            let chi2 = ChiSquared(degreesOfFreedom: row.k)
            let logP = chi2.logCDF(row.t)
            XCTAssertLessThanOrEqual(abs(logP - row.logP) / max(1, abs(row.logP)), Self.logRelativeTolerance,
                                     "log P, k = \(row.k), t = \(row.t): \(logP) vs \(row.logP)")
        }
    }

    func testQuantilesAgainstMpmath() {
        var worst = 0.0
        for row in Self.survivalQuantiles {
            let t = ChiSquared(degreesOfFreedom: row.k).survivalQuantile(row.p)
            let error = abs(t - row.t) / row.t
            worst = max(worst, error)
            XCTAssertLessThanOrEqual(error, Self.quantileRelativeTolerance, "survival quantile k = \(row.k), p = \(row.p): \(t) vs \(row.t)")
        }
        for row in Self.lowerQuantiles {
            let t = ChiSquared(degreesOfFreedom: row.k).quantile(row.p)
            let error = abs(t - row.t) / row.t
            worst = max(worst, error)
            XCTAssertLessThanOrEqual(error, Self.quantileRelativeTolerance, "quantile k = \(row.k), p = \(row.p): \(t) vs \(row.t)")
        }
        print("χ² quantiles: worst relative error \(worst)")
    }

    /// quantile(cdf(t)) = t and survivalQuantile(logP: logSurvival(t)) = t over a grid of k and t,
    /// far tails included.
    func testQuantileRoundTrips() {
        var worst = 0.0
        for k in [1.0, 2, 3, 12, 13, 96, 351] {
            let chi2 = ChiSquared(degreesOfFreedom: k)
            for factor in [0.01, 0.1, 0.5, 0.9, 1, 1.1, 2, 5, 10] {
                let t = k * factor
                let back = chi2.survivalQuantile(logP: chi2.logSurvival(t))
                let error = abs(back - t) / t
                worst = max(worst, error)
                XCTAssertLessThanOrEqual(error, 1e-10, "survival round trip k = \(k), t = \(t): \(back)")
                let p = chi2.cdf(t)
                if p > 1e-300 && p < 0.5 {
                    let back2 = chi2.quantile(p)
                    XCTAssertLessThanOrEqual(abs(back2 - t) / t, 1e-10, "CDF round trip k = \(k), t = \(t): \(back2)")
                }
            }
            // Beyond the Double range of p: log Q = −1000 and −5000.
            for logQ in [-1000.0, -5000.0] {
                let t = chi2.survivalQuantile(logP: logQ)
                XCTAssertEqual(chi2.logSurvival(t), logQ, accuracy: 1e-12 * abs(logQ), "k = \(k), log Q = \(logQ)")
            }
        }
        print("χ² quantile round trips: worst relative error \(worst)")
        XCTAssertEqual(ChiSquared(degreesOfFreedom: 3).quantile(0), 0)
        XCTAssertEqual(ChiSquared(degreesOfFreedom: 3).quantile(1), .infinity)
        XCTAssertEqual(ChiSquared(degreesOfFreedom: 3).survivalQuantile(0), .infinity)
        XCTAssertTrue(ChiSquared(degreesOfFreedom: 3).quantile(1.5).isNaN)
    }
}
