import NPLMCore

/// The signal of a toy campaign: one of the 1-D benchmark's (none, NP1, NP2, NP3) or a change of
/// one Gaussian-mixture component (shift, widen, correlate). Read from its name, any case.
public enum ToySignal: Hashable, Sendable, CustomStringConvertible {
    case oneD(Signal1D)
    case mixture(MixtureSignal)

    public static let none = ToySignal.oneD(.none)

    /// The signal named `name` (NP1…NP3 in any case; shift, widen, correlate); nil for another name.
    public init?(name: String) {
        if let signal = Signal1D.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) {
            self = .oneD(signal)
        } else if let signal = MixtureSignal(rawValue: name.lowercased()) {
            self = .mixture(signal)
        } else {
            return nil
        }
    }

    /// Every name `init(name:)` reads.
    public static var names: [String] {
        Signal1D.allCases.map(\.rawValue) + MixtureSignal.allCases.filter { $0 != .none }.map(\.rawValue)
    }

    public var description: String {
        switch self {
        case .oneD(let signal): return signal.rawValue
        case .mixture(let signal): return signal.rawValue
        }
    }

    /// The 1-D signal (.none for a mixture signal).
    public var oneD: Signal1D {
        if case .oneD(let signal) = self { return signal }
        return .none
    }

    /// The mixture signal (.none for none; nil for NP1…NP3).
    public var mixture: MixtureSignal? {
        switch self {
        case .oneD(.none): return MixtureSignal.none
        case .oneD: return nil
        case .mixture(let signal): return signal
        }
    }
}

extension GaussianMixtureBenchmark {
    /// The mixture in d = `dimension` features (default: `architecture`'s input width), refused
    /// when the architecture's input width is not d. Serves toy campaigns and the calibration.
    public static func forNetwork(_ architecture: Architecture, dimension: Int?, expected: Double, referenceSize: Int,
                                  signal: MixtureSignal = .none, strength: Double? = nil) throws -> GaussianMixtureBenchmark {
        let mixture = try GaussianMixtureBenchmark(dimension: dimension ?? architecture.inputDimension, expectedBackground: expected,
                                                   referenceSize: referenceSize, signal: signal, strength: strength)
        guard architecture.inputDimension == mixture.dimension else {
            throw NPLMError.invalidArgument("\(Parameter.architecture): \(Parameter.benchmark) gauss in d = \(mixture.dimension) needs an input width of \(mixture.dimension), got \(architecture)")
        }
        return mixture
    }
}

extension Benchmark1D {
    /// Refuses an architecture whose input width is not 1 for the 1-D benchmark.
    public static func check(_ architecture: Architecture) throws {
        guard architecture.inputDimension == 1 else {
            throw NPLMError.invalidArgument("\(Parameter.architecture): the 1-D benchmark needs an input width of 1, got \(architecture) (\(Parameter.benchmark) gauss \(Parameter.dimension) d for d features)")
        }
    }
}
