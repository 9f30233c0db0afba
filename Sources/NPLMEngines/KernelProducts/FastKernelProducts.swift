import CFastLoss
import Foundation
import NPLMCore

/// The kernel products on the fast CPU engine (Sources/CFastLoss/kernel_model.c): K computed on
/// the fly in blocks of 1024 events on every worker thread, Double products and sums in a fixed
/// order, so results do not depend on the thread count. Kernel values in float64 (squared
/// distances and a vectorised e^x in double, ≈ 1 ulp) or, for `KernelPrecision.float32`, float32
/// from the engine's e^x. Memory: the events, M × 32 values of scratch per thread and one M-vector
/// per block, never n × M.
public final class FastKernelProducts: KernelProducts {
    let pool: FastCPUWorkerPool
    let x: [Float]
    let centreFeatures: [Float]
    let dimension: Int
    public let eventCount: Int
    public let centreCount: Int
    let gamma: Double
    let precision: KernelPrecision
    let isa: nplm_isa
    private var scratch: [Float]
    private var scratchDouble: [Double]
    private var partials: [Double]

    /// `pool` is shared by every width and fit of a batch (threads start once).
    package init(pool: FastCPUWorkerPool, events: EventSet, centres: EventSet, width sigma: Double, precision: KernelPrecision = .float64,
         isa: nplm_isa) {
        self.pool = pool
        x = events.features
        centreFeatures = centres.features
        dimension = events.dimension
        eventCount = events.count
        centreCount = centres.count
        gamma = GaussianKernel.gamma(width: sigma)
        self.precision = precision
        self.isa = isa
        let slab = pool.threads * centres.count * Int(NPLM_LANES)
        scratch = [Float](repeating: 0, count: precision == .float32 ? slab : 0)
        scratchDouble = [Double](repeating: 0, count: precision == .float64 ? slab : 0)
        let blocks = (events.count + Int(NPLM_KERNEL_BLOCK) - 1) / Int(NPLM_KERNEL_BLOCK)
        partials = [Double](repeating: 0, count: max(1, blocks * centres.count))
    }

    private func pass(v: [Double]?, d: [Double]?, a: [Double]?, wantU: Bool, wantR: Bool) -> (u: [Double], r: [Double]) {
        var u = [Double](repeating: 0, count: wantU ? eventCount : 0)
        var r = [Double](repeating: 0, count: wantR ? centreCount : 0)
        x.withUnsafeBufferPointer { xp in
            centreFeatures.withUnsafeBufferPointer { cp in
                scratch.withUnsafeMutableBufferPointer { sp in
                    scratchDouble.withUnsafeMutableBufferPointer { sdp in
                        partials.withUnsafeMutableBufferPointer { pp in
                            u.withUnsafeMutableBufferPointer { up in
                                r.withUnsafeMutableBufferPointer { rp in
                                    withOptionalPointer(v) { vp in
                                        withOptionalPointer(d) { dp in
                                            withOptionalPointer(a) { ap in
                                                var pass = nplm_kernel_pass(
                                                    x: xp.baseAddress, n: Int64(eventCount), dimension: Int32(dimension),
                                                    centres: cp.baseAddress, m: Int32(centreCount), gamma: Float(gamma),
                                                    v: vp, d: dp, a: ap,
                                                    u: wantU ? up.baseAddress : nil, r: wantR ? rp.baseAddress : nil,
                                                    partials: pp.baseAddress, scratch: sp.baseAddress, isa: isa,
                                                    double_values: precision == .float64 ? 1 : 0, gamma_double: gamma,
                                                    scratch_double: sdp.baseAddress)
                                                nplm_kernel_pass_run(pool.pool, &pass)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (u, r)
    }

    public func evaluate(_ c: [Double]) -> [Double] { pass(v: c, d: nil, a: nil, wantU: true, wantR: false).u }
    public func transposed(_ w: [Double]) -> [Double] { pass(v: nil, d: nil, a: w, wantU: false, wantR: true).r }
    public func curvature(_ v: [Double], weights d: [Double]) -> [Double] {
        pass(v: v, d: d, a: nil, wantU: false, wantR: true).r
    }
}

@inline(__always)
private func withOptionalPointer<R>(_ array: [Double]?, _ body: (UnsafePointer<Double>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
