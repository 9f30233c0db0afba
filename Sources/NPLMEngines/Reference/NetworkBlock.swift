import NPLMCore

/// The forward and backward pass in Double of `networks` networks of one architecture (sigmoid
/// hidden units, linear output, the flat layout of `Architecture`, network k at k·P) over a block
/// of up to `capacity` events at once, layer by layer, unit-major: unit j of event e at j·n + e for
/// the n events loaded.
///
/// The one multilayer perceptron of the Double paths: `ReferenceNetwork` (the ground truth every
/// faster path is tested against) is a block of one network and one event; the δ̂ networks of a
/// shape nuisance (`DeltaNetworks`, `DeltaLoss` in NPLMMethods) are a block of `order` networks
/// and 256 events, so that the eq. 17 training, which visits every event of every sample at every
/// epoch, makes one pass per layer over a block instead of one per event.
///
/// For every event the operations are those of a per-event pass, in the same order: z = b_j, then
/// z += W_ji·a_i for i = 0, 1, …; σ(z) = `Logistic.sigmoid`; a gradient component is 0 + Σ_e of its
/// event terms in event order, added to the caller's gradient. The one difference between the two
/// users is `SlopeProduct`.
package struct NetworkBlock {
    /// How the back-propagated sum Σ_j W_ji·δ_j is multiplied by σ'(z_i) = σ_i(1 − σ_i): the one
    /// place where the reference network and the δ̂ networks differ. The numbers are the same up
    /// to the last bit; each keeps the association its results (records, model files) were made
    /// with.
    package enum SlopeProduct: Sendable {
        /// (Σ·σ)·(1 − σ), left to right: `ReferenceNetwork`.
        case leftToRight
        /// Σ·(σ·(1 − σ)): the δ̂ networks.
        case slopeFirst
    }

    /// Events per block of the δ̂ training and of evaluations over many events.
    package static let standardCapacity = 256

    package let architecture: Architecture
    package let networks: Int
    package let capacity: Int
    package let slopeProduct: SlopeProduct
    /// Events loaded (n).
    package private(set) var count = 0
    /// The input layer (shared by every network), then layers 1 … L of every network: layer l ≥ 1
    /// of network k starts at `layerStart[k·(L + 1) + l]`, layer 0 of every network at 0; each
    /// holds `layers[l] × capacity` values.
    private var activations: [Double]
    private let layerStart: [Int]
    private let weightOffset: [Int]
    private let biasOffset: [Int]
    /// Scratch for the back-propagated deltas of one layer (two buffers swapped per layer).
    private var delta: [Double]
    private var below: [Double]

    package init(architecture: Architecture, networks: Int = 1, capacity: Int, slopeProduct: SlopeProduct) {
        precondition(networks >= 1 && capacity >= 1)
        self.architecture = architecture
        self.networks = networks
        self.capacity = capacity
        self.slopeProduct = slopeProduct
        let layers = architecture.layers
        var starts: [Int] = []
        var total = layers[0] * capacity
        for _ in 0..<networks {
            starts.append(0)
            for width in layers.dropFirst() {
                starts.append(total)
                total += width * capacity
            }
        }
        layerStart = starts
        weightOffset = (0..<architecture.layerCount).map(architecture.weightOffset(layer:))
        biasOffset = (0..<architecture.layerCount).map(architecture.biasOffset(layer:))
        activations = [Double](repeating: 0, count: total)
        delta = [Double](repeating: 0, count: architecture.widestLayer * capacity)
        below = delta
    }

    /// Loads events `range` of `events` as the input layer.
    package mutating func load(events: EventSet, range: Range<Int>) {
        let n = range.count
        precondition(n <= capacity && events.dimension == architecture.inputDimension)
        count = n
        for i in 0..<events.dimension {
            for (e, event) in range.enumerated() {
                activations[i * n + e] = Double(events.value(event: event, feature: i))
            }
        }
    }

    /// Loads one event `x` (d values) as the input layer.
    package mutating func load(input x: [Double]) {
        precondition(x.count == architecture.inputDimension)
        count = 1
        for i in x.indices { activations[i] = x[i] }
    }

    /// Forward pass of every network over the loaded events; `parameters` holds the networks one
    /// after the other from its start index.
    package mutating func forward(_ parameters: ArraySlice<Double>) {
        let layers = architecture.layers, L = architecture.layerCount, P = architecture.parameterCount
        let n = count, networks = self.networks, starts = layerStart, weights = weightOffset, biases = biasOffset
        precondition(parameters.count >= networks * P)
        parameters.withUnsafeBufferPointer { p in
            activations.withUnsafeMutableBufferPointer { a in
                for k in 0..<networks {
                    let base = k * P
                    for l in 0..<L {
                        let nIn = layers[l], nOut = layers[l + 1]
                        let w = base + weights[l], b = base + biases[l]
                        let input = starts[k * (L + 1) + l], output = starts[k * (L + 1) + l + 1]
                        let hidden = l < L - 1
                        for j in 0..<nOut {
                            let bias = p[b + j]
                            for e in 0..<n { a[output + j * n + e] = bias }
                            for i in 0..<nIn {
                                let weight = p[w + j * nIn + i]
                                for e in 0..<n { a[output + j * n + e] += weight * a[input + i * n + e] }
                            }
                            if hidden {
                                for e in 0..<n { a[output + j * n + e] = Logistic.sigmoid(a[output + j * n + e]) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// f of network k (0-based) at loaded event e after `forward`.
    package func output(network k: Int, event e: Int) -> Double {
        activations[layerStart[k * (architecture.layers.count) + architecture.layerCount] + e]
    }

    /// The activations of layer l of network k at loaded event e after `forward`.
    package func activation(network k: Int, layer l: Int, unit j: Int, event e: Int) -> Double {
        activations[layerStart[k * architecture.layers.count + l] + j * count + e]
    }

    /// Adds Σ_e upstream[k·capacity + e] · ∂f_k(x_e)/∂p to `gradient` (the networks one after the
    /// other from its start index, as `parameters`), using the activations of the last `forward`.
    package mutating func backward(_ parameters: ArraySlice<Double>, upstream: [Double], into gradient: inout ArraySlice<Double>) {
        let layers = architecture.layers, L = architecture.layerCount, P = architecture.parameterCount
        let n = count, networks = self.networks, capacity = self.capacity, starts = layerStart
        let weights = weightOffset, biases = biasOffset, slopeFirst = slopeProduct == .slopeFirst
        precondition(upstream.count >= networks * capacity && gradient.count >= networks * P)
        // Move the scratch out of self so that it can be written inside the pointer closures.
        var delta: [Double] = [], below: [Double] = []
        swap(&delta, &self.delta)
        swap(&below, &self.below)
        parameters.withUnsafeBufferPointer { p in
            activations.withUnsafeBufferPointer { a in
                gradient.withUnsafeMutableBufferPointer { g in
                    for k in 0..<networks {
                        let base = k * P
                        for e in 0..<n { delta[e] = upstream[k * capacity + e] }
                        for l in stride(from: L - 1, through: 0, by: -1) {
                            let nIn = layers[l], nOut = layers[l + 1]
                            let w = base + weights[l], b = base + biases[l]
                            let input = starts[k * (L + 1) + l]
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
                                            // σ'(z) = σ(1 − σ); see `SlopeProduct`.
                                            out[i * n + e] = slopeFirst ? out[i * n + e] * (s * (1 - s)) : out[i * n + e] * s * (1 - s)
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
