import Foundation
import NPLMCore

/// The exact shape effect of the 1-D benchmark's scale nuisance, x → e^{ν}·x on b₀(x) = e^{−x}
/// (d'Agnolo et al., "Learning new physics from an imperfect machine", eq. 26 and 30):
///
///     log r(x; ν) = x·(1 − e^{−ν}) − ν = Σ_k ν^k/k! · δ_k(x),
///     δ_1(x) = x − 1,   δ_k(x) = (−1)^{k+1}·x   for k ≥ 2
///
/// (the k-th derivative of x·(1 − e^{−ν}) − ν at ν = 0). Truncated at `order`, it is what learned
/// δ̂ networks approximate; with it every fit with nuisances runs and is tested without networks.
public struct ScaleShapeEffect: ShapeEffect, Hashable, Codable {
    public let order: Int
    public var inputDimension: Int { 1 }

    public init(order: Int) throws {
        guard (1...4).contains(order) else {
            throw NPLMError.invalidArgument("the order of a shape nuisance is 1 to 4, got \(order)")
        }
        self.order = order
    }

    /// δ_k(x) of the exact expansion.
    public static func coefficient(_ k: Int, x: Double) -> Double {
        k == 1 ? x - 1 : (k % 2 == 0 ? -x : x)
    }

    /// The exact log-ratio (not truncated), for checks.
    public static func exactLogRatio(x: Double, nu: Double) -> Double {
        x * (1 - Foundation.exp(-nu)) - nu
    }

    public func coefficients(for events: EventSet) throws -> [[Double]] {
        guard events.dimension == 1 else {
            throw NPLMError.invalidArgument("the built-in scale nuisance acts on 1-D events; these have \(events.dimension) features")
        }
        return (1...order).map { k in (0..<events.count).map { Self.coefficient(k, x: Double(events.value(event: $0, feature: 0))) } }
    }
}
