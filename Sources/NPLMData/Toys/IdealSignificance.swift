import Foundation
import NPLMStatistics

/// The ideal significance Z_id of Bressler et al., Symmetrized Approach, §III D, eq. 29–30: the profile-likelihood test q₀ of a
/// known signal shape on a known background, evaluated on the expected ("Asimov") data,
///
///   q₀ = 2 [ −N_s + ∫₀^∞ dx (N_b b₀(x) + N_s S(x)) log(1 + N_s S(x)/(N_b b₀(x))) ],   Z_id = √q₀.
///
/// Replacing the data by their expectation, the expected counts n(x) = N_b b₀ + N_s S, makes q₀
/// the Asimov value, whose square root approximates the median of √q₀ over toys, i.e. the median
/// significance of a dedicated search (D'Agnolo et al., Imperfect Machine, eq. 35–36 defines that median, \bar Z_ref, by
/// toys; eq. 30 is its asymptotic, toy-free value). Here b₀(x) = e^{−x} and S is a `Signal1D`
/// density; both integrate to one on [0, ∞) up to the Gaussians' mass below x = 0 (NP3, 10σ
/// below its peak: 8e-24), so moving −N_s inside the integral changes nothing visible.
///
/// Computed as the integral of N_b b₀(x) φ(r(x)) with r = N_s S/(N_b b₀) and
/// φ(r) = (1 + r) log(1 + r) − r ≥ 0 (the −N_s is moved inside, as ∫ N_s S = N_s), so nothing
/// cancels; adaptive Gauss–Kronrod (`Quadrature`) on [0, 100] with breakpoints at the signal's
/// peak ± 1, 3, 6, 12 σ, relative tolerance 1e-12. Beyond x = 100 the integrand is below
/// e^{−100}·x² — negligible. φ uses log1p and, for r < 1e-4, its series r²/2 − r³/6 + r⁴/12.
public enum IdealSignificance {
    /// q₀ (Asimov) for the 1-D benchmark: background e^{−x} with N_b expected events, `signal` with
    /// N_s expected events.
    public static func q0(signal: Signal1D, signalEvents: Double, backgroundEvents: Double) -> Double {
        precondition(backgroundEvents > 0 && signalEvents >= 0)
        if signal == .none || signalEvents == 0 { return 0 }
        return q0(background: { Foundation.exp(-$0) }, signal: { signal.density($0) },
                  backgroundEvents: backgroundEvents, signalEvents: signalEvents,
                  from: 0, to: 100, breakpoints: breakpoints(signal)).value
    }

    /// Z_id = √q₀ for the 1-D benchmark.
    public static func z(signal: Signal1D, signalEvents: Double, backgroundEvents: Double) -> Double {
        q0(signal: signal, signalEvents: signalEvents, backgroundEvents: backgroundEvents).squareRoot()
    }

    /// q₀ = 2 ∫ N_b b(x) φ(N_s S(x)/(N_b b(x))) dx over [from, to], for normalised densities b, S
    /// (b > 0 wherever S > 0), with the quadrature's result (value and error estimate of q₀).
    public static func q0(background b: (Double) -> Double, signal s: (Double) -> Double,
                          backgroundEvents nb: Double, signalEvents ns: Double,
                          from a: Double, to c: Double, breakpoints: [Double] = [],
                          relativeTolerance: Double = 1e-12) -> Quadrature.Result {
        let integrand: (Double) -> Double = { x in
            let bx = nb * b(x)
            let sx = ns * s(x)
            if sx == 0 { return 0 }
            return bx * phi(sx / bx)
        }
        var r = Quadrature.integrate(integrand, from: a, to: c, breakpoints: breakpoints,
                                     relativeTolerance: relativeTolerance)
        r.value *= 2
        r.errorEstimate *= 2
        return r
    }

    /// φ(r) = (1 + r) log(1 + r) − r, with the series for small r.
    static func phi(_ r: Double) -> Double {
        if r < 1e-4 { return r * r * (0.5 - r * (1.0 / 6 - r / 12)) }
        return (1 + r) * Foundation.log1p(r) - r
    }

    static func breakpoints(_ signal: Signal1D) -> [Double] {
        switch signal.shape {
        case nil: return []
        case .gamma3?: return [2, 5, 10, 20, 40]
        case .gaussian(let mean, let sigma)?:
            var points = [mean]
            for k in [1.0, 3, 6, 12] { points += [mean - k * sigma, mean + k * sigma] }
            return points.sorted()
        }
    }
}
