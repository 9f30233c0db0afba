/// How the reference weights of an NPLM fit are normalised: this decides both the weights and the
/// degrees of freedom of the asymptotic χ² (`TestStatistic.degreesOfFreedom`).
public enum Normalisation: String, Codable, Sendable {
    /// Uniform weights N(R₀)/N_R with the expected count N(R₀) given by the user (D'Agnolo et al.,
    /// *Learning New Physics from an Imperfect Machine*): dof = P.
    case expected
    /// Uniform weights N_D/N_R with the observed data count N_D (Bressler et al., *a
    /// Symmetrized Approach*): dof = P − 1.
    case observed
    /// Per-event weights from a file; their sum plays the role of N(R₀): dof = P.
    case weights

    /// Degrees of freedom for a network with P parameters.
    public func degreesOfFreedom(_ architecture: Architecture) -> Int {
        TestStatistic.degreesOfFreedom(architecture, observedNormalisation: self == .observed)
    }

    /// Uniform reference weights N/N_R (`ReferenceWeights.uniform`).
    public static func uniformWeights(total: Double, referenceCount: Int) -> [Float] {
        ReferenceWeights.uniform(total: total, referenceCount: referenceCount)
    }
}

/// The reference weights of an NPLM fit and the rule that chooses them: per-event weights when
/// the user gives them, else N(R₀)/N_R with the expected N(R₀), else N_D/N_R with the observed
/// data count N_D. `nplm fit` and `nplm eval` (through the saved model) both use this rule.
public struct ReferenceWeights: Sendable, Equatable {
    public let normalisation: Normalisation
    /// One weight per reference event, as the engines store them (float32).
    public let values: [Float]
    /// N(R₀) for `.expected`; nil otherwise.
    public let expectedEvents: Double?

    /// The one definition of the uniform reference weight N/N_R (N = N(R₀) or the observed count),
    /// rounded once to float32.
    public static func uniform(total: Double, referenceCount: Int) -> [Float] {
        Array(repeating: uniformValue(total: total, referenceCount: referenceCount), count: referenceCount)
    }

    /// One uniform weight N/N_R, in float32.
    public static func uniformValue(total: Double, referenceCount: Int) -> Float { Float(total / Double(referenceCount)) }

    /// Uniform weights N(R₀)/N_R for an expected count N(R₀).
    public static func expected(_ events: Double, referenceCount: Int) -> ReferenceWeights {
        ReferenceWeights(normalisation: .expected, values: uniform(total: events, referenceCount: referenceCount),
                         expectedEvents: events)
    }

    /// Uniform weights N_D/N_R for the observed data count N_D.
    public static func observed(dataCount: Int, referenceCount: Int) -> ReferenceWeights {
        ReferenceWeights(normalisation: .observed, values: uniform(total: Double(dataCount), referenceCount: referenceCount),
                         expectedEvents: nil)
    }

    /// Per-event weights (checked by `SampleFile.weights`: finite, ≥ 0, positive finite sum).
    public static func perEvent(_ weights: [Double]) -> ReferenceWeights {
        ReferenceWeights(normalisation: .weights, values: weights.map(Float.init), expectedEvents: nil)
    }

    /// The rule: `perEvent` when given, else `expected` when given, else `observed`.
    public static func choose(perEvent weights: [Double]?, expected: Double?, dataCount: Int, referenceCount: Int) -> ReferenceWeights {
        if let weights { return perEvent(weights) }
        if let expected { return .expected(expected, referenceCount: referenceCount) }
        return observed(dataCount: dataCount, referenceCount: referenceCount)
    }

    /// The weights in Double, as the kernel model's solver takes them: the float32 values exactly,
    /// so that the kernel model and the networks weigh every reference event alike.
    public var kernelValues: [Double] { values.map(Double.init) }

    /// The per-event weights as given (`perEvent`); nil for uniform weights.
    public var perEventValues: [Float]? { normalisation == .weights ? values : nil }

    /// Σ w, the N(R₀) these weights stand for.
    public var total: Double { values.reduce(0.0) { $0 + Double($1) } }

    public func degreesOfFreedom(_ architecture: Architecture) -> Int { normalisation.degreesOfFreedom(architecture) }

    /// Refuses weights the float32 engines cannot carry: N(R₀) outside the range of
    /// `SampleSize.checkExpected`, or weights whose float32 values sum below
    /// `SampleSize.smallestExpected` (they underflowed) or include subnormal values. Every fit
    /// (`NPLMFit`, `NuisanceFit`, `KernelFit`) checks its weights here before training.
    public func validate() throws {
        if let expectedEvents { try SampleSize.checkExpected(expectedEvents, parameter: .expected) }
        let smallest = values.lazy.filter { $0 != 0 }.min() ?? 0
        // (half the smallest N(R₀): the float32 weights of N(R₀) = 1e-6 sum to it only within rounding)
        guard total >= 0.5 * SampleSize.smallestExpected, smallest == 0 || smallest.isNormal else {
            switch normalisation {
            case .expected, .observed:
                throw NPLMError.invalidArgument("the reference weights N/N_R = \(Double(values.first ?? 0)) (N = \(expectedEvents.map { "\(Parameter.expected) \($0)" } ?? "the observed data count"), N_R = \(values.count)) vanish in float32: N must be at least 1e-6 events")
            case .weights:
                throw NPLMError.invalidArgument("\(Parameter.referenceWeights): the weights sum to \(total) in float32 (smallest non-zero weight \(smallest)); they must sum to at least 1e-6 with no weight below 1.2e-38 (float32's normal range): scale them up")
            }
        }
    }
}
