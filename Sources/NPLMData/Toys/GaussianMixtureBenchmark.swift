import Foundation
import NPLMCore

/// The mis-modelling that plays the signal of the Gaussian-mixture benchmark: the data follow the
/// reference mixture with one component (`GaussianMixtureBenchmark.modifiedComponent`) changed.
public enum MixtureSignal: String, CaseIterable, Codable, Sendable {
    case none
    /// The component's mean moves along x₁ by s times its standard deviation there: μ₁ → μ₁ + s·σ₁.
    case shift
    /// The component widens by the factor 1 + s in every direction: Σ → (1 + s)² Σ (s > −1).
    case widen
    /// The component's correlation matrix moves towards equicorrelation 0.8 at fixed variances:
    /// R → (1 − s)·R + s·C₀.₈ (0 ≤ s ≤ 1; a convex combination of correlation matrices is one).
    case correlate

    /// The strength used when none is given: Z_id ≈ 4 at N(R₀) = 2000 in d = 5 (shift 4.1, widen
    /// 3.8, correlate 3.8; `GaussianMixtureBenchmark.idealSignificance`), a signal that the
    /// ideal test sees clearly and a network partly.
    public var defaultStrength: Double {
        switch self {
        case .none: return 0
        case .shift: return 0.15
        case .widen: return 0.05
        case .correlate: return 0.13
        }
    }
}

/// A multi-dimensional benchmark that needs no download: the reference is a fixed mixture of three
/// correlated Gaussians in d = 4…30 dimensions, the data the same mixture with one component
/// changed (`MixtureSignal`), so that the exact log-ratio log(n_alt(x)/n_ref(x)) is known.
///
/// It stands in for the five-feature two-body final state of D'Agnolo et al., Imperfect Machine,
/// §4 (which needs the authors' Monte Carlo sample): correlated, multi-modal, of a size where the
/// architectures of their Table 3 apply (`WeightClipping.imperfectMachine5D`).
///
/// ## The reference mixture in d dimensions (u_j = j/(d − 1), j = 0…d − 1, coordinates x₁…x_d)
///
/// | k | weight | mean μ_j | width σ_j | correlation R_ij |
/// |---|---|---|---|---|
/// | 0 | 0.5 | 0 | 1 | 0.5^{|i−j|} (AR(1)) |
/// | 1 | 0.3 | +1.5 for even j, −1.5 for odd j | 0.6 | 0.3 for i ≠ j (equicorrelated) |
/// | 2 | 0.2 | −2 + 4u_j | 0.7 + 0.6u_j | (−0.4)^{|i−j|} (AR(1)) |
///
/// Σ_ij = σ_i σ_j R_ij. The signal modifies component 1 (`modifiedComponent`). Every matrix is
/// positive definite for every d (AR(1) with |ρ| < 1; equicorrelation ρ ∈ (−1/(d−1), 1)).
///
/// ## Toys
/// As `Benchmark1D`: a reference sample of N_R events from the (seed, 0, reference) stream shared
/// by every toy, weights N(R₀)/N_R; the data of toy i Poisson(N(R₀)) events of the alternative
/// (the reference when there is no signal) from the (seed, i, background) stream. Every event
/// takes 1 + 2d uniforms (`GaussianMixture.draw`), so a toy is a function of (seed, i) alone.
public struct GaussianMixtureBenchmark: Hashable, Codable, Sendable {
    /// The dimensions the construction is defined and tested for.
    public static let dimensions = 4...30
    /// The component the signal modifies (weight 0.3, equicorrelated).
    public static let modifiedComponent = 1

    /// d, the number of features.
    public var dimension: Int
    /// N(R₀), the expected number of events in a data sample.
    public var expectedBackground: Double
    /// N_R, the size of the reference sample.
    public var referenceSize: Int
    public var signal: MixtureSignal
    /// s, the strength of the signal (its meaning per kind in `MixtureSignal`); 0 without signal.
    public var strength: Double

