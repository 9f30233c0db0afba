import Foundation

/// The CPU reference engine: every fit, every event, one after the other, in Double.
///
/// Deliberately plain. It is the ground truth that the fast CPU engine and the OpenCL kernels are
/// tested against, not the way to run a campaign.
public final class ReferenceEngine: LossEngine {
    public let batch: FitBatch
    public var name: String { "reference" }

    public init(batch: FitBatch) {
        self.batch = batch
    }

    public func lossAndGradient(parameters: [Double], active: [Bool]?, loss: inout [Double], gradient: inout [Double]) throws {
        let P = batch.parameterCount
        precondition(parameters.count == batch.fitCount * P && loss.count == batch.fitCount && gradient.count == batch.fitCount * P)
        for t in 0..<batch.fitCount where active?[t] ?? true {
            let p = parameters[(t * P)..<((t + 1) * P)]
            var g = ArraySlice([Double](repeating: 0, count: P))
            var network = ReferenceNetwork(architecture: batch.architecture)
            var total = 0.0
            for (events, terms) in [(batch.shared, batch.sharedTerms(fit: t)), (batch.own[t], batch.ownTerms[t])] {
                total += Self.accumulate(network: &network, parameters: p, events: events, terms: terms, gradient: &g)
            }
            loss[t] = total
            for k in 0..<P { gradient[t * P + k] = g[k] }
        }
    }

    /// Adds the loss terms of `events` to the returned sum and their gradient to `gradient`:
    ///
    ///     ℓ_i = a_i·(exp(f_i + o_i) − 1) − b_i·(f_i + o_i),   ∂ℓ_i/∂f_i = a_i·exp(f_i + o_i) − b_i.
    static func accumulate(network: inout ReferenceNetwork, parameters p: ArraySlice<Double>, events: EventSet,
                           terms: EventTerms, gradient: inout ArraySlice<Double>) -> Double {
        var sum = 0.0
        var x = [Double](repeating: 0, count: events.dimension)
        for i in 0..<events.count {
            let a = Double(terms.a[i]), b = Double(terms.b[i])
            if a == 0 && b == 0 { continue }
            for k in 0..<events.dimension { x[k] = Double(events.value(event: i, feature: k)) }
            let f = network.forward(p, input: x)
            let shifted = f + Double(terms.offset?[i] ?? 0)
            let e = a * Foundation.exp(shifted)
            sum += (e - a) - b * shifted
            network.backward(p, upstream: e - b, into: &gradient)
        }
        return sum
    }
}
