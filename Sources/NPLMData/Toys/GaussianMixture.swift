import Foundation
import NPLMCore

/// One multivariate normal N(μ, Σ) in d dimensions, held through the Cholesky factor Σ = L Lᵀ.
///
/// The factor serves both uses: a draw is x = μ + L z with z ~ N(0, 1_d), and the log density is
///
///     log N(x; μ, Σ) = −½ d log 2π − Σ_j log L_jj − ½ |L⁻¹(x − μ)|²,
///
/// with L⁻¹(x − μ) by forward substitution (no inverse is formed). Everything in Double.
public struct GaussianComponent: Hashable, Sendable {
    public let mean: [Double]
    /// Σ, row-major d × d.
    public let covariance: [Double]
    /// L, lower triangular, row-major d × d.
    public let cholesky: [Double]
    /// −½ d log 2π − Σ_j log L_jj.
    let logNormalisation: Double

    public var dimension: Int { mean.count }

    /// Fails when Σ is not symmetric positive definite or its size is not d × d.
    public init(mean: [Double], covariance: [Double]) throws {
        let d = mean.count
        guard d >= 1, covariance.count == d * d else {
            throw NPLMError.invalidArgument("a Gaussian component needs a d × d covariance for its \(d) means, got \(covariance.count) entries")
        }
        self.mean = mean
        self.covariance = covariance
        cholesky = try Self.choleskyFactor(covariance, dimension: d)
        var logDiagonal = 0.0
        for j in 0..<d { logDiagonal += Foundation.log(cholesky[j * d + j]) }
        logNormalisation = -0.5 * Double(d) * Foundation.log(2 * Double.pi) - logDiagonal
    }

    /// log N(x; μ, Σ).
    public func logDensity(_ x: [Double]) -> Double {
        let d = dimension
        precondition(x.count == d, "a point of \(x.count) coordinates for a \(d)-dimensional Gaussian")
        // y = L⁻¹(x − μ), forward substitution.
        var y = [Double](repeating: 0, count: d)
        var squared = 0.0
        for i in 0..<d {
            var s = x[i] - mean[i]
            for k in 0..<i { s -= cholesky[i * d + k] * y[k] }
            y[i] = s / cholesky[i * d + i]
            squared += y[i] * y[i]
        }
        return logNormalisation - 0.5 * squared
    }

    /// One draw x = μ + L z, z from d standard normals of `stream` (2d uniforms).
    public func draw(_ stream: inout RandomStream) -> [Double] {
        let d = dimension
        let z = (0..<d).map { _ in stream.gaussian() }
        return (0..<d).map { i in
            var x = mean[i]
            for k in 0...i { x += cholesky[i * d + k] * z[k] }
            return x
        }
    }

    /// The Cholesky–Banachiewicz factorisation of a symmetric positive definite matrix (row-major).
    static func choleskyFactor(_ a: [Double], dimension d: Int) throws -> [Double] {
        for i in 0..<d {
            for j in 0..<i where a[i * d + j] != a[j * d + i] {
                throw NPLMError.invalidArgument("the covariance is not symmetric: entry (\(i), \(j)) is \(a[i * d + j]), (\(j), \(i)) is \(a[j * d + i])")
            }
        }
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = a[i * d + j]
                for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
                if i == j {
                    guard s > 0, s.isFinite else {
                        throw NPLMError.invalidArgument("the covariance is not positive definite (pivot \(i) is \(s))")
                    }
                    l[i * d + i] = s.squareRoot()
                } else {
                    l[i * d + j] = s / l[j * d + j]
                }
            }
        }
        return l
    }
}

/// A mixture Σ_k w_k N(μ_k, Σ_k) of Gaussian components with weights summing to one.
public struct GaussianMixture: Hashable, Sendable {
    public let weights: [Double]
    public let components: [GaussianComponent]

    public var dimension: Int { components[0].dimension }

    public init(weights: [Double], components: [GaussianComponent]) throws {
        guard !components.isEmpty, weights.count == components.count else {
            throw NPLMError.invalidArgument("a mixture needs one weight per component, got \(weights.count) weights for \(components.count) components")
        }
        guard components.allSatisfy({ $0.dimension == components[0].dimension }) else {
            throw NPLMError.invalidArgument("the components of a mixture must have the same dimension")
        }
        guard weights.allSatisfy({ $0 > 0 && $0.isFinite }), abs(weights.reduce(0, +) - 1) < 1e-12 else {
            throw NPLMError.invalidArgument("mixture weights must be positive and sum to one, got \(weights)")
        }
        self.weights = weights
        self.components = components
    }

    /// log Σ_k w_k N(x; μ_k, Σ_k), by log-sum-exp (finite far in the tails).
    public func logDensity(_ x: [Double]) -> Double {
        let terms = zip(weights, components).map { Foundation.log($0) + $1.logDensity(x) }
        let largest = terms.max()!
        return largest + Foundation.log(terms.reduce(0) { $0 + Foundation.exp($1 - largest) })
    }

    /// One draw: a component chosen by one uniform against the cumulative weights, then that
    /// component's draw (1 + 2d uniforms for every event, whichever component).
    public func draw(_ stream: inout RandomStream) -> [Double] {
        let u = stream.uniform()
        var cumulative = 0.0
        var chosen = components.count - 1
        for k in 0..<(components.count - 1) {
            cumulative += weights[k]
            if u < cumulative { chosen = k; break }
        }
        return components[chosen].draw(&stream)
    }

    /// The mean Σ_k w_k μ_k.
    public var mean: [Double] {
        (0..<dimension).map { i in zip(weights, components).reduce(0) { $0 + $1.0 * $1.1.mean[i] } }
    }

    /// The covariance Σ_k w_k (Σ_k + μ_k μ_kᵀ) − μ μᵀ, row-major.
    public var covariance: [Double] {
        let d = dimension, m = mean
        var c = [Double](repeating: 0, count: d * d)
        for (w, component) in zip(weights, components) {
            for i in 0..<d {
                for j in 0..<d { c[i * d + j] += w * (component.covariance[i * d + j] + component.mean[i] * component.mean[j]) }
            }
        }
        for i in 0..<d { for j in 0..<d { c[i * d + j] -= m[i] * m[j] } }
        return c
    }
}
