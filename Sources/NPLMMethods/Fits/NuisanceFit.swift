import NPLMCore
import NPLMEngines

/// The NPLM test of a user's data against a reference sample with nuisance parameters
/// (d'Agnolo et al., "Learning new physics from an imperfect machine", eq. 11–13 and 24–27):
/// τ = −2 min over (w, ν), Δ = −2 min over ν with f ≡ 0, both fits in one batch, t = τ − Δ,
/// judged against χ²_P (the network's parameters: the nuisances cancel between τ and Δ, §2.5;
/// P − 1 when the normalisation is the observed count, as for `NPLMFit`).
///
/// `central` are the auxiliary measurements ν̂ (in the units of ν). The fit starts from the network
/// of (seed, toy 0) and ν = 0, so that it is reproducible from its seed.
public struct NuisanceFit {
    public var architecture: Architecture
    public var data: EventSet
    public var reference: EventSet
    public var weights: ReferenceWeights
    public var model: NuisanceModel
    public var central: [Double]
    public var training: TrainingOptions
    public var seed: UInt64
    public var backend: BackendRequest
    /// How the nuisances were specified, saved with the model (`Result.model`) so that `nplm eval`
    /// can rebuild them; nil: no model is made.
    public var settings: NuisanceSettings?

    public init(architecture: Architecture, data: EventSet, reference: EventSet, weights: ReferenceWeights, model: NuisanceModel,
                central: [Double], training: TrainingOptions, seed: UInt64 = 1, backend: BackendRequest = BackendRequest()) {
        precondition(weights.values.count == reference.count, "one reference weight per reference event")
        self.architecture = architecture
        self.data = data
        self.reference = reference
        self.weights = weights
        self.model = model
        self.central = central
        self.training = training
        self.seed = seed
        self.backend = backend
    }

    /// The fit's outcome: the record (τ, Δ, t = τ − Δ, the fitted ν and pulls), the model, the backend.
    public struct Result: Sendable {
        public var outcome: NuisanceTest.Outcome
        /// The record of `nplm fit --output`: t = τ − Δ, dof, p and Z, and the nuisance part (τ,
        /// Δ, ν̂, the fitted ν of both fits, pulls).
        public var record: FitRecord
        public var dof: Int
        /// The model `nplm eval` reads back (nil without `settings`, or when a fit diverged).
        public var model: SavedModel?
        public var backendName: String
    }

    public var degreesOfFreedom: Int { weights.degreesOfFreedom(architecture) }

    /// Trains the τ and Δ fits. `dataLabel` and `referenceLabel` name the samples in errors (a
    /// shape effect that does not take their features); `notice` receives one-line messages.
    public func run(dataLabel: ErrorText = "the data", referenceLabel: ErrorText = "the reference",
                    notice: (String) -> Void = { _ in }) throws -> Result {
        guard central.count == model.count else {
            throw NPLMError.invalidArgument("give one auxiliary central value per nuisance (\(model.count): \(model.names.joined(separator: ","))), got \(central.count)")
        }
        if let i = central.firstIndex(where: { !$0.isFinite }) {
            throw NPLMError.invalidArgument("the central value of nuisance '\(model.names[i])' is not a finite number")
        }
        try NuisanceRange.check(central, sigmas: model.sigmas, names: model.names, option: "\(Parameter.nuisanceCentral)", symbol: "ν̂",
                                unitsOfSigma: false)
        try weights.validate()
        try TrainingMemory.check(architecture: architecture, fits: 2, events: reference.count + 2 * data.count,
                                 dimension: architecture.inputDimension, options: training)
        let referenceBasis = try model.basis(for: reference, source: referenceLabel)
        let run = try NuisanceTest.run(architecture: architecture, model: model, reference: reference, referenceWeights: weights.values,
                                       referenceBasis: referenceBasis, data: [data], dataSource: { _ in dataLabel },
                                       centrals: [central], networks: [architecture.initialParameters(seed: seed, toy: 0)],
                                       options: training, backend: backend, notice: notice)
        let outcome = run.outcomes[0], dof = degreesOfFreedom
        var record = FitRecord(outcome: outcome.combined, dof: dof, epochs: training.epochs, dataEvents: data.count,
                               referenceEvents: reference.count, seed: seed)
        record.z = TestStatistic.z(t: outcome.t, dof: dof)
        record.nuisances = outcome.record(model: model, truth: nil)
        let saved = settings.flatMap { settings -> SavedModel? in
            guard !outcome.tau.diverged && !outcome.delta.diverged else { return nil }
            return SavedModel(test: .nplm, architecture: architecture, loss: .expLinear, normalisation: weights.normalisation,
                              expectedEvents: weights.expectedEvents, dof: dof, t: outcome.t,
                              parameters: [Array(outcome.tau.finalParameters[..<architecture.parameterCount])],
                              nuisances: SavedNuisances(settings: settings, outcome: outcome))
        }
        return Result(outcome: outcome, record: record, dof: dof, model: saved, backendName: run.backend)
    }
}
