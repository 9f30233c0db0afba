/// Continued fractions b₀ + a₁/(b₁ + a₂/(b₂ + …)) by the modified Lentz method (Lentz 1976,
/// Thompson & Barnett 1986):
///
///     f₀ = C₀ = b₀ (a tiny number in place of 0), D₀ = 0,
///     D_j = 1/(b_j + a_j·D_{j−1}),  C_j = b_j + a_j/C_{j−1},  f_j = f_{j−1}·C_j·D_j,
///
/// stopping when |C_j·D_j − 1| < 1e-16. One implementation for the normal tail (Mills' ratio) and
/// the upper incomplete gamma function.
enum ContinuedFraction {
    /// The value, with `term(j)` = (a_j, b_j) for j ≥ 1.
    static func evaluate(b0: Double, maxTerms: Int, term: (Int) -> (a: Double, b: Double)) -> Double {
        let tiny = 1e-300
        var f = b0 == 0 ? tiny : b0
        var c = f
        var d = 0.0
        for j in 1...maxTerms {
            let (a, b) = term(j)
            d = b + a * d
            if abs(d) < tiny { d = tiny }
            c = b + a / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = c * d
            f *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return f
    }
}
