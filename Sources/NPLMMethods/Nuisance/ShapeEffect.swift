import NPLMCore

/// The shape effect of one nuisance parameter ν on the reference density, as a Taylor expansion of
/// its log-ratio (d'Agnolo, Grosso, Pierini, Wulzer, Zanetti, "Learning new physics from an
/// imperfect machine", eq. 14):
///
///     log r(x; ν) = Σ_{k=1..order} ν^k / k! · δ_k(x)
///
/// The coefficients δ_k are either learned (frozen networks trained on samples at a few ν points,
/// eq. 17 of the same paper) or known exactly (the built-in 1-D scale nuisance). A fit with
/// nuisances evaluates them once per event and keeps them fixed while ν is trained.
public protocol ShapeEffect: Sendable {
    /// The number of Taylor coefficients, 1 to 4.
    var order: Int { get }
    /// The dimension of the events the coefficients take.
    var inputDimension: Int { get }
    /// δ_k(x_i) for k = 1 … order at every event: `order` arrays of `events.count` values
    /// (result[k − 1][i] = δ_k(x_i)).
    func coefficients(for events: EventSet) throws -> [[Double]]
}
