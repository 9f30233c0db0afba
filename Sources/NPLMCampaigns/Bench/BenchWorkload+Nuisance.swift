import Foundation
import NPLMCore
import NPLMData
import NPLMEngines
import NPLMMethods

// MARK: - The 1-D workload with nuisance parameters

extension BenchWorkload {
    /// The nuisances of `oneDNuisance`: the benchmark's scale (a shape nuisance, quadratic: the two
    /// offset-basis columns δ_1, δ_2) and normalisation, σ = 0.15 each (`Benchmark1D.defaultNuisanceSigma`,
    /// D'Agnolo et al., Imperfect Machine, §3). The exact δ_k of the scale effect stand in for learned δ̂: a learned quadratic
    /// model fills the same two columns once, before training, so an epoch costs the same.
    public static let nuisanceSettings = NuisanceSettings(scaleSigma: Benchmark1D.defaultNuisanceSigma,
                                                                  normalizationSigma: Benchmark1D.defaultNuisanceSigma, shapeOrder: 2)

    /// Whether the fits of this workload carry nuisance parameters (their gradient source is
    /// `NuisanceGradients`).
    public var hasNuisances: Bool { self == .oneDNuisance }

    /// The training backend of this workload's batch on `choice`, from the one engine factory: the
    /// plain backend (Adam on an OpenCL device where it can), or for the nuisance workload the loop
    /// below over the choice's loss engine. `notice` hears an OpenCL device announced.
    public func trainingBackend(on choice: EngineChoice, batch: FitBatch, notice: (String) -> Void = { _ in }) throws -> TrainingBackend {
        guard hasNuisances else { return try BackendFactory.make(choice, batch: batch, clipping: clipping, notice: notice) }
        return try trainingBackend(engine: try BackendFactory.engine(choice, batch: batch, notice: notice))
    }

    /// The training backend of this workload's batch on `engine`: the host loop over the engine
    /// (network only) or over the nuisance fits' gradients (network and ν by the same Adam, ∂L/∂ν
    /// from the engine's one fused pass).
    /// Fits alternate as in `nplm toys --nuisances`: fit 2j is τ of toy j, fit 2j + 1 its Δ (f ≡ 0,
    /// ν only), both with the toy's ν̂ drawn at ν* = 0.
    public func trainingBackend(engine: LossEngine, seed: UInt64 = 1) throws -> TrainingBackend {
        guard hasNuisances else { return HostTrainingLoop(engine: engine, clipping: clipping) }
        let settings = Self.nuisanceSettings, T = engine.batch.fitCount
        let centrals = (0..<T).map { settings.centralValues(truth: [0, 0], seed: seed, toy: UInt32($0 / 2)) }
        let gradients = NuisanceGradients(engine: engine, model: try settings.model(), centrals: centrals,
                                          trainsNetwork: Array(NuisanceTest.trainsNetwork(tests: (T + 1) / 2).prefix(T)))
        return HostTrainingLoop(source: gradients, clipping: clipping)
    }

    /// The τ and Δ fits of ⌈T/2⌉ toys of the 1-D benchmark, cut to T fits, with their offset basis,
    /// and the initial parameters (P + 2 per fit: τ from the toy's network, Δ from zero; ν = 0).
    func nuisanceBatch(fits: Int, referenceSize: Int, seed: UInt64) -> (batch: FitBatch, initialParameters: [Double]) {
        let architecture = self.architecture, tests = (fits + 1) / 2
        let benchmark = Benchmark1D(expectedBackground: expectedData, referenceSize: referenceSize)
        let reference = benchmark.reference(seed: seed)
        let model = try! Self.nuisanceSettings.model()
        let weights = ReferenceWeights.uniform(total: expectedData, referenceCount: referenceSize)
        let pairs = try! NuisanceTest.batch(architecture: architecture, model: model, reference: reference, referenceWeights: weights,
                                            referenceBasis: try! model.basis(for: reference, source: "the reference"),
                                            data: (0..<tests).map { benchmark.data(seed: seed, toy: UInt32($0)).events },
                                            dataSource: { "toy \($0)" })
        let batch = FitBatch(architecture: architecture, shared: pairs.shared, sharedTerms: pairs.sharedTerms,
                             own: Array(pairs.own.prefix(fits)), ownTerms: Array(pairs.ownTerms.prefix(fits)))
        let networks = (0..<tests).map { architecture.initialParameters(seed: seed, toy: UInt32($0)) }
        let initial = NuisanceTest.initialParameters(networks: networks, model: model)
        return (batch, Array(initial.prefix(fits * (architecture.parameterCount + model.count))))
    }
}
