import Foundation
import NPLMCore
import NPLMData
import NPLMEngines

/// A kernel-model fit as `nplm fit --model kernel --save-model` writes it and `nplm eval` reads it
/// (the kernel kind of the model-file family, `ModelKind.kernel`): the learned
/// f_σ(x) = Σ_m c_m exp(−‖x − x̃_m‖²/2σ²) of every width σ — the M Nyström centres x̃_m and each
/// width's coefficients c —, the options that produced them (λ, the kernel-value precision and the
/// jitter ε per width, the Newton and CG settings), how the reference was weighted (N(R₀)/N_R with
/// the saved N(R₀), N_D/N_R, or per-event weights) and the feature transform the fit applied.
/// Running it on events is `KernelModelFile+Evaluation`'s.
public struct KernelModelFile: ModelFileBody, Equatable {
    public static let kind = ModelKind.kernel
    public static let formatName = kind.rawValue
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    /// Features per event, as the centres have them (after `preprocessing`).
    public var dimension: Int
    /// The M centres, one row of `dimension` values each, in the features the fit saw (after
    /// `preprocessing`): float32 values, as the engines hold events, written exactly.
    public var centres: [[Double]]
    /// The centres' indices among the fit's pooled events (its reference, then its data), ascending.
    public var centreIndices: [Int]
    /// The widths σ, in the features the fit saw.
    public var widths: [Double]
    /// coefficients[w]: the M coefficients c of width w.
    public var coefficients: [[Double]]
    /// Each width's t as the fit computed it.
    public var t: [Double]
    /// Each width's jitter ε: the fit factorised K_MM + εM·I (part of its objective).
    public var jitter: [Double]
    /// The kernel options of the fit: λ, the kernel-value precision (which `nplm eval` computes
    /// with), the requested jitter, Newton steps and CG settings (widths as given: nil for the
    /// default width).
    public var options: KernelOptions
    /// How the reference weights were normalised (`ReferenceWeights`).
    public var normalisation: Normalisation
    /// `normalisation == .expected`: N(R₀).
    public var expectedEvents: Double?
    /// The feature transform the fit applied to its samples; `nplm eval` applies it to the samples
    /// it is given (absent: features as given).
    public var preprocessing: FeatureTransform?
    /// The seed of the centres' draw (toy 0 of it).
    public var seed: UInt64
    public var dataEvents: Int
    public var referenceEvents: Int
    /// The engine the fit ran on: `nplm eval` evaluates on the same one unless told otherwise, so
    /// that on the fit's samples it gives the fit's t bit for bit.
    public var backend: BackendKind
    /// That engine as it named itself ("cpu (AVX-512, 2 threads)").
    public var engine: String

    public init(centres: EventSet, centreIndices: [Int], outcomes: [KernelFitOutcome], options: KernelOptions, weights: ReferenceWeights,
                preprocessing: FeatureTransform?, seed: UInt64, dataEvents: Int, referenceEvents: Int, backend: BackendKind,
                engine: String) {
        format = Self.formatName
        version = Self.currentVersion
        dimension = centres.dimension
        self.centres = (0..<centres.count).map { i in (0..<centres.dimension).map { Double(centres.value(event: i, feature: $0)) } }
        self.centreIndices = centreIndices
        widths = outcomes.map(\.width)
        coefficients = outcomes.map(\.coefficients)
        t = outcomes.map(\.t)
        jitter = outcomes.map(\.jitter)
        self.options = options
        normalisation = weights.normalisation
        expectedEvents = weights.expectedEvents
        self.preprocessing = preprocessing
        self.seed = seed
        self.dataEvents = dataEvents
        self.referenceEvents = referenceEvents
        self.backend = backend
        self.engine = engine
    }

    /// Checks that the model is complete and consistent (one line naming `label` otherwise).
    public func check(label: ErrorText) throws {
        func fail(_ message: ErrorText) -> NPLMError { .invalidInput(file: label, message) }
        guard format == Self.formatName else { throw fail(Self.kind.otherFile) }
        guard version == Self.currentVersion else {
            throw fail("has kernel model format version \(version); this nplm reads version \(Self.currentVersion)")
        }
        guard dimension >= 1 else { throw fail("has dimension \(dimension); a model has at least one feature") }
        let m = centres.count
        guard m >= 1 else { throw fail("has no centres") }
        for (index, centre) in centres.enumerated() {
            guard centre.count == dimension else { throw fail("centre \(index) has \(centre.count) values; the model has dimension \(dimension)") }
            guard centre.allSatisfy({ $0.isFinite && abs($0) <= Double(Float.greatestFiniteMagnitude) }) else {
                throw fail("centre \(index) holds a value that is not a finite float32")
            }
        }
        guard centreIndices.count == m else { throw fail("has \(centreIndices.count) centre indices for \(m) centres") }
        guard referenceEvents >= 1, dataEvents >= 1, m <= referenceEvents + dataEvents,
              zip(centreIndices, centreIndices.dropFirst()).allSatisfy({ $0 < $1 }),
              centreIndices.allSatisfy({ $0 >= 0 && $0 < referenceEvents + dataEvents }) else {
            throw fail("has centre indices that are not ascending indices among its \(referenceEvents) reference and \(dataEvents) data events")
        }
        guard !widths.isEmpty else { throw fail("has no widths") }
        guard widths.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw fail("has a width σ that is not a positive number") }
        guard coefficients.count == widths.count, t.count == widths.count, jitter.count == widths.count else {
            throw fail("does not give coefficients, t and jitter for each of its \(widths.count) widths")
        }
        for (w, c) in coefficients.enumerated() {
            guard c.count == m else { throw fail("width \(w) has \(c.count) coefficients for \(m) centres") }
            guard c.allSatisfy(\.isFinite) else { throw fail("width \(w) has non-finite coefficients (the fit diverged)") }
        }
        guard t.allSatisfy(\.isFinite) else { throw fail("has a non-finite t (the fit diverged)") }
        guard jitter.allSatisfy({ $0 > 0 && $0 <= FalkonNewtonSolver.maximumJitter * 1.0001 }) else {
            throw fail("has a jitter ε outside (0, \(FalkonNewtonSolver.maximumJitter)]")
        }
        do { try options.validate() } catch { throw fail("has invalid kernel options (\(error))") }
        if let preprocessing {
            guard preprocessing.dimension == dimension, preprocessing.features.count == dimension,
                  preprocessing.scale.allSatisfy({ $0 > 0 && $0.isFinite }), preprocessing.shift.allSatisfy(\.isFinite) else {
                throw fail("has a preprocessing block that does not fit its \(dimension) feature(s) (one positive scale and finite shift per feature)")
            }
        }
        if normalisation == .expected, !((expectedEvents ?? 0) > 0 && expectedEvents!.isFinite) {
            throw fail("has no positive expectedEvents")
        }
    }

    /// The centres as events (float32, as the fit held them).
    public var centreEvents: EventSet {
        EventSet(rows: centres.map { $0.map(Float.init) }, dimension: dimension)
    }

    /// `events` in the features the fit saw: with the saved preprocessing applied.
    public func prepared(_ events: EventSet, label: ErrorText) throws -> EventSet {
        guard let preprocessing else { return events }
        return try preprocessing.apply(events, label: label)
    }
}
