import Foundation
import NPLMCore

/// The coefficient networks δ̂_1 … δ̂_order of one shape nuisance (d'Agnolo, Grosso, Pierini,
/// Wulzer, Zanetti, "Learning new physics from an imperfect machine", eq. 14 and 16):
///
///     log r̂(x; ν) = Σ_{k=1..order} ν^k / k! · δ̂_k(x)
///
/// Each δ̂_k is a network of the same architecture `[d, …, 1]` (sigmoid hidden units, linear
/// output, the flat parameter layout of `Architecture`). The parameters of all networks are one
/// flat array, network k − 1 at `(k − 1)·P ..< k·P`, the layout Adam updates in one call.
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
        var block = DeltaBlock(architecture: architecture, order: order)
        var start = 0
        while start < events.count {
            let n = min(DeltaBlock.capacity, events.count - start)
            block.load(events: events, range: start..<(start + n))
            block.forward(parameters: parameters)
            for k in 0..<order {
                for e in 0..<n { out[k][start + e] = block.output(coefficient: k, event: e) }
            }
            start += n
        }
        return out
    }
}

/// The forward and backward pass of the `order` coefficient networks over a block of up to
/// `capacity` events at once, in Double, layer by layer (unit-major activations: unit j of event e
/// at `j·n + e`). It computes exactly what `ReferenceNetwork` computes event by event (the tests
/// compare them); it exists because the eq. 17 training visits every event of every sample at every
/// epoch, and one pass per layer over a block avoids the per-event array traffic of the reference.
struct DeltaBlock {
    static let capacity = 256

    let architecture: Architecture
    let order: Int
    /// Events in the block.
    private(set) var n = 0
    /// Activations of every layer of every network: layer l of network k starts at
    /// `layerStart[k·(L+1) + l]` and holds `layers[l] × capacity` values.
    private var activations: [Double]
    private let layerStart: [Int]
    /// Scratch for the back-propagated deltas of one layer (two buffers swapped per layer).
    private var delta: [Double]
    private var below: [Double]

    init(architecture: Architecture, order: Int) {
        self.architecture = architecture
        self.order = order
        var starts: [Int] = []
        var total = 0
        for _ in 0..<order {
            for width in architecture.layers {
                starts.append(total)
                total += width * Self.capacity
            }
        }
        layerStart = starts
        activations = [Double](repeating: 0, count: total)
        delta = [Double](repeating: 0, count: architecture.widestLayer * Self.capacity)
        below = delta
    }

    private func start(network k: Int, layer l: Int) -> Int { layerStart[k * architecture.layers.count + l] }

    /// Loads events `range` of `events` as the input layer of every network.
    mutating func load(events: EventSet, range: Range<Int>) {
        n = range.count
        precondition(n <= Self.capacity && events.dimension == architecture.inputDimension)
        for k in 0..<order {
            let input = start(network: k, layer: 0)
            for i in 0..<events.dimension {
                for (e, event) in range.enumerated() {
                    activations[input + i * n + e] = Double(events.value(event: event, feature: i))
                }
            }
        }
    }

    /// Forward pass of every network over the loaded events.
    mutating func forward(parameters: [Double]) {
        let layers = architecture.layers, P = architecture.parameterCount, n = self.n
        let starts = (0..<order).map { k in (0..<layers.count).map { start(network: k, layer: $0) } }
        parameters.withUnsafeBufferPointer { p in
            activations.withUnsafeMutableBufferPointer { a in
                for k in 0..<order {
                    let base = k * P
                    for l in 0..<architecture.layerCount {
                        let nIn = layers[l], nOut = layers[l + 1]
                        let w = base + architecture.weightOffset(layer: l), b = base + architecture.biasOffset(layer: l)
                        let input = starts[k][l], output = starts[k][l + 1]
                        let hidden = l < architecture.layerCount - 1
                        for j in 0..<nOut {
                            let bias = p[b + j]
                            for e in 0..<n { a[output + j * n + e] = bias }
                            for i in 0..<nIn {
                                let weight = p[w + j * nIn + i]
                                for e in 0..<n { a[output + j * n + e] += weight * a[input + i * n + e] }
                            }
                            if hidden {
                                for e in 0..<n { a[output + j * n + e] = 1 / (1 + Foundation.exp(-a[output + j * n + e])) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// δ_{k+1} at event e of the block after `forward`.
    func output(coefficient k: Int, event e: Int) -> Double {
        activations[start(network: k, layer: architecture.layerCount) + e]
    }

    /// Adds Σ_e upstream[k·capacity + e] · ∂δ_{k+1}(x_e)/∂p to `gradient` (order × P, the layout of
    /// `DeltaNetworks.parameters`), using the activations of the last `forward`.
    mutating func backward(parameters: [Double], upstream: [Double], into gradient: inout [Double]) {
        let layers = architecture.layers, P = architecture.parameterCount, n = self.n
        let starts = (0..<order).map { k in (0..<layers.count).map { start(network: k, layer: $0) } }
        // Move the scratch out of self so that it can be written inside the pointer closures.
        var delta: [Double] = [], below: [Double] = []
        swap(&delta, &self.delta)
        swap(&below, &self.below)
        parameters.withUnsafeBufferPointer { p in
            activations.withUnsafeBufferPointer { a in
                gradient.withUnsafeMutableBufferPointer { g in
                    for k in 0..<order {
                        let base = k * P
                        for e in 0..<n { delta[e] = upstream[k * Self.capacity + e] }
                        for l in stride(from: architecture.layerCount - 1, through: 0, by: -1) {
                            let nIn = layers[l], nOut = layers[l + 1]
                            let w = base + architecture.weightOffset(layer: l), b = base + architecture.biasOffset(layer: l)
                            let input = starts[k][l]
                            delta.withUnsafeBufferPointer { d in
                                for j in 0..<nOut {
                                    var biasSum = 0.0
                                    for e in 0..<n { biasSum += d[j * n + e] }
                                    g[b + j] += biasSum
                                    for i in 0..<nIn {
                                        var sum = 0.0
                                        for e in 0..<n { sum += d[j * n + e] * a[input + i * n + e] }
                                        g[w + j * nIn + i] += sum
                                    }
                                }
                            }
                            if l == 0 { break }
                            delta.withUnsafeBufferPointer { d in
                                below.withUnsafeMutableBufferPointer { out in
                                    for i in 0..<nIn {
                                        for e in 0..<n { out[i * n + e] = 0 }
                                        for j in 0..<nOut {
                                            let weight = p[w + j * nIn + i]
                                            for e in 0..<n { out[i * n + e] += weight * d[j * n + e] }
                                        }
                                        for e in 0..<n {
                                            let s = a[input + i * n + e]
                                            out[i * n + e] *= s * (1 - s)  // σ'(z) = σ(1 − σ)
                                        }
                                    }
                                }
                            }
                            swap(&delta, &below)
                        }
                    }
                }
            }
        }
        self.delta = delta
        self.below = below
    }
}
