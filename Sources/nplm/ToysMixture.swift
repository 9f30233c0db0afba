import ArgumentParser
import NPLM

/// `toys --benchmark`: the built-in benchmark of preset nplm.
enum ToyBenchmarkKind: String, CaseIterable, ExpressibleByArgument {
    /// The 1-D benchmark e^{−x} with NP1…NP3 (`Benchmark1D`).
    case oneD = "1d"
    /// The correlated Gaussian mixture in d = 4…30 (`GaussianMixtureBenchmark`).
    case gauss
}

/// `toys --signal`: a 1-D signal (none, NP1, NP2, NP3) or a Gaussian-mixture one (shift, widen, correlate).
enum ToySignal: Equatable, CustomStringConvertible, ExpressibleByArgument {
    case oneD(Signal1D)
    case mixture(MixtureSignal)

    static let none = ToySignal.oneD(.none)

    init?(argument: String) {
        if let signal = Signal1D(argument: argument) {
            self = .oneD(signal)
        } else if let signal = MixtureSignal(rawValue: argument.lowercased()) {
            self = .mixture(signal)
        } else {
            return nil
        }
    }

    static var allValueStrings: [String] {
        Signal1D.allCases.map(\.rawValue) + MixtureSignal.allCases.filter { $0 != .none }.map(\.rawValue)
    }

    var description: String {
        switch self {
        case .oneD(let signal): return signal.rawValue
        case .mixture(let signal): return signal.rawValue
        }
    }

    /// The 1-D signal (.none for a mixture signal).
    var oneD: Signal1D {
        if case .oneD(let signal) = self { return signal }
        return .none
    }

    /// The mixture signal (.none for none; nil for NP1…NP3).
    var mixture: MixtureSignal? {
        switch self {
        case .oneD(.none): return MixtureSignal.none
        case .oneD: return nil
        case .mixture(let signal): return signal
        }
    }
}

/// The Gaussian-mixture benchmark in d = `dimension` (default: the architecture's input width),
/// refused (as a ValidationError naming the option) when d is out of range or the architecture's
/// input width is not d. Serves `toys` and `calibrate`.
func gaussianMixture(dimension: Int?, architecture: Architecture, expected: Double, referenceSize: Int,
                     signal: MixtureSignal = .none, strength: Double? = nil) throws -> GaussianMixtureBenchmark {
    let mixture: GaussianMixtureBenchmark
    do {
        mixture = try GaussianMixtureBenchmark(dimension: dimension ?? architecture.inputDimension, expectedBackground: expected,
                                               referenceSize: referenceSize, signal: signal, strength: strength)
    } catch {
        throw ValidationError(ParameterFlags.message(error))
    }
    guard architecture.inputDimension == mixture.dimension else {
        throw ValidationError("--architecture: --benchmark gauss in d = \(mixture.dimension) needs an input width of \(mixture.dimension), got \(architecture)")
    }
    return mixture
}

/// Refuses an architecture whose input width is not 1 for the 1-D benchmark.
func checkOneDimensional(_ architecture: Architecture) throws {
    guard architecture.inputDimension == 1 else {
        throw ValidationError("--architecture: the 1-D benchmark needs an input width of 1, got \(architecture) (--benchmark gauss --dimension d for d features)")
    }
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
