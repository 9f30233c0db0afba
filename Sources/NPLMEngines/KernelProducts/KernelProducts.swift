import Foundation
import NPLMCore

/// Products with K = K_nM, the Gaussian kernel between the n pooled events of one fit and its M
/// centres, for one width. The solver sees the events only through these.
public protocol KernelProducts: AnyObject {
    var eventCount: Int { get }
    var centreCount: Int { get }
    /// K·c: the model f at every event for centre coefficients c.
    func evaluate(_ c: [Double]) -> [Double]
    /// Kᵀ·w.
    func transposed(_ w: [Double]) -> [Double]
    /// Kᵀ·(d ∘ K·v), the data part of a Newton matrix times v.
    func curvature(_ v: [Double], weights d: [Double]) -> [Double]
}

/// The plain reference: every kernel value in Double (Foundation.exp), sums in Double in event
/// order, nothing stored. Slow (n·M exponentials per product) and obviously right; the fast
/// engines are tested against it.
public final class ReferenceKernelProducts: KernelProducts {
    public let events: EventSet
    public let centres: EventSet
    public let gamma: Double

    public init(events: EventSet, centres: EventSet, width sigma: Double) {
        self.events = events
        self.centres = centres
        gamma = GaussianKernel.gamma(width: sigma)
    }

    public var eventCount: Int { events.count }
    public var centreCount: Int { centres.count }

    @inline(__always) func k(_ i: Int, _ m: Int) -> Double {
        Foundation.exp(-gamma * GaussianKernel.squaredDistance(events, i, centres, m))
    }

    public func evaluate(_ c: [Double]) -> [Double] {
        (0..<eventCount).map { i in
            var s = 0.0
            for m in 0..<centreCount { s += k(i, m) * c[m] }
            return s
        }
    }

    public func transposed(_ w: [Double]) -> [Double] {
        var r = [Double](repeating: 0, count: centreCount)
        for i in 0..<eventCount where w[i] != 0 {
            for m in 0..<centreCount { r[m] += k(i, m) * w[i] }
        }
        return r
    }

    public func curvature(_ v: [Double], weights d: [Double]) -> [Double] {
        let u = evaluate(v)
        return transposed((0..<eventCount).map { d[$0] * u[$0] })
    }
}

/// The kernel products of several fits at once (a fit: one test at one width), as the solver of a
/// batch asks for them: argument j is for fit `fits[j]`, and so is result j. The OpenCL engine
/// computes every listed fit in one launch (`OpenCLKernelProducts`); the others one after the
/// other (`SerialKernelProducts`). A fit's result must not depend on the other fits listed.
public protocol KernelProductBatch: AnyObject {
    var fitCount: Int { get }
    /// K·c of each listed fit.
    func evaluate(_ c: [[Double]], fits: [Int]) throws -> [[Double]]
    /// Kᵀ·w of each listed fit.
    func transposed(_ w: [[Double]], fits: [Int]) throws -> [[Double]]
    /// Kᵀ·(d ∘ K·v) of each listed fit.
    func curvature(_ v: [[Double]], weights d: [[Double]], fits: [Int]) throws -> [[Double]]
}

/// A batch of single-fit products, run one fit after the other.
public final class SerialKernelProducts: KernelProductBatch {
    public let products: [KernelProducts]

    public init(_ products: [KernelProducts]) { self.products = products }

    public var fitCount: Int { products.count }

    public func evaluate(_ c: [[Double]], fits: [Int]) -> [[Double]] {
        zip(fits, c).map { products[$0].evaluate($1) }
    }

    public func transposed(_ w: [[Double]], fits: [Int]) -> [[Double]] {
        zip(fits, w).map { products[$0].transposed($1) }
    }

    public func curvature(_ v: [[Double]], weights d: [[Double]], fits: [Int]) -> [[Double]] {
        fits.indices.map { products[fits[$0]].curvature(v[$0], weights: d[$0]) }
    }
}