    /// Fails (one sentence naming the option) for d outside 4…30, sizes that are not positive, or a
    /// strength outside its kind's range.
    /// N(R₀) and N_R when not given.
    public static let defaultExpectedBackground = 2000.0
    public static let defaultReferenceSize = 20_000

    public init(dimension: Int, expectedBackground: Double = defaultExpectedBackground, referenceSize: Int = defaultReferenceSize,
                signal: MixtureSignal = .none, strength: Double? = nil) throws {
        self.dimension = dimension
        self.expectedBackground = expectedBackground
        self.referenceSize = referenceSize
        self.signal = signal
        self.strength = signal == .none ? 0 : (strength ?? signal.defaultStrength)
        try validate()
    }

    public func validate() throws {
        guard Self.dimensions.contains(dimension) else {
            throw NPLMError.invalidArgument("\(Parameter.dimension) must be between \(Self.dimensions.lowerBound) and \(Self.dimensions.upperBound) for the Gaussian-mixture benchmark, got \(dimension)")
        }
        try SampleSize.checkExpected(expectedBackground, parameter: .expected)
        try SampleSize.check(Double(referenceSize), parameter: .referenceSize)
        guard strength.isFinite else { throw NPLMError.invalidArgument("\(Parameter.signalStrength) must be a finite number, got \(strength)") }
        switch signal {
        case .none:
            guard strength == 0 else { throw NPLMError.invalidArgument("\(Parameter.signalStrength) needs a \(Parameter.signal) (shift, widen or correlate)") }
        case .shift:
            guard abs(strength) <= 100 else { throw NPLMError.invalidArgument("\(Parameter.signalStrength) of shift is in standard deviations and must be within ±100, got \(strength)") }
        case .widen:
            guard strength > -1, strength <= 100 else {
                throw NPLMError.invalidArgument("\(Parameter.signalStrength) of widen scales the widths by 1 + s and must be in (-1, 100], got \(strength)")
            }
        case .correlate:
            guard (0...1).contains(strength) else {
                throw NPLMError.invalidArgument("\(Parameter.signalStrength) of correlate moves the correlations towards 0.8 and must be in [0, 1], got \(strength)")
            }
        }
    }

    /// A signal that changes the data (a kind and a non-zero strength).
    public var hasSignal: Bool { signal != .none && strength != 0 }

    /// The weight of every reference event, N(R₀)/N_R (`ReferenceWeights.uniform`).
    public var referenceWeights: [Float] { ReferenceWeights.uniform(total: expectedBackground, referenceCount: referenceSize) }

    // MARK: - The densities

    /// The reference and alternative mixtures of this benchmark, built once: use it to evaluate
    /// many points (`logRatio`).
    public struct Densities: Sendable {
        public let reference: GaussianMixture
        /// The data's density: the reference with the signal's component changed (equal to the
        /// reference without a signal).
        public let alternative: GaussianMixture

        /// log(n_alt(x)/n_ref(x)) = log p_alt(x) − log p_ref(x) (both normalised to N(R₀)).
        public func logRatio(_ x: [Double]) -> Double {
            alternative.logDensity(x) - reference.logDensity(x)
        }
    }

    public func densities() -> Densities {
        // The construction is valid for every d in `dimensions` and every strength `validate` admits.
        let parts = Self.referenceParts(dimension: dimension)
        let reference = Self.mixture(parts)
        var modified = parts
        modified.components[Self.modifiedComponent] = Self.modify(parts.components[Self.modifiedComponent], signal: signal, strength: strength)
        return Densities(reference: reference, alternative: Self.mixture(modified))
    }

    /// log(n_alt(x)/n_ref(x)) at one point (builds the densities: for many points use `densities()`).
    public func logRatio(_ x: [Double]) -> Double { densities().logRatio(x) }

    /// A component before factorisation: mean, widths and correlation matrix (row-major).
    struct ComponentParts: Equatable {
        var mean: [Double]
        var widths: [Double]
        var correlation: [Double]
    }

