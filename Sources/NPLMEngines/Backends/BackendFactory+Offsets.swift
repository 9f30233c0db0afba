import NPLMCore

/// Backends for fits whose loss is more than the engine's batch: the fits with nuisance parameters,
/// whose offsets move with parameters of their own (d'Agnolo et al., "Learning new physics from an
/// imperfect machine", eq. 24–25). The engine is the one the device policy chooses (the same
/// notices and fallbacks as every model); the host training loop trains it through a
/// `GradientSource` built on it.
extension BackendFactory {
    /// The host training loop over the gradient source `gradients` makes from the engine `request`
    /// chooses for `batch`. `clipping`: the clipping whose mask is made at once (`HostTrainingLoop`).
    public static func make(_ request: BackendRequest, batch: FitBatch, clipping: WeightClipping?,
                            gradients: (LossEngine) throws -> GradientSource,
                            notice: (String) -> Void = { _ in }) throws -> TrainingBackend {
        try make(request, batch: batch, notice: notice) { HostTrainingLoop(source: try gradients($0), clipping: clipping) }
    }
}
