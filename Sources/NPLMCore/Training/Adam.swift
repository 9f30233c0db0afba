import Foundation

/// Adam (Kingma & Ba 2015) in the form Keras applies it, the optimizer of the reference NPLM
/// package:
///
///     m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
///     α_s = lr · √(1 − β₂^s) / (1 − β₁^s)         (bias correction folded into the step size)
///     θ ← θ − α_s · m / (√v + ε)
///
/// at step s = 1, 2, …. Defaults are Keras': lr 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-7.
public struct Adam: Hashable, Codable, Sendable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double

    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// The bias-corrected step size α_s of step `step` (1-based).
    public func stepSize(step: Int) -> Double {
        learningRate * (1 - Foundation.pow(beta2, Double(step))).squareRoot() / (1 - Foundation.pow(beta1, Double(step)))
    }

    /// One Adam update of a contiguous range of parameters with their moments.
    @inlinable
    public func update(parameters: inout ArraySlice<Double>, firstMoment m: inout ArraySlice<Double>,
                       secondMoment v: inout ArraySlice<Double>, gradient g: ArraySlice<Double>, stepSize alpha: Double) {
        for (k, (pi, gi)) in zip(parameters.indices, g.indices).enumerated() {
            let mi = m.startIndex + k, vi = v.startIndex + k
            let grad = g[gi]
            m[mi] = beta1 * m[mi] + (1 - beta1) * grad
            v[vi] = beta2 * v[vi] + (1 - beta2) * grad * grad
            parameters[pi] -= alpha * m[mi] / (v[vi].squareRoot() + epsilon)
        }
    }
}

/// Weight clipping after every step: every clipped parameter is clamped to [−W, W].
///
/// The reference Keras package clips weights only (`kernel_constraint`); later ports clip biases
/// too. Both are offered; weights only is the default. It matters for the null distribution (the README quotes the null mean of t both ways).
public struct WeightClipping: Hashable, Codable, Sendable {
    public var bound: Double
    public var includeBiases: Bool

    public init(bound: Double, includeBiases: Bool = false) {
        self.bound = bound
        self.includeBiases = includeBiases
    }

    /// Which parameters of one network are clipped.
    public func mask(for architecture: Architecture) -> [Bool] {
        includeBiases ? Array(repeating: true, count: architecture.parameterCount) : architecture.weightMask
    }

    @inlinable
    public func clamp(_ value: Double) -> Double { min(max(value, -bound), bound) }
}
