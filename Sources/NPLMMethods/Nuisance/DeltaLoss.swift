import Foundation
import NPLMCore
import NPLMEngines

/// The loss that trains the coefficient networks δ̂_k (d'Agnolo, Grosso, Pierini, Wulzer, Zanetti,
/// "Learning new physics from an imperfect machine", eq. 15–17):
///
///     c(x; ν) = 1 / (1 + r̂(x; ν)),   r̂(x; ν) = exp(Σ_k ν^k/k! · δ̂_k(x))
///     L = Σ_i [ Σ_{e ∈ S₀(ν_i)} w_e c(x_e; ν_i)²  +  Σ_{e ∈ S₁(ν_i)} w_e (1 − c(x_e; ν_i))² ]
///
/// Point by point in x the minimum is at c = n(x|R₀) / (n(x|R₀) + n(x|R_ν)), i.e. r̂ = n(x|R_ν)/n(x|R₀).
///
/// The sum runs over fixed blocks of events (`NetworkBlock.standardCapacity`), each block's loss and
/// gradient kept apart and added in block order, so the result does not depend on the number of
/// threads and two runs agree bitwise.
public enum DeltaLoss {
    /// The term of one event of weight 1 and its derivative with respect to s = log r̂:
    /// S₀ (varied): c², d/ds = −2c²(1 − c); S₁ (central): (1 − c)², d/ds = 2c(1 − c)².
    /// c = σ(−s) and 1 − c = σ(s) are computed apart so that neither loses digits.
    @inlinable
    public static func term(logRatio s: Double, varied: Bool) -> (value: Double, slope: Double) {
        let c = Logistic.sigmoid(-s)
        let oneMinusC = Logistic.sigmoid(s)
        return varied ? (c * c, -2 * c * c * oneMinusC) : (oneMinusC * oneMinusC, 2 * c * oneMinusC * oneMinusC)
    }

    /// The loss at `networks`.
    public static func value(networks: DeltaNetworks, data: ShapeTrainingData, threads: Int = 1) -> Double {
        evaluate(architecture: networks.architecture, order: networks.order, parameters: networks.parameters, data: data,
                 gradient: false, threads: threads).value
    }

    /// The loss and its gradient with respect to `networks.parameters`.
    public static func valueAndGradient(networks: DeltaNetworks, data: ShapeTrainingData, threads: Int = 1) -> (value: Double, gradient: [Double]) {
        evaluate(architecture: networks.architecture, order: networks.order, parameters: networks.parameters, data: data,
                 gradient: true, threads: threads)
    }

    /// The event blocks of a data set: (sample, first event, event count).
    static func blocks(_ data: ShapeTrainingData) -> [(sample: Int, start: Int, count: Int)] {
        var out: [(sample: Int, start: Int, count: Int)] = []
        for (index, sample) in data.samples.enumerated() {
            var start = 0
            while start < sample.events.count {
                let n = min(NetworkBlock.standardCapacity, sample.events.count - start)
                out.append((index, start, n))
                start += n
            }
        }
        return out
    }

    /// The loss (and its gradient) of the `order` networks of `architecture` at `parameters` (the
    /// layout of `DeltaNetworks.parameters`).
    static func evaluate(architecture: Architecture, order: Int, parameters: [Double], data: ShapeTrainingData,
                         gradient wantGradient: Bool, threads: Int) -> (value: Double, gradient: [Double]) {
        precondition(data.inputDimension == architecture.inputDimension && parameters.count == order * architecture.parameterCount)
        let parameterCount = parameters.count, capacity = NetworkBlock.standardCapacity
        let blocks = Self.blocks(data)
        let memberships = data.memberships
        // factors[i][k] = ν_i^{k+1}/(k+1)!
        let factors = data.points.map { point in (1...order).map { DeltaNetworks.taylorFactor(nu: point.nu, k: $0) } }
        let stride = 1 + (wantGradient ? parameterCount : 0)
        var partial = [Double](repeating: 0, count: blocks.count * stride)
        let workers = max(1, min(threads, blocks.count))
        partial.withUnsafeMutableBufferPointer { results in
            let results = DisjointSlots(results)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var block = DeltaNetworks.block(architecture: architecture, order: order)
                var upstream = [Double](repeating: 0, count: order * capacity)
                var blockGradient = [Double](repeating: 0, count: wantGradient ? parameterCount : 0)[...]
                for b in Swift.stride(from: worker, to: blocks.count, by: workers) {
                    let (sampleIndex, start, n) = blocks[b]
                    let sample = data.samples[sampleIndex]
                    block.load(events: sample.events, range: start..<(start + n))
                    block.forward(parameters[...])
                    for index in upstream.indices { upstream[index] = 0 }
                    var loss = 0.0
                    for (point, varied) in memberships[sampleIndex] {
                        let f = factors[point]
                        for e in 0..<n {
                            var s = 0.0
                            for k in 0..<order { s += f[k] * block.output(network: k, event: e) }
                            let w = sample.weights[start + e]
                            let (value, slope) = term(logRatio: s, varied: varied)
                            loss += w * value
                            if wantGradient {
                                for k in 0..<order { upstream[k * capacity + e] += w * slope * f[k] }
                            }
                        }
                    }
                    results.pointer[b * stride] = loss
                    if wantGradient {
                        for index in blockGradient.indices { blockGradient[index] = 0 }
                        block.backward(parameters[...], upstream: upstream, into: &blockGradient)
                        for index in 0..<parameterCount { results.pointer[b * stride + 1 + index] = blockGradient[index] }
                    }
                }
            }
        }
        var value = 0.0
        var gradient = [Double](repeating: 0, count: wantGradient ? parameterCount : 0)
        for b in 0..<blocks.count {
            value += partial[b * stride]
            for index in gradient.indices { gradient[index] += partial[b * stride + 1 + index] }
        }
        return (value, gradient)
    }
}
