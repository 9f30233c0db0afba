import Foundation
import NPLMCore
import NPLMEngines

/// The coefficient networks δ̂_1 … δ̂_order of one shape nuisance (d'Agnolo, Grosso, Pierini,
/// Wulzer, Zanetti, "Learning new physics from an imperfect machine", eq. 14 and 16):
///
///     log r̂(x; ν) = Σ_{k=1..order} ν^k / k! · δ̂_k(x)
///
/// Each δ̂_k is a network of the same architecture `[d, …, 1]` (sigmoid hidden units, linear
/// output, the flat parameter layout of `Architecture`). The parameters of all networks are one
/// flat array, network k − 1 at `(k − 1)·P ..< k·P`, the layout Adam updates in one call. Their
/// forward and backward passes are those of the reference network (`NetworkBlock`, a block of
/// `order` networks over 256 events at once).
public struct DeltaNetworks: Sendable, Equatable {
    /// The Taylor orders a shape effect may have.
    public static let orders = 1...4

    public let architecture: Architecture
    public let order: Int
    /// order × P values, network k − 1 first.
    public var parameters: [Double]

    public init(architecture: Architecture, order: Int, parameters: [Double]) throws {
        try Self.checkOrder(order)
        guard parameters.count == order * architecture.parameterCount else {
            throw NPLMError.invalidArgument(
                "\(order) coefficient network(s) of architecture \(architecture) need \(order * architecture.parameterCount) parameters, got \(parameters.count)")
        }
        self.architecture = architecture
        self.order = order
        self.parameters = parameters
    }

    /// Glorot-uniform weights and zero biases; network k − 1 from the stream (seed, k − 1, initialization).
    public static func initial(architecture: Architecture, order: Int, seed: UInt64) throws -> DeltaNetworks {
        try checkOrder(order)
        let parameters = (0..<order).flatMap { architecture.initialParameters(seed: seed, toy: UInt32($0)) }
        return try DeltaNetworks(architecture: architecture, order: order, parameters: parameters)
    }

    public static func checkOrder(_ order: Int) throws {
        guard orders.contains(order) else {
            throw NPLMError.invalidArgument("the order of a shape nuisance's Taylor expansion must be 1 to 4, got \(order)")
        }
    }

    /// Refuses an order that the nuisance points cannot determine: δ̂_1 … δ̂_order are the
    /// coefficients of a polynomial of degree `order` in ν at every x (without a constant term), which
    /// takes at least `order` distinct points to fix.
    public static func checkOrder(_ order: Int, points: [Double]) throws {
        let distinct = Set(points).count
        guard order <= distinct else {
            throw NPLMError.invalidArgument("order \(order) needs at least \(order) distinct nuisance points (δ̂_1 … δ̂_\(order) are the coefficients of a degree-\(order) polynomial in ν), but there are \(distinct) (\(points.map { "\($0)" }.joined(separator: ","))): add ± pairs to \(Parameter.points) or lower \(Parameter.order) to \(distinct)")
        }
    }

    public var inputDimension: Int { architecture.inputDimension }

    /// The parameters of network δ̂_k (k = 1 … order).
    public func parameters(ofCoefficient k: Int) -> ArraySlice<Double> {
        let P = architecture.parameterCount
        return parameters[((k - 1) * P)..<(k * P)]
    }

    /// ν^k / k!, the factor of δ_k in the log-ratio (eq. 14).
    @inlinable
    public static func taylorFactor(nu: Double, k: Int) -> Double {
        var factor = 1.0
        for j in 1...k { factor *= nu / Double(j) }
        return factor
    }

    /// log r̂(x_i; ν) = Σ_k ν^k/k! · δ_k(x_i) from the coefficients (result[k − 1][i] = δ_k(x_i)).
    public static func logRatio(coefficients: [[Double]], nu: Double) -> [Double] {
        guard let first = coefficients.first else { return [] }
        var out = [Double](repeating: 0, count: first.count)
        for (index, delta) in coefficients.enumerated() {
            let factor = taylorFactor(nu: nu, k: index + 1)
            for i in out.indices { out[i] += factor * delta[i] }
        }
        return out
    }

    /// δ̂_k(x_i) for k = 1 … order at every event (result[k − 1][i]).
    public func coefficients(for events: EventSet) -> [[Double]] {
        precondition(events.dimension == inputDimension)
        var out = [[Double]](repeating: [Double](repeating: 0, count: events.count), count: order)
        var block = Self.block(architecture: architecture, order: order)
        var start = 0
        while start < events.count {
            let n = min(block.capacity, events.count - start)
            block.load(events: events, range: start..<(start + n))
            block.forward(parameters[...])
            for k in 0..<order {
                for e in 0..<n { out[k][start + e] = block.output(network: k, event: e) }
            }
            start += n
        }
        return out
    }

    /// The forward and backward pass of the `order` networks over blocks of events: the reference
    /// network's, with σ'(z) formed first in the backward pass (`NetworkBlock.SlopeProduct`: the
    /// arithmetic every δ̂ model file was trained with).
    static func block(architecture: Architecture, order: Int) -> NetworkBlock {
        NetworkBlock(architecture: architecture, networks: order, capacity: NetworkBlock.standardCapacity, slopeProduct: .slopeFirst)
    }
}


