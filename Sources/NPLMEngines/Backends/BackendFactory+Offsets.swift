import NPLMCore

/// Backends for fits whose loss is more than the engine's batch: the fits with nuisance parameters,
/// whose offsets move with parameters of their own (d'Agnolo et al., "Learning new physics from an
/// imperfect machine", eq. 24–25). The engine is the one `make` chooses (the same device policy,
/// notices and fallbacks); the host training loop trains it through a `GradientSource` built on it.
extension BackendFactory {
    /// The loss engine `request` chooses for `batch`: the engine of the backend `make` builds.
    public static func makeEngine(_ request: BackendRequest, batch: FitBatch, notice: (String) -> Void = { _ in }) throws -> LossEngine {
        let backend = try make(request, batch: batch, clipping: nil, notice: notice)
        guard let engine = backend.lossEngine else { preconditionFailure("the backend \(backend.name) has no loss engine") }
        return engine
    }

    /// The host training loop over the gradient source `gradients` makes from the engine `request`
    /// chooses for `batch`. `clipping`: the clipping whose mask is made at once (`HostTrainingLoop`).
    public static func make(_ request: BackendRequest, batch: FitBatch, clipping: WeightClipping?,
                            gradients: (LossEngine) throws -> GradientSource,
                            notice: (String) -> Void = { _ in }) throws -> TrainingBackend {
        HostTrainingLoop(source: try gradients(try makeEngine(request, batch: batch, notice: notice)), clipping: clipping)
    }
}
