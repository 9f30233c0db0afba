import Foundation

/// Samplers built on `RandomStream`. Every sampler consumes a number of draws that depends only on
/// the stream's own numbers, so a stream address determines every value it produces.
extension RandomStream {
    /// Exp(1): −log U.
    @inlinable
    public mutating func exponential() -> Double {
        -Foundation.log(uniform())
    }

    /// Exp(1) truncated to [0, bound): −log(1 − U·(1 − e^{−bound})) by inversion, one uniform a
    /// value as `exponential()`; nil `bound` is `exponential()` itself.
    @inlinable
    public mutating func exponential(below bound: Double?) -> Double {
        guard let bound else { return exponential() }
        return -Foundation.log1p(uniform() * Foundation.expm1(-bound))
    }

    /// Standard normal by the Box–Muller transform (one value per two uniforms; the second value is
    /// discarded so that the draw count per call is fixed).
    @inlinable
    public mutating func gaussian() -> Double {
        let radius = (-2 * Foundation.log(uniform())).squareRoot()
        return radius * Foundation.cos(2 * Double.pi * uniform())
    }

    /// Normal with the given mean and standard deviation.
    @inlinable
    public mutating func gaussian(mean: Double, sigma: Double) -> Double {
        mean + sigma * gaussian()
    }

    /// Gamma(3, 1), the density ½x²e^{−x}: the sum of three Exp(1), −log(U₁U₂U₃). Exact.
    @inlinable
    public mutating func gamma3() -> Double {
        -Foundation.log(uniform() * uniform() * uniform())
    }

    /// An exact Poisson variate.
    ///
    /// Means below 10 use the multiplication method (count uniforms until their product drops
    /// below e^{−μ}); larger means use Hörmann's transformed rejection with squeeze, PTRS
    /// ("The transformed rejection method for generating Poisson random variables", Insurance:
    /// Mathematics and Economics 12, 1993), which is exact and takes about 1.2 pairs of uniforms
    /// per variate for any mean.
    public mutating func poisson(mean: Double) -> Int {
        precondition(mean >= 0 && mean <= 1e15, "Poisson mean must be in [0, 1e15]")
        if mean == 0 { return 0 }
        if mean < 10 {
            let limit = Foundation.exp(-mean)
            var product = uniform()
            var count = 0
            while product > limit {
                product *= uniform()
                count += 1
            }
            return count
        }
        let rootMean = mean.squareRoot()
        let logMean = Foundation.log(mean)
        let b = 0.931 + 2.53 * rootMean
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let acceptBound = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= acceptBound { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            let lhs = Foundation.log(v) + Foundation.log(inverseAlpha) - Foundation.log(a / (us * us) + b)
            let rhs = -mean + k * logMean - Foundation.lgamma(k + 1)
            if lhs <= rhs { return Int(k) }
        }
    }
}
