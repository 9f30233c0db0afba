/// A batch of T exp-linear fits (the NPLM loss of D'Agnolo et al., Imperfect Machine, eq. 28–29, with
/// per-event coefficients) over events stored once.
///
/// Every fit sees two blocks of events:
/// - the **shared** events, stored once for the whole batch (the reference sample R of a toy
///   campaign, or the pooled A∪B of a symmetrized or permutation test), with terms that are either
///   one `EventTerms` used by every fit (`sharedTerms.count == 1`) or one per fit
///   (`sharedTerms.count == T`: the two fits of the symmetrized test, the relabelings of a
///   permutation test);
/// - its **own** events (the data of one toy), with its own terms; possibly empty.
///
/// Fit t minimises
///
///     L_t(w) = Σ_{i ∈ shared ∪ own_t} a_i·(exp(f_w(x_i) + o_i) − 1) − b_i·(f_w(x_i) + o_i)
///
/// and its test statistic is t = −2 · min L_t. With `loss == .logistic` the per-event term is the
/// cross-entropy form of `LossKind` instead.
public struct FitBatch: Sendable {
    public let architecture: Architecture
    /// The per-event loss every fit of the batch uses.
    public let loss: LossKind
    public let shared: EventSet
    public let sharedTerms: [EventTerms]
    public let own: [EventSet]
    public let ownTerms: [EventTerms]
    /// M, the number of offset-basis columns of every block (`EventTerms.basis`); 0 without nuisances.
    public let basisCount: Int

    public init(architecture: Architecture, shared: EventSet, sharedTerms: [EventTerms],
                own: [EventSet], ownTerms: [EventTerms], loss: LossKind = .expLinear) {
        let fits = own.count
        precondition(fits >= 1, "a batch holds at least one fit")
        precondition(ownTerms.count == fits)
        precondition(sharedTerms.count == 1 || sharedTerms.count == fits)
        precondition(shared.dimension == architecture.inputDimension)
        precondition(sharedTerms.allSatisfy { $0.count == shared.count })
        precondition(zip(own, ownTerms).allSatisfy { $0.count == $1.count && $0.dimension == architecture.inputDimension })
        let columns = (sharedTerms + ownTerms).map(\.basis.count).max() ?? 0
        precondition((sharedTerms + ownTerms).allSatisfy { $0.basis.count == columns || ($0.count == 0 && $0.basis.isEmpty) },
                     "every block of events carries the same number of offset-basis columns")
        basisCount = columns
        self.architecture = architecture
        self.loss = loss
        self.shared = shared
        self.sharedTerms = sharedTerms
        self.own = own
        self.ownTerms = ownTerms
    }

    /// A batch whose fits all use the shared events only, each with its own terms.
    public init(architecture: Architecture, pool: EventSet, terms: [EventTerms], loss: LossKind = .expLinear) {
        self.init(architecture: architecture, shared: pool, sharedTerms: terms,
                  own: Array(repeating: .empty(dimension: pool.dimension), count: terms.count),
                  ownTerms: Array(repeating: EventTerms(a: [], b: []), count: terms.count), loss: loss)
    }

    public var fitCount: Int { own.count }
    public var parameterCount: Int { architecture.parameterCount }

    /// The terms fit t uses over the shared events.
    public func sharedTerms(fit t: Int) -> EventTerms {
        sharedTerms.count == 1 ? sharedTerms[0] : sharedTerms[t]
    }

    /// Events seen by fit t.
    public func eventCount(fit t: Int) -> Int { shared.count + own[t].count }

    /// The scale of fit t's loss, S = Σ_i a_i + b_i over its events (N(R₀) + N_D for NPLM, N_A + N_B
    /// for the two-sample fits): the tolerance of `TestStatistic.isBelowAttainable`.
    public func lossScale(fit t: Int) -> Double {
        let shared = sharedTerms(fit: t), own = ownTerms[t]
        return [shared.a, shared.b, own.a, own.b].reduce(0.0) { sum, values in values.reduce(sum) { $0 + Double($1) } }
    }

    /// Events over all fits (shared events counted once per fit): the "points" of a point-epoch.
    public var totalFitEvents: Int { (0..<fitCount).reduce(0) { $0 + eventCount(fit: $1) } }
}
