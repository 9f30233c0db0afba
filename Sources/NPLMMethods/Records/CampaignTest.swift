import NPLMData

/// What the toys of a campaign are and how each is tested — benchmark × model × test, as enums
/// that hold only the combinations nplm trains (the kernel model and the nuisances on the 1-D
/// benchmark only, the two-sample test with the network only).
public enum CampaignTest: Hashable, Sendable {
    /// The NPLM test t_B(A): Poisson data against the shared reference of a built-in benchmark
    /// (`--preset nplm`).
    case nplm(NPLMBenchmark)
    /// The two-sample test of 1-D samples A and B by the network (`--preset symmetric`):
    /// the symmetrized t_{A+B} or the cross-entropy t^δ (Bressler et al., Symmetrized Approach).
    case twoSample(SymmetricToys, TwoSampleStatistic)
}

/// A built-in benchmark of the NPLM test, with the models that fit it.
public enum NPLMBenchmark: Hashable, Sendable {
    /// The 1-D benchmark e^{−x} of D'Agnolo et al., fitted by any model.
    case oneD(Benchmark1D, NPLMModel)
    /// The Gaussian mixture in d = 4…30 features, fitted by the network.
    case gaussianMixture(GaussianMixtureBenchmark)
    /// Null toys of a user's reference sample, fitted by the network or the kernel model (no nuisances).
    case userSample(UserSampleToys, NPLMModel)

    /// The benchmark whose toys are drawn.
    public var toys: NPLMToyBenchmark {
        switch self {
        case .oneD(let benchmark, _): return benchmark
        case .gaussianMixture(let mixture): return mixture
        case .userSample(let toys, _): return toys
        }
    }
}

/// The model of an NPLM test on the 1-D benchmark.
public enum NPLMModel: Hashable, Sendable {
    /// The network: t = −2 min L (D'Agnolo et al., Imperfect Machine).
    case network
    /// The network with nuisance parameters: t = τ − Δ (D'Agnolo et al., Imperfect Machine, §3).
    case networkWithNuisances(NuisanceSettings)
    /// The Gaussian-kernel model with Nyström centres (Letizia et al., Eur. Phys. J. C 82 (2022) 879).
    case kernel(KernelOptions)
}
