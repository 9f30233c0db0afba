import Foundation

/// The logistic function and its integral, in Double: the one Swift definition of σ(z) (the hidden
/// units of every network, `ReferenceNetwork`) and of s(z) = log(1 + e^z) (the cross-entropy loss,
/// `LossKind.logistic`). The float32 fast paths (`Sources/CFastLoss`, `Kernels/`) are tested
/// against these.
public enum Logistic {
    /// σ(z) = 1 / (1 + e^{−z}).
    @inlinable
    public static func sigmoid(_ z: Double) -> Double { 1 / (1 + Foundation.exp(-z)) }

    /// s(z) = log(1 + e^z) without overflow: max(z, 0) + log1p(e^{−|z|}).
    @inlinable
    public static func softplus(_ z: Double) -> Double { max(z, 0) + Foundation.log1p(Foundation.exp(-abs(z))) }
}
