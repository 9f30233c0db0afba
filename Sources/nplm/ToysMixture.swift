import ArgumentParser
import NPLM

/// `toys --benchmark`: the built-in benchmark of preset nplm.
enum ToyBenchmarkKind: String, CaseIterable, ExpressibleByArgument {
    /// The 1-D benchmark e^{−x} with NP1…NP3 (`Benchmark1D`).
    case oneD = "1d"
    /// The correlated Gaussian mixture in d = 4…30 (`GaussianMixtureBenchmark`).
    case gauss
}

extension ToySignal: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }

    public static var allValueStrings: [String] { names }
}

/// `GaussianMixtureBenchmark.forNetwork`, its refusal as a ValidationError (toys and calibrate).
func gaussianMixture(dimension: Int?, architecture: Architecture, expected: Double, referenceSize: Int,
                     signal: MixtureSignal = .none, strength: Double? = nil) throws -> GaussianMixtureBenchmark {
    do {
        return try GaussianMixtureBenchmark.forNetwork(architecture, dimension: dimension, expected: expected,
                                                       referenceSize: referenceSize, signal: signal, strength: strength)
    } catch {
        throw ValidationError(ParameterFlags.message(error))
    }
}

/// `Benchmark1D.check`, its refusal as a ValidationError.
func checkOneDimensional(_ architecture: Architecture) throws {
    do { try Benchmark1D.check(architecture) } catch { throw ValidationError(ParameterFlags.message(error)) }
}

extension ToysCommand {
    /// The checks of `--benchmark` and its options, with the architecture's input width.
    func validateBenchmark(_ architecture: Architecture) throws {
        switch benchmark {
        case .oneD:
            if dimension != nil || signalStrength != nil {
                throw ValidationError("--dimension and --signal-strength belong to --benchmark gauss")
            }
            if case .mixture(let kind) = signal {
                throw ValidationError("--signal \(kind.rawValue) belongs to --benchmark gauss; the 1-D benchmark's signals are NP1, NP2 and NP3")
            }
            try checkOneDimensional(architecture)
        case .gauss:
            if preset != .nplm { throw ValidationError("--benchmark gauss needs --preset nplm") }
            if model != .network { throw ValidationError("--benchmark gauss trains networks only (no --model kernel yet)") }
            if nuisances != nil { throw ValidationError("--nuisances belongs to the 1-D benchmark, not --benchmark gauss") }
            if signalEvents != nil {
                throw ValidationError("--signal-events belongs to the 1-D benchmark; --benchmark gauss sets its signal with --signal-strength")
            }
            guard let kind = signal.mixture else {
                throw ValidationError("--signal \(signal) belongs to the 1-D benchmark; --benchmark gauss has shift, widen and correlate")
            }
            if kind == .none && signalStrength != nil { throw ValidationError("--signal-strength needs --signal shift, widen or correlate") }
            _ = try mixtureBenchmark(architecture)
        }
    }

    /// The Gaussian-mixture benchmark of the options: d = --dimension (default: the architecture's
    /// input width), the library's default N(R₀) and N_R unless given.
    func mixtureBenchmark(_ architecture: Architecture) throws -> GaussianMixtureBenchmark {
        try gaussianMixture(dimension: dimension, architecture: architecture,
                            expected: expected ?? GaussianMixtureBenchmark.defaultExpectedBackground,
                            referenceSize: referenceSize ?? GaussianMixtureBenchmark.defaultReferenceSize,
                            signal: signal.mixture ?? .none, strength: signalStrength)
    }

    /// The campaign on the Gaussian mixture; without --clip, the architectures of D'Agnolo et al.,
    /// Imperfect Machine, Table 3 take its weight clipping (`WeightClipping.imperfectMachine5D`).
    func mixtureConfiguration(_ architecture: Architecture) throws -> CampaignConfiguration {
        CampaignConfiguration(seed: seed, architecture: architecture,
                              training: training.trainingOptions.withImperfectMachine5DClipping(for: architecture),
                              mixture: try mixtureBenchmark(architecture))
    }
}