    struct MixtureParts: Equatable {
        var weights: [Double]
        var components: [ComponentParts]
    }

    static func referenceParts(dimension d: Int) -> MixtureParts {
        let u = (0..<d).map { Double($0) / Double(d - 1) }
        func autoregressive(_ rho: Double) -> [Double] {
            (0..<(d * d)).map { Foundation.pow(rho, Double(abs($0 / d - $0 % d))) }
        }
        func equicorrelated(_ rho: Double) -> [Double] {
            (0..<(d * d)).map { $0 / d == $0 % d ? 1 : rho }
        }
        return MixtureParts(weights: [0.5, 0.3, 0.2], components: [
            ComponentParts(mean: Array(repeating: 0, count: d), widths: Array(repeating: 1, count: d), correlation: autoregressive(0.5)),
            ComponentParts(mean: (0..<d).map { $0 % 2 == 0 ? 1.5 : -1.5 }, widths: Array(repeating: 0.6, count: d),
                           correlation: equicorrelated(0.3)),
            ComponentParts(mean: u.map { -2 + 4 * $0 }, widths: u.map { 0.7 + 0.6 * $0 }, correlation: autoregressive(-0.4)),
        ])
    }

    static func modify(_ c: ComponentParts, signal: MixtureSignal, strength s: Double) -> ComponentParts {
        var c = c
        switch signal {
        case .none: break
        case .shift: c.mean[0] += s * c.widths[0]
        case .widen: c.widths = c.widths.map { $0 * (1 + s) }
        case .correlate:
            let d = c.mean.count
            c.correlation = c.correlation.indices.map { k in
                k / d == k % d ? 1 : (1 - s) * c.correlation[k] + s * 0.8
            }
        }
        return c
    }

    static func mixture(_ parts: MixtureParts) -> GaussianMixture {
        let components = parts.components.map { c -> GaussianComponent in
            let d = c.mean.count
            let covariance = (0..<(d * d)).map { c.widths[$0 / d] * c.widths[$0 % d] * c.correlation[$0] }
            // Positive definite by construction (see the type's description).
            return try! GaussianComponent(mean: c.mean, covariance: covariance)
        }
        return try! GaussianMixture(weights: parts.weights, components: components)
    }

    // MARK: - Toys

    /// A reference sample: N_R events of the reference mixture from the (seed, toy, reference)
    /// stream (`ReferenceSample`).
    public func reference(seed: UInt64, toy: UInt32) -> EventSet {
        var stream = RandomStream(seed: seed, toy: toy, purpose: .reference)
        return Self.events(densities().reference, count: referenceSize, stream: &stream)
    }

    /// The data of toy `toy`: Poisson(N(R₀)) events of the alternative mixture (the reference
    /// without a signal) from the (seed, toy, background) stream. `background` is the event count;
    /// `signal` is 0 (the signal is a changed density, not added events).
    public func data(seed: UInt64, toy: UInt32) -> (events: EventSet, background: Int, signal: Int) {
        var stream = RandomStream(seed: seed, toy: toy, purpose: .background)
        let count = stream.poisson(mean: expectedBackground)
        return (Self.events(densities().alternative, count: count, stream: &stream), count, 0)
    }

    static func events(_ mixture: GaussianMixture, count: Int, stream: inout RandomStream) -> EventSet {
        let d = mixture.dimension
        var features = [Float](repeating: 0, count: d * count)
        for i in 0..<count {
            let x = mixture.draw(&stream)
            for k in 0..<d { features[k * count + i] = Float(x[k]) }
        }
        return EventSet(dimension: d, count: count, features: features)
    }

    // MARK: - Ideal significance

