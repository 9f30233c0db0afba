import Foundation

extension Benchmark1D {
    /// The true log-ratio log n(x|data)/n(x|R₀) that an NPLM fit of this benchmark learns
    /// (D'Agnolo et al., Imperfect Machine, eq. 5 and Fig. 7 right), at x ≥ 0:
    ///
    ///   n(x|R₀)   = N(R₀) e^{−x},
    ///   n(x|data) = N(R₀) e^{ν_N − ν_S} exp(−x e^{−ν_S}) + N_S s(x),
    ///
    ///   log-ratio = a(x) + log1p(N_S s(x) / (N(R₀) e^{a(x) − x})),   a(x) = ν_N − ν_S + x (1 − e^{−ν_S}),
    ///
    /// so that with no nuisance it is log(1 + N_S s(x) / (N(R₀) e^{−x})), and 0 for a null
    /// campaign. s is `Signal1D.density`. Written with log1p so that the far tail, where
    /// e^{−x} underflows beside s, stays finite as long as the quotient does; below x = 0 there
    /// is no background and the ratio is undefined (NaN).
    public func logRatio(x: Double) -> Double {
        guard x >= 0 else { return .nan }
        let a = normalizationNuisance - scaleNuisance + x * (1 - Foundation.exp(-scaleNuisance))
        guard signal != .none, signalEvents > 0 else { return a }
        let background = expectedBackground * Foundation.exp(a - x)
        return a + Foundation.log1p(signalEvents * signal.density(x) / background)
    }
}
