import Foundation

/// The logistic function and its integral, in Double: the one Swift definition of σ(z) (the hidden
/// units of every network — `ReferenceNetwork`, the δ̂ networks —, the cross-entropy loss
/// `LossKind.logistic`, the δ̂ loss, the kernel model's `WeightedLogisticLoss`) and of
/// s(z) = log(1 + e^z) (`LossKind.logistic`, `WeightedLogisticLoss`). The float32 fast paths
/// (`Sources/CFastLoss/chunk_kernel.h`, `Kernels/loss.cl`) write the same formulas in their own
/// precision and are tested against these.
///
/// Both never overflow into a wrong value: for z < −709, e^{−z} is +∞ in Double and σ(z) is exactly
/// 0, its limit; s(z) is computed from e^{−|z|} ≤ 1 only.
public enum Logistic {
    /// σ(z) = 1 / (1 + e^{−z}).
    @inlinable
    public static func sigmoid(_ z: Double) -> Double { 1 / (1 + Foundation.exp(-z)) }

    /// σ(z) evaluated from e^{−|z|} only: 1 / (1 + e^{−z}) for z ≥ 0, e^{z} / (1 + e^{z}) below. The
    /// same number as `sigmoid`, to the last bit or so (the two differ in the last bit for about
    /// half of all z < 0), except in the subnormal tail z < −709, which only this form keeps. The
    /// kernel model's Newton solver (`WeightedLogisticLoss`) was built on this form and keeps it,
    /// so that its results stay bit for bit those it always gave; everything else uses `sigmoid`.
    @inlinable
    public static func sigmoidSplitAtZero(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + Foundation.exp(-z)) : Foundation.exp(z) / (1 + Foundation.exp(z))
    }

    /// s(z) = log(1 + e^z) without overflow: max(z, 0) + log1p(e^{−|z|}).
    @inlinable
    public static func softplus(_ z: Double) -> Double { max(z, 0) + Foundation.log1p(Foundation.exp(-abs(z))) }
}
