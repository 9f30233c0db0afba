import Foundation
import NPLMCore

/// The plain forward and backward pass of one network in Double, one event at a time: the ground
/// truth every faster path is tested against. It is the one Double network pass (`NetworkBlock`)
/// with one network and one event.
public struct ReferenceNetwork {
    public let architecture: Architecture
    private var block: NetworkBlock
    /// The upstream derivative of `backward`, one value (network 0, event 0).
    private var upstream = [0.0]

    public init(architecture: Architecture) {
        self.architecture = architecture
        block = NetworkBlock(architecture: architecture, capacity: 1, slopeProduct: .leftToRight)
    }

    /// Activations of every layer for the last `forward` call: `activations[l]` has `layers[l]` values.
    public var activations: [[Double]] {
        architecture.layers.indices.map { l in
            (0..<architecture.layers[l]).map { block.activation(network: 0, layer: l, unit: $0, event: 0) }
        }
    }

    /// f(x) for the parameters `p` (one network, flat layout) and the input `x` (d values).
    public mutating func forward(_ p: ArraySlice<Double>, input x: [Double]) -> Double {
        block.load(input: x)
        block.forward(p)
        return block.output(network: 0, event: 0)
    }

    /// Adds `upstream · ∂f/∂p` to `gradient` (flat layout, starting at `gradient.startIndex`),
    /// using the activations of the last `forward` call.
    public mutating func backward(_ p: ArraySlice<Double>, upstream: Double, into gradient: inout ArraySlice<Double>) {
        self.upstream[0] = upstream
        block.backward(p, upstream: self.upstream, into: &gradient)
    }

    /// f at every event of `events` for one network.
    public static func evaluate(architecture: Architecture, parameters: ArraySlice<Double>, events: EventSet) -> [Double] {
        // Blocks of events: every event's forward pass is the same operations as one at a time.
        var block = NetworkBlock(architecture: architecture, capacity: NetworkBlock.standardCapacity, slopeProduct: .leftToRight)
        var out = [Double](repeating: 0, count: events.count)
        var start = 0
        while start < events.count {
            let n = min(block.capacity, events.count - start)
            block.load(events: events, range: start..<(start + n))
            block.forward(parameters)
            for e in 0..<n { out[start + e] = block.output(network: 0, event: e) }
            start += n
        }
        return out
    }
}
