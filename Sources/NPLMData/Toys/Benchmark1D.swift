
/// The 1-D benchmark of D'Agnolo et al., Imperfect Machine, §3 and Bressler et al., Symmetrized Approach, §III A.
///
/// Background b₀(x) = e^{−x}, x ≥ 0, with N(R₀) expected events. Signals:
/// - NP1: Gaussian(6.4, 0.16), a narrow bump in the tail (Imperfect Machine: N_S = 10);
/// - NP2: ½x²e^{−x}, a broad excess (Imperfect Machine: N_S = 180; the kernel NPLM overview: 90);
/// - NP3: Gaussian(1.6, 0.16), a narrow bump in the bulk (N_S = 90).
/// Nuisances: n(x|R_ν) = N(R₀)·exp[−x·e^{−ν_S} − ν_S + ν_N], i.e. x scaled by e^{ν_S} and the
/// expected count by e^{ν_N}.
public enum Signal1D: String, CaseIterable, Codable, Sendable {
    case none
    case np1 = "NP1"
    case np2 = "NP2"
    case np3 = "NP3"

    /// The number of signal events the seeds use.
    public var defaultEvents: Double {
        switch self {
        case .none: return 0
        case .np1: return 10
        case .np2: return 180
        case .np3: return 90
        }
    }

    /// The shape of a signal's density: the one definition of the NP signals, used to draw their
    /// events, for their density and for the ideal significance's integration breakpoints.
    public enum Shape: Sendable, Equatable {
        /// A Gaussian bump N(mean, σ²).
        case gaussian(mean: Double, sigma: Double)
        /// ½x²e^{−x} on x ≥ 0 (a Gamma(3) density).
        case gamma3
    }

    /// nil for `.none`.
    public var shape: Shape? {
        switch self {
        case .none: return nil
        case .np1: return .gaussian(mean: 6.4, sigma: 0.16)
        case .np2: return .gamma3
        case .np3: return .gaussian(mean: 1.6, sigma: 0.16)
        }
    }

    /// One signal event.
    public func draw(_ stream: inout RandomStream) -> Double {
        switch shape {
        case nil: preconditionFailure("no signal to draw")
        case .gaussian(let mean, let sigma)?: return stream.gaussian(mean: mean, sigma: sigma)
        case .gamma3?: return stream.gamma3()
        }
    }

    /// The signal density at x (normalised to one), for the ideal significance.
    public func density(_ x: Double) -> Double {
        switch shape {
        case nil: return 0
        case .gaussian(let mean, let sigma)?:
            let z = (x - mean) / sigma
            return Foundation.exp(-0.5 * z * z) / (sigma * (2 * Double.pi).squareRoot())
        case .gamma3?: return x < 0 ? 0 : 0.5 * x * x * Foundation.exp(-x)
        }
    }
}

/// The configuration of one 1-D toy campaign; every toy is a function of (this, seed, toy index).
public struct Benchmark1D: Hashable, Codable, Sendable {
    /// N(R₀), the expected number of background events in a data sample.
    public var expectedBackground: Double
    /// N_R, the size of the reference sample (weights N(R₀)/N_R).
    public var referenceSize: Int
    public var signal: Signal1D
    /// N_S, the expected number of signal events.
    public var signalEvents: Double
    /// Nuisance values of the data (scale ν_S, normalisation ν_N); zero for the nominal background.
    public var scaleNuisance: Double
    public var normalizationNuisance: Double
    /// The background (reference and data) truncated to x < bound, as the 1-D generator of the
    /// kernel NPLM's published code draws e^{−8x} on [0, 1] (bound 8 here); nil: not truncated, as
    /// D'Agnolo et al. Absent from the configuration's JSON when nil, so earlier hashes stand.
    public var truncation: Double?

    /// N(R₀) = 2000 of the 1-D benchmark (D'Agnolo et al., "Learning new physics from an imperfect
    /// machine", Eur. Phys. J. C 82 (2022) 275, §3.1): `nplm toys` and `nplm calibrate` without --expected.
    public static let defaultExpectedBackground = 2000.0
    /// N_R = 200 000 reference events, 100 × N(R₀) (D'Agnolo et al., Imperfect Machine, §3.1).
    public static let defaultReferenceSize = 200_000
    /// σ = 0.15 of the auxiliary Gaussian of each nuisance of this benchmark, the scale ν_S and the
    /// normalisation ν_N (D'Agnolo et al., Imperfect Machine, §3): `--nuisance-sigma` without a value.
    public static let defaultNuisanceSigma = 0.15

    public init(expectedBackground: Double = defaultExpectedBackground, referenceSize: Int = defaultReferenceSize, signal: Signal1D = .none,
                signalEvents: Double? = nil, scaleNuisance: Double = 0, normalizationNuisance: Double = 0,
                truncation: Double? = nil) {
        self.expectedBackground = expectedBackground
        self.referenceSize = referenceSize
        self.signal = signal
        self.signalEvents = signalEvents ?? signal.defaultEvents
        self.scaleNuisance = scaleNuisance
        self.normalizationNuisance = normalizationNuisance
        self.truncation = truncation
    }

    /// The weight of every reference event, N(R₀)/N_R (`ReferenceWeights.uniform`).
    public var referenceWeights: [Float] { ReferenceWeights.uniform(total: expectedBackground, referenceCount: referenceSize) }

    /// A reference sample: N_R events of b₀ from the (seed, toy, reference) stream (`ReferenceSample`).
    public func reference(seed: UInt64, toy: UInt32) -> EventSet {
        var stream = RandomStream(seed: seed, toy: toy, purpose: .reference)
        return EventSet((0..<referenceSize).map { _ in Float(stream.exponential(below: truncation)) })
    }

    /// The data of toy `toy`: Poisson(N(R₀)·e^{ν_N}) background events scaled by e^{ν_S}, then
    /// Poisson(N_S) signal events, each from its own stream.
    public func data(seed: UInt64, toy: UInt32) -> (events: EventSet, background: Int, signal: Int) {
        var backgroundStream = RandomStream(seed: seed, toy: toy, purpose: .background)
        let scale = Foundation.exp(scaleNuisance)
        let nB = backgroundStream.poisson(mean: expectedBackground * Foundation.exp(normalizationNuisance))
        var values = (0..<nB).map { _ in Float(scale * backgroundStream.exponential(below: truncation)) }
        var nS = 0
        if signal != .none && signalEvents > 0 {
            var signalStream = RandomStream(seed: seed, toy: toy, purpose: .signal)
            nS = signalStream.poisson(mean: signalEvents)
            values += (0..<nS).map { _ in Float(signal.draw(&signalStream)) }
        }
        return (EventSet(values), nB, nS)
    }
}

import Foundation
import NPLMCore
