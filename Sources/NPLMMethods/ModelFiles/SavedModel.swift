import Foundation
import NPLMCore
import NPLMData

/// Which test a saved model belongs to.
public enum ModelTest: String, Codable, Sendable {
    /// NPLM t_B(A): one fit of data against a weighted reference.
    case nplm
    /// The symmetrized t_{A+B}: fits f and g over the pool A∪B (Bressler et al., Symmetrized Approach, eq. 22–24).
    case symmetrized
    /// The cross-entropy t^δ: one logistic fit over the pool (Bressler et al., Symmetrized Approach, eq. 34).
    case crossentropy

    public init(_ statistic: TwoSampleStatistic) {
        self = statistic == .symmetrized ? .symmetrized : .crossentropy
    }

    public var twoSampleStatistic: TwoSampleStatistic? {
        switch self {
        case .nplm: return nil
        case .symmetrized: return .symmetrized
        case .crossentropy: return .crossEntropy
        }
    }
}

/// A trained model as `nplm fit --save-model` writes it and `nplm eval` reads it (the network kind
/// of the model-file family, `ModelKind.network`): the network, the loss, the final parameters of
/// every fit of the test, and what is needed to recompute t on the same samples (the test, the
/// normalisation convention and N(R₀)). Running it on events is `SavedModel+Evaluation`'s.
public struct SavedModel: ModelFileBody, Equatable {
    public static let kind = ModelKind.network
    public static let formatName = kind.rawValue
    /// Version 2 added `preprocessing`; version 1 files (no preprocessing) are still read. Version 3
    /// is written only for fits with nuisances (`nuisances`), so that older readers refuse them.
    public static let currentVersion = 2
    public static let nuisanceVersion = 3
    public static let readableVersions = 1...3

    public var format: String
    public var version: Int
    public var test: ModelTest
    /// Layer widths, input first.
    public var architecture: [Int]
    public var loss: LossKind
    /// NPLM only: how the reference weights were normalised.
    public var normalisation: Normalisation?
    /// NPLM with `normalisation == .expected`: N(R₀).
    public var expectedEvents: Double?
    public var dof: Int
    /// The statistic at the saved parameters, as the fit computed it.
    public var t: Double
    /// The final parameters of each fit, in the flat layout of `Architecture`: [f] for NPLM and
    /// the cross-entropy test, [f, g] for the symmetrized test.
    public var parameters: [[Double]]
    /// The feature transform the fit applied to its samples; `nplm eval` applies it to the samples
    /// it is given (absent: features as given).
    public var preprocessing: FeatureTransform?
    /// NPLM with nuisances (version 3): ν̂, the fitted ν of τ and Δ, the nuisance set-up; `parameters`
    /// is then the τ fit's network, and `t` is τ − Δ.
    public var nuisances: SavedNuisances?

    public init(test: ModelTest, architecture: Architecture, loss: LossKind, normalisation: Normalisation? = nil,
                expectedEvents: Double? = nil, dof: Int, t: Double, parameters: [[Double]],
                preprocessing: FeatureTransform? = nil, nuisances: SavedNuisances? = nil) {
        format = Self.formatName
        version = nuisances == nil ? Self.currentVersion : Self.nuisanceVersion
        self.test = test
        self.architecture = architecture.layers
        self.loss = loss
        self.normalisation = normalisation
        self.expectedEvents = expectedEvents
        self.dof = dof
        self.t = t
        self.parameters = parameters
        self.preprocessing = preprocessing
        self.nuisances = nuisances
    }

    /// Checks that the model is complete and consistent (one line naming `label` otherwise).
    public func check(label: ErrorText) throws {
        func fail(_ message: ErrorText) -> NPLMError { .invalidInput(file: label, message) }
        guard format == Self.formatName else { throw fail(Self.kind.otherFile) }
        guard Self.readableVersions.contains(version) else {
            throw fail("has model format version \(version); this nplm reads versions \(Self.readableVersions.lowerBound) to \(Self.readableVersions.upperBound)")
        }
        let network: Architecture
        do { network = try Architecture(architecture) } catch { throw fail("\(error)") }
        let fits = test.twoSampleStatistic?.fitsPerTest ?? 1
        guard parameters.count == fits else { throw fail("holds \(parameters.count) parameter sets; a \(test.rawValue) model has \(fits)") }
        for p in parameters {
            guard p.count == network.parameterCount else {
                throw fail("holds \(p.count) parameters; architecture \(network) has \(network.parameterCount)")
            }
            guard p.allSatisfy(\.isFinite) else { throw fail("holds non-finite parameters (the fit diverged)") }
        }
        if let preprocessing {
            // Decoded from JSON, the block's lists may have any lengths: each is checked against the
            // architecture's input width before any of them is indexed.
            let d = network.inputDimension
            guard preprocessing.shift.count == d, preprocessing.scale.count == d, preprocessing.features.count == d,
                  preprocessing.features.allSatisfy({ $0 == "standardize" || $0 == "mean" }),
                  preprocessing.scale.allSatisfy({ $0 > 0 && $0.isFinite }), preprocessing.shift.allSatisfy(\.isFinite) else {
                throw fail("has a preprocessing block that does not fit architecture \(network): it gives \(preprocessing.scale.count) scale(s), \(preprocessing.shift.count) shift(s) and \(preprocessing.features.count) feature kind(s) for \(d) input feature(s) (one positive scale, one finite shift and one kind, standardize or mean, per feature)")
            }
        }
        guard loss == (test.twoSampleStatistic?.loss ?? .expLinear) else { throw fail("has loss \(loss.rawValue), which does not fit test \(test.rawValue)") }
        if nuisances == nil && version >= Self.nuisanceVersion { throw fail("is a version-3 model (a fit with nuisances) without its nuisances block") }
        if let nuisances {
            guard test == .nplm, version >= Self.nuisanceVersion else { throw fail("has nuisances, which only an NPLM model of version 3 carries") }
            if let problem = nuisances.problem() { throw fail("\(problem)") }
        }
        if test == .nplm {
            guard let normalisation else { throw fail("has no normalisation") }
            if normalisation == .expected {
                guard let expectedEvents, expectedEvents > 0 else { throw fail("has no positive expectedEvents") }
                do { try SampleSize.checkExpected(expectedEvents, option: "its expectedEvents") } catch { throw fail("\(error)") }
            }
        }
        // The dof is not taken from the file: the architecture and the normalisation fix it.
        guard dof == degreesOfFreedom else {
            throw fail("says dof = \(dof), but a \(test.rawValue) model of architecture \(network)\(normalisation.map { " with \($0.rawValue) normalisation" } ?? "") has dof = \(degreesOfFreedom)")
        }
    }

    /// The degrees of freedom of the model's χ², fixed by its architecture and normalisation (P, or
    /// P − 1 when normalised to the observed counts and for the two-sample tests), whatever the
    /// file's `dof` says.
    public var degreesOfFreedom: Int {
        guard let network = try? Architecture(architecture) else { return dof }
        if test == .nplm { return (normalisation ?? .expected).degreesOfFreedom(network) }
        return TwoSampleTest.degreesOfFreedom(network)
    }

    public var network: Architecture { try! Architecture(architecture) }  // checked on load and on creation

    /// `events` as the network saw them in the fit: with the saved preprocessing applied.
    public func prepared(_ events: EventSet, label: ErrorText) throws -> EventSet {
        guard let preprocessing else { return events }
        return try preprocessing.apply(events, label: label)
    }

    /// The parameters of every fit, fit-major, as a batch takes them.
    public var flatParameters: [Double] { parameters.flatMap { $0 } }
}
