import Foundation
import NPLMCore
import NPLMEngines

/// Measures how a fast engine agrees with the Double reference engine on one batch: loss and
/// gradient at the initial parameters, then t and the parameters after the same training. What
/// `nplm crossval` runs on a new device, and returns as a record.
public struct EngineAgreement: Sendable, Codable {
    /// One compared quantity: its largest difference from the reference engine and its tolerance.
    public struct Row: Sendable, Codable {
        public var name: String
        public var difference: Double
        public var tolerance: Double
        public var passed: Bool { difference <= tolerance }
    }

    /// Loss, gradient, final t, final parameters, in that order.
    public var rows: [Row]
    public var tolerances: BackendTolerances
    public var referenceSeconds: Double
    public var candidateSeconds: Double
    public var passed: Bool { rows.allSatisfy(\.passed) }

    /// Compares `engine` (loss and gradient) and `backend` (training; it may be the engine's host
    /// loop or a device backend) with the reference engine on `batch`.
    public static func measure(batch: FitBatch, engine: LossEngine, backend: TrainingBackend, initialParameters: [Double],
                               options: TrainingOptions, tolerances: BackendTolerances) throws -> EngineAgreement {
        let T = batch.fitCount, P = batch.parameterCount
        var referenceLoss = [Double](repeating: 0, count: T), referenceGradient = [Double](repeating: 0, count: T * P)
        var loss = referenceLoss, gradient = referenceGradient
        let reference = ReferenceEngine(batch: batch)
        try reference.lossAndGradient(parameters: initialParameters, active: nil, loss: &referenceLoss, gradient: &referenceGradient)
        try engine.lossAndGradient(parameters: initialParameters, active: nil, loss: &loss, gradient: &gradient)
        var lossDifference = 0.0, gradientDifference = 0.0
        for t in 0..<T {
            let fit = (t * P)..<((t + 1) * P)
            lossDifference = max(lossDifference, BackendTolerances.relativeDifference(loss[t], referenceLoss[t]))
            gradientDifference = max(gradientDifference, BackendTolerances.largestDifference(gradient[fit], referenceGradient[fit]))
        }

        let start = Date()
        let expected = try Trainer.train(backend: HostTrainingLoop(engine: reference, clipping: options.clipping),
                                         initialParameters: initialParameters, options: options)
        let referenceSeconds = Date().timeIntervalSince(start)
        let candidateStart = Date()
        let outcomes = try Trainer.train(backend: backend, initialParameters: initialParameters, options: options)
        let candidateSeconds = Date().timeIntervalSince(candidateStart)
        var tDifference = 0.0, parameterDifference = 0.0
        for (r, o) in zip(expected, outcomes) {
            if r.diverged != o.diverged { tDifference = .infinity; continue }
            if !r.diverged { tDifference = max(tDifference, BackendTolerances.statisticDifference(o.t, r.t)) }
            parameterDifference = max(parameterDifference, BackendTolerances.largestDifference(o.finalParameters, r.finalParameters))
        }
        let rows = [
            Row(name: "loss at the initial parameters (relative)", difference: lossDifference, tolerance: tolerances.loss),
            Row(name: "gradient (relative to the largest component)", difference: gradientDifference, tolerance: tolerances.gradient),
            Row(name: "final t (relative; absolute below 1)", difference: tDifference, tolerance: tolerances.t),
            Row(name: "final parameters (relative to the largest)", difference: parameterDifference, tolerance: tolerances.parameters),
        ]
        return EngineAgreement(rows: rows, tolerances: tolerances, referenceSeconds: referenceSeconds,
                               candidateSeconds: candidateSeconds)
    }
}
