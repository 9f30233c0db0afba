import Foundation
import NPLMCore

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
        var basisGradient = [Double](repeating: 0, count: batch.fitCount * batch.basisCount)
        try lossAndGradient(parameters: parameters,
                            offsetCoefficients: [Double](repeating: 0, count: batch.fitCount * (batch.basisCount + 1)),
                            active: active, loss: &loss, gradient: &gradient, basisGradient: &basisGradient)
    }

    public func lossAndGradient(parameters: [Double], offsetCoefficients: [Double], active: [Bool]?,
                                loss: inout [Double], gradient: inout [Double], basisGradient: inout [Double]) throws {
        let P = batch.parameterCount, M = batch.basisCount
        precondition(parameters.count == batch.fitCount * P && loss.count == batch.fitCount && gradient.count == batch.fitCount * P)
        precondition(offsetCoefficients.count == batch.fitCount * (M + 1) && basisGradient.count == batch.fitCount * M)
        for t in 0..<batch.fitCount where active?[t] ?? true {
            let p = parameters[(t * P)..<((t + 1) * P)]
            let c = Array(offsetCoefficients[(t * (M + 1))..<((t + 1) * (M + 1))])
            var g = ArraySlice([Double](repeating: 0, count: P))
            var gc = [Double](repeating: 0, count: M)
            var network = ReferenceNetwork(architecture: batch.architecture)
            var total = 0.0
            for (events, terms) in [(batch.shared, batch.sharedTerms(fit: t)), (batch.own[t], batch.ownTerms[t])] {
                total += Self.accumulate(network: &network, parameters: p, events: events, terms: terms,
                                         loss: batch.loss, coefficients: c, gradient: &g, basisGradient: &gc)
            }
            loss[t] = total
            for k in 0..<P { gradient[t * P + k] = g[k] }
            for m in 0..<M { basisGradient[t * M + m] = gc[m] }
        }
    }

    /// Adds the loss terms ℓ_i of `events` (`LossKind.term`) to the returned sum, their gradient
    /// to `gradient`, and Σ_i (∂ℓ_i/∂f)·basis_m(i) to `basisGradient[m − 1]`. The offset of event i
    /// is offset_i + c_0 + Σ_m c_m·basis_m(i) (`EventTerms`).
    static func accumulate(network: inout ReferenceNetwork, parameters p: ArraySlice<Double>, events: EventSet,
                           terms: EventTerms, loss: LossKind, coefficients c: [Double],
                           gradient: inout ArraySlice<Double>, basisGradient: inout [Double]) -> Double {
        var sum = 0.0
        var x = [Double](repeating: 0, count: events.dimension)
        for i in 0..<events.count {
            let a = Double(terms.a[i]), b = Double(terms.b[i])
            if a == 0 && b == 0 { continue }
            for k in 0..<events.dimension { x[k] = Double(events.value(event: i, feature: k)) }
            let f = network.forward(p, input: x)
            var offset = Double(terms.offset?[i] ?? 0) + c[0]
            for (m, column) in terms.basis.enumerated() { offset += c[m + 1] * Double(column[i]) }
            let term = loss.term(f: f, a: a, b: b, offset: offset)
            sum += term.value
            network.backward(p, upstream: term.derivative, into: &gradient)
            for (m, column) in terms.basis.enumerated() { basisGradient[m] += term.derivative * Double(column[i]) }
        }
        return sum
    }
}
