import NPLMCore

/// Schedules the epochs of a batch: advances the backend from checkpoint to checkpoint, records
/// the loss there, and returns one outcome per fit. Every training of nplm runs here — the networks
/// of a batch, a network with its nuisance parameters, the δ̂ networks of a shape nuisance — on the
/// one host training loop (`HostTrainingLoop`) or a device backend that gives the same results.
public enum Trainer {
    /// One training's outcomes and the loss of every fit at its initial parameters.
    public struct Run: Sendable {
        public var outcomes: [FitOutcome]
        public var initialLosses: [Double]
    }

    public static func train(backend: TrainingBackend, initialParameters: [Double], options: TrainingOptions,
                             progress: ((Int) -> Void)? = nil) throws -> [FitOutcome] {
        try run(backend: backend, initialParameters: initialParameters, options: options, progress: progress).outcomes
    }

    /// Trains as `train` does. `progress` receives the epoch at every checkpoint and, when
    /// `progressEvery` > 0, every `progressEvery` epochs too (the training is the same: a backend's
    /// epochs do not depend on where `advance` stops). `stopWhenAllDiverge`: end the training at
    /// the first stop where every fit has diverged (its outcomes then end there, with no progress
    /// reported for that stop).
    public static func run(backend: TrainingBackend, initialParameters: [Double], options: TrainingOptions,
                           progressEvery: Int = 0, stopWhenAllDiverge: Bool = false, progress: ((Int) -> Void)? = nil) throws -> Run {
        let T = backend.fitCount
        var state = TrainingState(parameters: initialParameters, fitCount: T)
        var history = [[HistoryPoint]](repeating: [], count: T)
        let initialLosses = try backend.losses(state)
        var lastLoss = initialLosses
        let checkpoints = options.checkpoints
        var stops = checkpoints
        if progressEvery > 0 && progress != nil {
            stops = Array(Set(checkpoints).union(stride(from: progressEvery, through: options.epochs, by: progressEvery))).sorted()
        }
        var nextCheckpoint = 0
        for stop in stops {
            try backend.advance(&state, epochs: stop - state.epoch, optimizer: options.optimizer, clipping: options.clipping)
            if stopWhenAllDiverge && state.divergedAt.allSatisfy({ $0 != nil }) { break }
            if nextCheckpoint < checkpoints.count && checkpoints[nextCheckpoint] == stop {
                nextCheckpoint += 1
                lastLoss = try backend.losses(state)
                for t in 0..<T {
                    // A fit whose final parameters give a non-finite loss has diverged too.
                    if state.divergedAt[t] == nil && !lastLoss[t].isFinite { state.divergedAt[t] = state.epoch }
                    history[t].append(HistoryPoint(epoch: stop, loss: state.divergedAt[t] == nil ? lastLoss[t] : .nan))
                }
            }
            progress?(stop)
        }
        // A fit that ended far below any attainable t (a runaway whose loss stayed finite) is
        // flagged as diverged at its last epoch, its last checkpoint's loss NaN like a divergence's.
        if let batch = backend.lossEngine?.batch, batch.fitCount == T, state.epoch == options.epochs {
            for t in 0..<T where state.divergedAt[t] == nil
                && TestStatistic.isBelowAttainable(finalLoss: lastLoss[t], initialLoss: initialLosses[t], scale: batch.lossScale(fit: t)) {
                state.divergedAt[t] = state.epoch
                if let last = history[t].indices.last, history[t][last].epoch >= state.epoch { history[t][last].loss = .nan }
            }
        }
        let P = state.parameterCount
        let outcomes = (0..<T).map { t in
            // A diverged fit's statistic is reported as +∞ (the loss ran away), never dropped.
            let diverged = state.divergedAt[t]
            let loss = diverged == nil ? lastLoss[t] : .nan
            return FitOutcome(t: diverged == nil ? TestStatistic.t(loss: loss) : .infinity, finalLoss: loss,
                              history: history[t], divergedAt: diverged,
                              initialParameters: Array(initialParameters[(t * P)..<((t + 1) * P)]),
                              finalParameters: Array(state.parameters(fit: t)))
        }
        return Run(outcomes: outcomes, initialLosses: initialLosses)
    }
}
