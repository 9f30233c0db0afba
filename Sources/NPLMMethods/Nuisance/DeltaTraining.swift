import Foundation
import NPLMCore

/// What a δ̂ training produced: the networks and the loss along the way.
public struct DeltaTrainingResult: Sendable {
    public var networks: DeltaNetworks
    public var initialLoss: Double
    public var finalLoss: Double
    /// (epoch, loss) every `historyEvery` epochs and at the last epoch.
    public var history: [HistoryPoint]
}

/// Trains the coefficient networks δ̂_1 … δ̂_order with the loss of eq. 17 of "Learning new physics
/// from an imperfect machine" (d'Agnolo et al.): full batch over every sample of every point, one
/// Adam step of all networks per epoch (Keras' Adam, as every nplm fit), optional weight clipping —
/// the one host training loop over the δ̂ networks' gradient source (`DeltaGradients`), scheduled
/// by `Trainer`. A training that diverges (a non-finite loss or gradient) is refused.
public enum DeltaTraining {
    public static func train(data: ShapeTrainingData, architecture: Architecture, order: Int, options: TrainingOptions,
                             seed: UInt64, threads: Int = 1, progress: ((Int) -> Void)? = nil) throws -> DeltaTrainingResult {
        guard architecture.inputDimension == data.inputDimension else {
            throw NPLMError.invalidArgument(
                "architecture \(architecture) takes \(architecture.inputDimension) input feature(s) but the samples have \(data.inputDimension) per event: make the first layer width \(data.inputDimension)")
        }
        guard options.epochs >= 1 else { throw NPLMError.invalidArgument("the δ̂ training needs at least one epoch, got \(options.epochs)") }
        try DeltaNetworks.checkOrder(order)
        try DeltaNetworks.checkOrder(order, points: data.points.map(\.nu))
        let initial = try DeltaNetworks.initial(architecture: architecture, order: order, seed: seed)
        let loop = HostTrainingLoop(source: DeltaGradients(data: data, architecture: architecture, order: order, threads: threads),
                                    clipping: options.clipping)
        let run = try Trainer.run(backend: loop, initialParameters: initial.parameters, options: options, progressEvery: 1,
                                  stopWhenAllDiverge: true, progress: progress)
        let outcome = run.outcomes[0]
        if let epoch = outcome.divergedAt {
            // Diverged at state epoch e: the loss after e steps, i.e. at epoch e + 1 (1-based), or
            // after the last step.
            throw NPLMError.invalidArgument(epoch < options.epochs
                ? "the δ̂ training diverged at epoch \(epoch + 1) (non-finite loss or gradient): lower the learning rate"
                : "the δ̂ training diverged at its last epoch (non-finite loss): lower the learning rate")
        }
        let networks = try DeltaNetworks(architecture: architecture, order: order, parameters: outcome.finalParameters)
        return DeltaTrainingResult(networks: networks, initialLoss: run.initialLosses[0], finalLoss: outcome.finalLoss,
                                   history: outcome.history)
    }

    /// Trains and returns the model file: the networks with the points and the settings of the
    /// training (`source` "builtin-scale" or "files", with the sample `files`).
    public static func model(data: ShapeTrainingData, architecture: Architecture, order: Int, options: TrainingOptions,
                             seed: UInt64, source: String, files: [String]? = nil, threads: Int = 1,
                             progress: ((Int) -> Void)? = nil) throws -> DeltaModelFile {
        let result = try train(data: data, architecture: architecture, order: order, options: options, seed: seed,
                               threads: threads, progress: progress)
        let settings = DeltaTrainingSettings(source: source, files: files, data: data, options: options, seed: seed, result: result)
        return DeltaModelFile(networks: result.networks, points: data.nus, training: settings)
    }
}

// MARK: - The built-in 1-D scale nuisance

/// The scale nuisance of the 1-D benchmark (x → e^{ν}·x on b₀(x) = e^{−x}; d'Agnolo et al. eq. 26
/// and 30): the samples of its δ̂ training (its exact log-ratio is `ScaleShapeEffect.exactLogRatio`).
public enum ScaleNuisance1D {
    /// The training (or check) samples at `nus`: for point i, S₀ holds `events` draws of e^{ν_i}·Exp(1)
    /// from the stream (seed, i, nuisanceVaried) and S₁ `events` draws of Exp(1) from
    /// (seed, i, nuisanceCentral); every sample's weights sum to `expected` (the scale leaves
    /// N(R_ν) = N(R₀)).
    public static func samples(nus: [Double], events: Int, expected: Double? = nil, seed: UInt64) throws -> ShapeTrainingData {
        try ShapeTrainingData.checkPoints(nus)
        guard events >= 1 else { throw NPLMError.invalidArgument("the built-in scale nuisance needs at least one event per sample, got \(events)") }
        let total = expected ?? Double(events)
        let points = try nus.enumerated().map { index, nu -> (nu: Double, varied: WeightedSample, central: WeightedSample) in
            var variedStream = RandomStream(seed: seed, toy: UInt32(index), purpose: .nuisanceVaried)
            var centralStream = RandomStream(seed: seed, toy: UInt32(index), purpose: .nuisanceCentral)
            let scale = Foundation.exp(nu)
            let varied = EventSet((0..<events).map { _ in Float(scale * variedStream.exponential()) })
            let central = EventSet((0..<events).map { _ in Float(centralStream.exponential()) })
            return (nu, try WeightedSample(events: varied, total: total), try WeightedSample(events: central, total: total))
        }
        return try ShapeTrainingData(points: points)
    }
}
