import Foundation
import NPLMCore
import NPLMEngines

/// The test with nuisance parameters, t = τ − Δ (d'Agnolo et al., "Learning new physics from an
/// imperfect machine", eq. 13, 18 and 24–25), for several data samples against one reference:
///
///     τ = −2 min_{w, ν} L(w, ν),    Δ = −2 min_ν L(0, ν),    t = τ − Δ,
///     L(w, ν) = Σ_R w_e (e^{f(x) + o(x; ν)} − 1) − Σ_D (f(x) + o(x; ν)) + A(ν)
///
/// Both fits of a test run in the same batch: fit 2j is τ of sample j, fit 2j + 1 its Δ (a fit
/// whose network is zero and frozen). The reference events, their weights and their offset basis
/// are shared by every fit; the data of sample j are the own events of both its fits.
public enum NuisanceTest {
    /// The batch of the τ and Δ fits of every sample. `referenceBasis` is
    /// `model.basis(for: reference)`, computed once for a campaign.
    public static func batch(architecture: Architecture, model: NuisanceModel, reference: EventSet, referenceWeights: [Float],
                             referenceBasis: [[Float]], data: [EventSet], dataSource: (Int) -> ErrorText) throws -> FitBatch {
        let sharedTerms = EventTerms(a: referenceWeights, b: Array(repeating: 0, count: reference.count), basis: referenceBasis)
        var own: [EventSet] = [], ownTerms: [EventTerms] = []
        for (j, sample) in data.enumerated() {
            let terms = EventTerms.data(count: sample.count).with(basis: try model.basis(for: sample, source: dataSource(j)))
            own += [sample, sample]
            ownTerms += [terms, terms]
        }
        return FitBatch(architecture: architecture, shared: reference, sharedTerms: [sharedTerms], own: own, ownTerms: ownTerms)
    }

    /// Initial parameters of the batch: τ fits start from their network and ν = 0, Δ fits from
    /// f ≡ 0 (all network parameters zero) and ν = 0.
    public static func initialParameters(networks: [[Double]], model: NuisanceModel) -> [Double] {
        networks.flatMap { network in
            network + Array(repeating: 0, count: model.count) + Array(repeating: 0, count: network.count + model.count)
        }
    }

    /// Which fits train their network: τ yes, Δ no.
    public static func trainsNetwork(tests: Int) -> [Bool] {
        (0..<tests).flatMap { _ in [true, false] }
    }

    /// The training backend of `batch` on the engine of `request` (`BackendFactory`): the host
    /// training loop over the fits' `NuisanceGradients`, with the central values ν̂ of every test
    /// (both its fits share them). `clipping`: the clipping whose mask is made at once.
    public static func backend(_ request: BackendRequest, batch: FitBatch, model: NuisanceModel, centrals: [[Double]],
                               clipping: WeightClipping?, notice: (String) -> Void = { _ in }) throws -> TrainingBackend {
        try BackendFactory.make(request, batch: batch, clipping: clipping, gradients: { engine in
            NuisanceGradients(engine: engine, model: model, centrals: centrals.flatMap { [$0, $0] },
                              trainsNetwork: trainsNetwork(tests: centrals.count))
        }, notice: notice)
    }

    /// One test's result.
    public struct Outcome: Sendable {
        public var tau: FitOutcome
        public var delta: FitOutcome
        /// ν̂ of the auxiliary likelihoods.
        public var central: [Double]
        /// The fitted ν of the τ and Δ fits.
        public var tauNuisances: [Double]
        public var deltaNuisances: [Double]
        /// t = τ − Δ (+∞ if either fit diverged).
        public var t: Double { tau.diverged || delta.diverged ? .infinity : TestStatistic.t(tau: tau.t, delta: delta.t) }

