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
                total += Self.accumulate(network: &network, parameters: p, events: events, terms: terms,
                                         loss: batch.loss, gradient: &g)
            }
            loss[t] = total
            for k in 0..<P { gradient[t * P + k] = g[k] }
        }
    }

    /// Adds the loss terms ℓ_i of `events` (`LossKind.term`) to the returned sum and their gradient
    /// to `gradient`.
    static func accumulate(network: inout ReferenceNetwork, parameters p: ArraySlice<Double>, events: EventSet,
                           terms: EventTerms, loss: LossKind, gradient: inout ArraySlice<Double>) -> Double {
        var sum = 0.0
        var x = [Double](repeating: 0, count: events.dimension)
        for i in 0..<events.count {
            let a = Double(terms.a[i]), b = Double(terms.b[i])
            if a == 0 && b == 0 { continue }
            for k in 0..<events.dimension { x[k] = Double(events.value(event: i, feature: k)) }
            let f = network.forward(p, input: x)
            let term = loss.term(f: f, a: a, b: b, offset: Double(terms.offset?[i] ?? 0))
            sum += term.value
            network.backward(p, upstream: term.derivative, into: &gradient)
        }
        return sum
    }
}
