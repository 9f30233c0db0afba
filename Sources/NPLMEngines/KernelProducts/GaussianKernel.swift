import Foundation
import NPLMCore

/// The Gaussian kernel k(x, x') = exp(−‖x − x'‖² / 2σ²) of the kernel model.
public enum GaussianKernel {
    /// γ = 1 / (2σ²), so that k = exp(−γ‖x − x'‖²).
    public static func gamma(width sigma: Double) -> Double { 1 / (2 * sigma * sigma) }

    /// ‖x_i − y_j‖² for event i of `x` and event j of `y` (both feature-major).
    @inlinable
    public static func squaredDistance(_ x: EventSet, _ i: Int, _ y: EventSet, _ j: Int) -> Double {
        var s = 0.0
        for k in 0..<x.dimension {
            let d = Double(x.value(event: i, feature: k)) - Double(y.value(event: j, feature: k))
            s += d * d
        }
        return s
    }

    /// K_MM of the centres, column-major, in Double.
    public static func matrix(_ centres: EventSet, width sigma: Double) -> [Double] {
        let m = centres.count, gamma = gamma(width: sigma)
        var k = [Double](repeating: 0, count: m * m)
        for j in 0..<m {
            for i in 0...j {
                let value = Foundation.exp(-gamma * squaredDistance(centres, i, centres, j))
                k[j * m + i] = value
                k[i * m + j] = value
            }
        }
        return k
    }

    /// Reference events used by `defaultWidth`.
    public static let widthSubsample = 1000

    /// The default width of the references: the 90th percentile of the pairwise distances of a
    /// subsample of the reference events (up to 1000, evenly spaced through the sample), each
    /// feature standardised by its standard deviation over the subsample and the percentile
    /// measured back in the events' units (for one feature this is the plain percentile; for the
    /// 1-D benchmark with x/8 it is ≈ 0.29, the σ ≈ 0.3 of Letizia et al.).
    public static func defaultWidth(reference: EventSet) throws -> Double {
        guard reference.count >= 2 else {
            throw NPLMError.invalidArgument("the default kernel width needs at least 2 reference events; give \(Parameter.widths)")
        }
        let n = min(reference.count, widthSubsample)
        let indices = (0..<n).map { $0 * reference.count / n }
        let sub = reference.subset(indices)
        // per-feature standard deviations; the distances are computed in standardised units
        var scale = [Double](repeating: 1, count: sub.dimension)
        for k in 0..<sub.dimension {
            let values = (0..<n).map { Double(sub.value(event: $0, feature: k)) }
            let mean = values.reduce(0, +) / Double(n)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
            scale[k] = variance > 0 ? variance.squareRoot() : 1
        }
        var distances: [Double] = []
        distances.reserveCapacity(n * (n - 1) / 2)
        for j in 1..<n {
            for i in 0..<j {
                var s = 0.0
                for k in 0..<sub.dimension {
                    let d = (Double(sub.value(event: i, feature: k)) - Double(sub.value(event: j, feature: k))) / scale[k]
                    s += d * d
                }
                distances.append(s.squareRoot())
            }
        }
        distances.sort()
        let standardised = distances[min(distances.count - 1, Int(0.9 * Double(distances.count)))]
        // back to the events' units: the geometric mean of the feature scales (exact for d = 1)
        let unit = Foundation.exp(scale.map { Foundation.log($0) }.reduce(0, +) / Double(scale.count))
        let sigma = standardised * unit
        guard sigma > 0, sigma.isFinite else {
            throw NPLMError.invalidArgument("the reference events all coincide, so no default kernel width exists; give \(Parameter.widths)")
        }
        return sigma
    }
}