        /// One outcome for the record: t, the loss history L_τ − L_Δ (so that −2 × it is τ − Δ at every
        /// checkpoint), diverged at the first fit's divergence, the parameters of τ then of Δ.
        public var combined: FitOutcome {
            let history = tau.history.indices.map { k in
                HistoryPoint(epoch: tau.history[k].epoch, loss: tau.history[k].loss - delta.history[k].loss)
            }
            let divergedAt = [tau.divergedAt, delta.divergedAt].compactMap { $0 }.min()
            return FitOutcome(t: t, finalLoss: divergedAt == nil ? tau.finalLoss - delta.finalLoss : .nan, history: history,
                              divergedAt: divergedAt, initialParameters: tau.initialParameters + delta.initialParameters,
                              finalParameters: tau.finalParameters + delta.finalParameters)
        }

        /// The record of the nuisance part, with pulls (ν_fit − ν̂)/σ.
        public func record(model: NuisanceModel, truth: [Double]?) -> NuisanceRecord {
            let sigmas = model.sigmas
            func pulls(_ nu: [Double]) -> [Double] { nu.indices.map { (nu[$0] - central[$0]) / sigmas[$0] } }
            return NuisanceRecord(names: model.names, sigmas: sigmas, central: central, truth: truth,
                                  tau: tau.t, delta: delta.t, tauNuisances: tauNuisances, deltaNuisances: deltaNuisances,
                                  tauPulls: pulls(tauNuisances), deltaPulls: pulls(deltaNuisances),
                                  tauDiverged: tau.diverged, deltaDiverged: delta.diverged)
        }
    }

    /// The tests' outcomes from the batch's fit outcomes (2 per test, τ first).
    public static func outcomes(_ fits: [FitOutcome], model: NuisanceModel, centrals: [[Double]], parameterCount P: Int) -> [Outcome] {
        centrals.indices.map { j in
            let tau = fits[2 * j], delta = fits[2 * j + 1]
            return Outcome(tau: tau, delta: delta, central: centrals[j],
                           tauNuisances: Array(tau.finalParameters[P...]), deltaNuisances: Array(delta.finalParameters[P...]))
        }
    }

    /// Trains the tests of `data` against the reference and returns their outcomes.
    public static func run(architecture: Architecture, model: NuisanceModel, reference: EventSet, referenceWeights: [Float],
                           referenceBasis: [[Float]], data: [EventSet], dataSource: (Int) -> ErrorText, centrals: [[Double]],
                           networks: [[Double]], options: TrainingOptions, backend request: BackendRequest,
                           notice: (String) -> Void = { _ in }, progress: ((Int) -> Void)? = nil) throws -> (outcomes: [Outcome], backend: String) {
        let batch = try batch(architecture: architecture, model: model, reference: reference, referenceWeights: referenceWeights,
                              referenceBasis: referenceBasis, data: data, dataSource: dataSource)
        let backend = try backend(request, batch: batch, model: model, centrals: centrals, clipping: options.clipping, notice: notice)
        let fits = try Trainer.train(backend: backend, initialParameters: initialParameters(networks: networks, model: model),
                                     options: options, progress: progress)
        return (outcomes(fits, model: model, centrals: centrals, parameterCount: architecture.parameterCount), backend.name)
    }
}

/// The nuisance part of a result line: τ, Δ, the auxiliary central values, the fitted ν of both
/// fits and their pulls (ν_fit − ν̂)/σ; the line's t is τ − Δ.
public struct NuisanceRecord: Codable, Sendable, Equatable {
    public var names: [String]
    public var sigmas: [Double]
    /// ν̂, the central values of the auxiliary likelihoods.
    public var central: [Double]
    /// ν* of a toy's data (nil for user data).
    public var truth: [Double]?
    public var tau: Double
    public var delta: Double
    public var tauNuisances: [Double]
    public var deltaNuisances: [Double]
    public var tauPulls: [Double]
    public var deltaPulls: [Double]
    public var tauDiverged: Bool
    public var deltaDiverged: Bool

    /// t = τ − Δ of the line.
    public var t: Double { TestStatistic.t(tau: tau, delta: delta) }
}
