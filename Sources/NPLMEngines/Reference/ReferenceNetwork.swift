import Foundation
import NPLMCore

/// The plain, readable forward and backward pass of one network in Double: the ground truth every
/// faster path is tested against.
public struct ReferenceNetwork {
    public let architecture: Architecture
    /// Activations of every layer for the last `forward` call: `activations[l]` has `layers[l]` values.
    public private(set) var activations: [[Double]]

    public init(architecture: Architecture) {
        self.architecture = architecture
        activations = architecture.layers.map { [Double](repeating: 0, count: $0) }
    }

    /// f(x) for the parameters `p` (one network, flat layout) and the input `x` (d values).
    public mutating func forward(_ p: ArraySlice<Double>, input x: [Double]) -> Double {
        let base = p.startIndex
        activations[0] = x
        let layers = architecture.layers
        for l in 0..<architecture.layerCount {
            let nIn = layers[l], nOut = layers[l + 1]
            let w = base + architecture.weightOffset(layer: l)
            let b = base + architecture.biasOffset(layer: l)
            let isOutput = l == architecture.layerCount - 1
            for j in 0..<nOut {
                var z = p[b + j]
                for i in 0..<nIn { z += p[w + j * nIn + i] * activations[l][i] }
                activations[l + 1][j] = isOutput ? z : Logistic.sigmoid(z)
            }
        }
        return activations[architecture.layerCount][0]
    }

    /// Adds `upstream · ∂f/∂p` to `gradient` (flat layout, starting at `gradient.startIndex`),
    /// using the activations of the last `forward` call.
    public func backward(_ p: ArraySlice<Double>, upstream: Double, into gradient: inout ArraySlice<Double>) {
        let layers = architecture.layers
        let base = p.startIndex, gbase = gradient.startIndex
        // delta[j] = ∂(upstream·f)/∂z_j for the units of the current layer (pre-activation).
        var delta = [upstream]
        for l in stride(from: architecture.layerCount - 1, through: 0, by: -1) {
            let nIn = layers[l], nOut = layers[l + 1]
            let w = architecture.weightOffset(layer: l)
            let b = architecture.biasOffset(layer: l)
            for j in 0..<nOut {
                gradient[gbase + b + j] += delta[j]
                for i in 0..<nIn { gradient[gbase + w + j * nIn + i] += delta[j] * activations[l][i] }
            }
            if l == 0 { break }
            var below = [Double](repeating: 0, count: nIn)
            for i in 0..<nIn {
                var sum = 0.0
                for j in 0..<nOut { sum += p[base + w + j * nIn + i] * delta[j] }
                let s = activations[l][i]
                below[i] = sum * s * (1 - s)  // σ'(z) = σ(1 − σ)
            }
            delta = below
        }
    }

    /// f at every event of `events` for one network.
    public static func evaluate(architecture: Architecture, parameters: ArraySlice<Double>, events: EventSet) -> [Double] {
        var network = ReferenceNetwork(architecture: architecture)
        var x = [Double](repeating: 0, count: events.dimension)
        return (0..<events.count).map { i in
            for k in 0..<events.dimension { x[k] = Double(events.value(event: i, feature: k)) }
            return network.forward(parameters, input: x)
        }
    }
}
