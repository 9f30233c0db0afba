import Foundation

/// The weighted logistic loss of the kernel model (Letizia et al. 2022): a data event (label 1)
/// adds log(1 + e^{−f}), a reference event of weight w (label 0) adds w·log(1 + e^{f}). Its
/// minimiser approximates f = log n(x|data) / n(x|R) with the reference weighted to N(R₀).
public enum WeightedLogisticLoss {
    /// σ(f) = 1 / (1 + e^{−f}) (`Logistic.sigmoidSplitAtZero`).
    @inlinable
    public static func sigmoid(_ f: Double) -> Double { Logistic.sigmoidSplitAtZero(f) }

    /// log(1 + e^{f}) (`Logistic.softplus`).
    @inlinable
    public static func softplus(_ f: Double) -> Double { Logistic.softplus(f) }

    /// The loss of one event: weight is 1 for data, w for reference.
    @inlinable
    public static func value(_ f: Double, isData: Bool, weight: Double) -> Double {
        isData ? softplus(-f) : weight * softplus(f)
    }

    /// dℓ/df: σ(f) − 1 for data, w·σ(f) for reference.
    @inlinable
    public static func slope(_ f: Double, isData: Bool, weight: Double) -> Double {
        isData ? sigmoid(f) - 1 : weight * sigmoid(f)
    }

    /// d²ℓ/df²: σ(f)(1 − σ(f)), times w for reference.
    @inlinable
    public static func curvature(_ f: Double, isData: Bool, weight: Double) -> Double {
        let s = sigmoid(f)
        return (isData ? 1 : weight) * s * (1 - s)
    }
}
