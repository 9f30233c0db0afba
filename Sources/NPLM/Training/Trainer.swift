/// What a training run does: epochs, optimizer, clipping, history.
public struct TrainingOptions: Hashable, Codable, Sendable {
    public var epochs: Int
    /// Record the loss every this many epochs (and at the last epoch). 0: final loss only.
    public var historyEvery: Int
    public var optimizer: Adam
    public var clipping: WeightClipping?

    public init(epochs: Int, historyEvery: Int = 0, optimizer: Adam = Adam(), clipping: WeightClipping? = nil) {
        self.epochs = epochs
        self.historyEvery = historyEvery
        self.optimizer = optimizer
        self.clipping = clipping
    }

    /// The epochs at which the loss is recorded: K, 2K, … and the last epoch.
    public var checkpoints: [Int] {
        var epochs: [Int] = []
        if historyEvery > 0 { epochs = Array(stride(from: historyEvery, to: self.epochs, by: historyEvery)) }
        if self.epochs > 0 { epochs.append(self.epochs) }
        return epochs
    }
}

/// The outcome of one fit.
public struct FitOutcome: Sendable, Equatable {
    /// The test statistic t = −2 × the loss at the final parameters (non-finite if diverged).
    public var t: Double
    public var finalLoss: Double
    /// (epoch, loss) at every checkpoint.
    public var history: [HistoryPoint]
    /// Epoch at which the loss became non-finite, or nil.
    public var divergedAt: Int?
    public var initialParameters: [Double]
    public var finalParameters: [Double]

    public var diverged: Bool { divergedAt != nil }
}

public struct HistoryPoint: Codable, Sendable, Equatable {
    public var epoch: Int
    public var loss: Double
}

/// Schedules the epochs of a batch: advances the backend from checkpoint to checkpoint, records
/// the loss there, and returns one outcome per fit.
public enum Trainer {
    public static func train(backend: TrainingBackend, initialParameters: [Double], options: TrainingOptions,
                             progress: ((Int) -> Void)? = nil) throws -> [FitOutcome] {
        let T = backend.batch.fitCount
        var state = TrainingState(parameters: initialParameters, fitCount: T)
        var history = [[HistoryPoint]](repeating: [], count: T)
        var lastLoss = try backend.losses(state)
        for checkpoint in options.checkpoints {
            try backend.advance(&state, epochs: checkpoint - state.epoch, optimizer: options.optimizer, clipping: options.clipping)
            lastLoss = try backend.losses(state)
            for t in 0..<T {
                // A fit whose final parameters give a non-finite loss has diverged too.
                if state.divergedAt[t] == nil && !lastLoss[t].isFinite { state.divergedAt[t] = state.epoch }
                history[t].append(HistoryPoint(epoch: checkpoint, loss: state.divergedAt[t] == nil ? lastLoss[t] : .nan))
            }
            progress?(checkpoint)
        }
        let P = state.parameterCount
        return (0..<T).map { t in
            // A diverged fit's statistic is reported as +∞ (the loss ran away), never dropped.
            let diverged = state.divergedAt[t]
            let loss = diverged == nil ? lastLoss[t] : .nan
            return FitOutcome(t: diverged == nil ? TestStatistic.t(loss: loss) : .infinity, finalLoss: loss,
                              history: history[t], divergedAt: diverged,
                              initialParameters: Array(initialParameters[(t * P)..<((t + 1) * P)]),
                              finalParameters: Array(state.parameters(fit: t)))
        }
    }
}
