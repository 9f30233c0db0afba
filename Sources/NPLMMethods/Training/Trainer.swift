import NPLMCore



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
