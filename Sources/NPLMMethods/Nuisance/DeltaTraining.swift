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
/// Adam step of all networks per epoch (Keras' Adam, as every nplm fit), optional weight clipping.
public enum DeltaTraining {
    public static func train(data: ShapeTrainingData, architecture: Architecture, order: Int, options: TrainingOptions,
                             seed: UInt64, threads: Int = 1, progress: ((Int) -> Void)? = nil) throws -> DeltaTrainingResult {
        guard architecture.inputDimension == data.inputDimension else {
            throw NPLMError.invalidArgument(
                "architecture \(architecture) takes \(architecture.inputDimension) input feature(s) but the samples have \(data.inputDimension) per event: make the first layer width \(data.inputDimension)")
        }
        guard options.epochs >= 1 else { throw NPLMError.invalidArgument("the δ̂ training needs at least one epoch, got \(options.epochs)") }
        var networks = try DeltaNetworks.initial(architecture: architecture, order: order, seed: seed)
        let count = networks.parameters.count
        var firstMoment = [Double](repeating: 0, count: count), secondMoment = firstMoment
        let clipMask = options.clipping.map { clipping in (0..<order).flatMap { _ in clipping.mask(for: architecture) } }
        let checkpoints = Set(options.checkpoints)
        var history: [HistoryPoint] = []
        var initialLoss = Double.nan
        for epoch in 1...options.epochs {
            let (loss, gradient) = DeltaLoss.valueAndGradient(networks: networks, data: data, threads: threads)
            if epoch == 1 { initialLoss = loss }
            guard loss.isFinite, gradient.allSatisfy(\.isFinite) else {
                throw NPLMError.invalidArgument("the δ̂ training diverged at epoch \(epoch) (non-finite loss or gradient): lower the learning rate")
            }
            // The loss recorded at epoch e is the loss before step e + 1, i.e. after e steps.
            if checkpoints.contains(epoch - 1) { history.append(HistoryPoint(epoch: epoch - 1, loss: loss)) }
            var parameters = networks.parameters[...]
            var m = firstMoment[...], v = secondMoment[...]
            options.optimizer.update(parameters: &parameters, firstMoment: &m, secondMoment: &v, gradient: gradient[...],
                                     stepSize: options.optimizer.stepSize(step: epoch))
            networks.parameters = Array(parameters)
            firstMoment = Array(m)
            secondMoment = Array(v)
            if let clipping = options.clipping, let clipMask {
                for index in 0..<count where clipMask[index] { networks.parameters[index] = clipping.clamp(networks.parameters[index]) }
            }
            progress?(epoch)
        }
        let finalLoss = DeltaLoss.value(networks: networks, data: data, threads: threads)
        guard finalLoss.isFinite else {
            throw NPLMError.invalidArgument("the δ̂ training diverged at its last epoch (non-finite loss): lower the learning rate")
        }
        history.append(HistoryPoint(epoch: options.epochs, loss: finalLoss))
        return DeltaTrainingResult(networks: networks, initialLoss: initialLoss, finalLoss: finalLoss, history: history)
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