    /// The Asimov q₀ of the exact likelihood ratio and its Monte Carlo error.
    ///
    /// As `IdealSignificance` for the 1-D benchmark (Bressler et al., Symmetrized Approach, eq. 29–30):
    /// q₀ = 2 [∫ n_alt log(n_alt/n_ref) − (N_alt − N_ref)]. Here N_alt = N_ref = N(R₀), and with
    /// r = n_alt/n_ref the integral is written as N(R₀)·E_alt[log r − 1 + 1/r] (E_alt[1/r] = 1), whose
    /// integrand is ≥ 0 pointwise like the 1-D φ, so nothing cancels. The expectation (no closed form
    /// for mixtures) is a Monte Carlo mean over `samples` events of the alternative from a fixed
    /// stream (seed 0, the `idealSignificance` purpose), so Z_id is a property of the benchmark
    /// alone; `error` is 2 N(R₀) times the standard error of that mean.
    public func idealQ0(samples: Int = 200_000) -> (value: Double, error: Double) {
        guard hasSignal else { return (0, 0) }
        let densities = densities()
        var stream = RandomStream(seed: 0, toy: 0, purpose: .idealSignificance)
        var sum = 0.0, sumOfSquares = 0.0
        for _ in 0..<samples {
            let logR = densities.logRatio(densities.alternative.draw(&stream))
            // log r − 1 + 1/r = −(e^{−log r} − 1 − (−log r)), with expm1 for small |log r|.
            let term = Foundation.expm1(-logR) + logR
            sum += term
            sumOfSquares += term * term
        }
        let n = Double(samples)
        let mean = sum / n
        let variance = max(0, sumOfSquares / n - mean * mean) * n / max(n - 1, 1)
        return (2 * expectedBackground * mean, 2 * expectedBackground * (variance / n).squareRoot())
    }

    /// Z_id = √q₀ (`idealQ0`).
    public func idealSignificance(samples: Int = 200_000) -> Double { idealQ0(samples: samples).value.squareRoot() }
}

extension WeightClipping {
    /// The weight clipping D'Agnolo et al., Imperfect Machine, Table 3, found χ²-compatible for
    /// five-feature networks ([5,5,1]: 1, [5,50,1]: 1.89, [5,6,6,1]: 1.8, [5,7,7,1]: 1.84,
    /// [5,10,10,1]: 1.87, [5,5,5,5,1]: 2.16); nil for other architectures. Tuned on their
    /// two-body final state with N(R₀) ≈ 8000, N_R ≈ 40 000 and 0.1–1 M epochs, not on this
    /// benchmark: a starting point, to be checked with null toys.
    public static func imperfectMachine5D(_ architecture: Architecture) -> Double? {
        imperfectMachine5DTable.first { $0.layers == architecture.layers }?.bound
    }

    /// The rows of that table: layers and weight clipping.
    public static let imperfectMachine5DTable: [(layers: [Int], bound: Double)] = [
        ([5, 5, 1], 1), ([5, 50, 1], 1.89), ([5, 6, 6, 1], 1.8), ([5, 7, 7, 1], 1.84),
        ([5, 10, 10, 1], 1.87), ([5, 5, 5, 5, 1], 2.16),
    ]

    /// The table as text, "5,5,1: 1; 5,50,1: 1.89; …" (for help texts).
    public static var imperfectMachine5DText: String {
        imperfectMachine5DTable.map { row in
            row.layers.map(String.init).joined(separator: ",") + ": " + String(format: "%g", row.bound)
        }.joined(separator: "; ")
    }
}

extension TrainingOptions {
    /// These options for a Gaussian-mixture campaign of `architecture`: without a clipping of
    /// their own, the clipping of D'Agnolo et al., Imperfect Machine, Table 3 for the architectures
    /// it lists (`WeightClipping.imperfectMachine5D`); unchanged otherwise.
    public func withImperfectMachine5DClipping(for architecture: Architecture) -> TrainingOptions {
        guard clipping == nil, let bound = WeightClipping.imperfectMachine5D(architecture) else { return self }
        var options = self
        options.clipping = WeightClipping(bound: bound)
        return options
    }
}
