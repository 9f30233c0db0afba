import Foundation
import NPLMCore
import NPLMData

/// The nuisances of the 1-D benchmark (d'Agnolo et al., "Learning new physics from an imperfect
/// machine", §3): the scale ν_S (x → e^{ν_S}·x, a shape nuisance) and the normalisation ν_N, each
/// with its σ; the shape effect is the exact Taylor expansion of order `shapeOrder`, or learned δ̂
/// networks from a model file. Part of a campaign's configuration (and hash); the true values ν*
/// of the toys' data live in `Benchmark1D`.
public struct NuisanceSettings: Hashable, Codable, Sendable {
    /// σ_S of the scale nuisance; nil: not fitted.
    public var scaleSigma: Double?
    /// σ_N of the normalisation nuisance; nil: not fitted.
    public var normalizationSigma: Double?
    /// The order of the exact scale effect (nil with a δ̂ model file).
    public var shapeOrder: Int?
    /// A δ̂ model file (`nplm nuisance train`) and the FNV-1a hash of its bytes.
    public var deltaModel: String?
    public var deltaModelHash: String?

    public init(scaleSigma: Double?, normalizationSigma: Double?, shapeOrder: Int? = nil, deltaModel: String? = nil,
                deltaModelHash: String? = nil) {
        self.scaleSigma = scaleSigma
        self.normalizationSigma = normalizationSigma
        self.shapeOrder = shapeOrder
        self.deltaModel = deltaModel
        self.deltaModelHash = deltaModelHash
    }

    /// The settings as a campaign's configuration records them: without the δ̂ model's path, which
    /// names the file only where it was typed; `deltaModelHash` identifies it.
    public var identity: NuisanceSettings {
        var settings = self
        settings.deltaModel = nil
        return settings
    }

    /// The names the options use, in the order of the fitted ν: scale first, then norm.
    public static let scaleName = "scale", normalizationName = "norm"

    /// Settings from the command-line spelling: `names` "scale", "norm" or "scale,norm";
    /// `sigmas` one σ for all or one per name; `order` the exact effect's order (default 2) or a
    /// δ̂ model file. Errors name the option.
    /// The smallest σ a nuisance may have (in the units of ν, log-normalisation or log-scale).
    public static let minimumSigma = 1e-6

    public static func parse(names: String, sigmas: String, order: Int?, deltaModel: String?) throws -> NuisanceSettings {
        let list = names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !list.isEmpty, list.allSatisfy({ [scaleName, normalizationName].contains($0) }), Set(list).count == list.count else {
            throw NPLMError.invalidArgument("\(Parameter.nuisances): give scale, norm or scale,norm (the 1-D benchmark's scale and normalisation nuisances), got '\(names)'")
        }
        let values = try sigmas.split(separator: ",").map { part -> Double in
            guard let value = Double(part.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0 else {
                throw NPLMError.invalidArgument("\(Parameter.nuisanceSigma): every σ must be a positive number, got '\(part)'")
            }
            // 1/σ² enters the fit's auxiliary term: far below any real uncertainty it overflows
            guard value >= minimumSigma else {
                throw NPLMError.invalidArgument("\(Parameter.nuisanceSigma): σ = \(part) is below \(minimumSigma), where the auxiliary term 1/σ² swamps the fit; a nuisance known that well is no nuisance: leave it out of \(Parameter.nuisances)")
            }
            return value
        }
        guard values.count == 1 || values.count == list.count else {
            throw NPLMError.invalidArgument("\(Parameter.nuisanceSigma): give one σ for all nuisances or one per nuisance (\(list.count)), got \(values.count)")
        }
        func sigma(_ name: String) -> Double? { list.firstIndex(of: name).map { values.count == 1 ? values[0] : values[$0] } }
        if deltaModel != nil && order != nil {
            throw NPLMError.invalidArgument("\(Parameter.shapeOrder) sets the exact scale effect; a \(Parameter.deltaModel) brings its own order: give one of them")
        }
        if deltaModel != nil && !list.contains(scaleName) {
            throw NPLMError.invalidArgument("\(Parameter.deltaModel): the learned δ̂ describe the scale nuisance; add scale to \(Parameter.nuisances)")
        }
        if let order, !(1...4).contains(order) {
            throw NPLMError.invalidArgument("\(Parameter.shapeOrder): the order of a shape nuisance is 1 to 4, got \(order)")
        }
        var settings = NuisanceSettings(scaleSigma: sigma(scaleName), normalizationSigma: sigma(normalizationName),
                                        shapeOrder: list.contains(scaleName) && deltaModel == nil ? (order ?? 2) : nil,
                                        deltaModel: deltaModel)
        if let deltaModel {
            guard let bytes = FileManager.default.contents(atPath: deltaModel) else {
                throw NPLMError.invalidInput(file: "\(Parameter.deltaModel) \(deltaModel)", "cannot read the δ̂ model file (check the path)")
            }
            settings.deltaModelHash = FNV1a64.hex(bytes)
        }
        return settings
    }

    /// Values given per fitted nuisance ("1,0", or one value for all), e.g. ν* in units of σ.
    public func values(_ text: String, parameter: Parameter) throws -> [Double] {
        let values = try text.split(separator: ",").map { part -> Double in
            guard let value = Double(part.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw NPLMError.invalidArgument("\(parameter): '\(part)' is not a finite number")
            }
            return value
        }
        guard values.count == 1 || values.count == count else {
            throw NPLMError.invalidArgument("\(parameter): give one value for all nuisances or one per nuisance (\(count): \(names.joined(separator: ","))), got \(values.count)")
        }
        return values.count == 1 ? Array(repeating: values[0], count: count) : values
    }

    /// The fitted nuisances' names, scale first.
    public var names: [String] {
        (scaleSigma == nil ? [] : [Self.scaleName]) + (normalizationSigma == nil ? [] : [Self.normalizationName])
    }

    public var count: Int { names.count }
    public var sigmas: [Double] { [scaleSigma, normalizationSigma].compactMap { $0 } }

    /// The nuisance model of the fits.
    public func model() throws -> NuisanceModel {
        var nuisances: [Nuisance] = []
        if let scaleSigma {
            nuisances.append(try Nuisance(name: Self.scaleName, kind: .shape(try shapeEffect()), sigma: scaleSigma))
        }
        if let normalizationSigma {
            nuisances.append(try Nuisance(name: Self.normalizationName, kind: .normalization, sigma: normalizationSigma))
        }
        return try NuisanceModel(nuisances)
    }

    /// The shape effect of the scale nuisance: exact, or loaded from the δ̂ model file.
    public func shapeEffect() throws -> any ShapeEffect {
        if let deltaModel {
            if let bytes = FileManager.default.contents(atPath: deltaModel), let deltaModelHash, FNV1a64.hex(bytes) != deltaModelHash {
                throw NPLMError.invalidInput(file: "\(deltaModel)", "the δ̂ model file changed since the campaign started (hash mismatch); use the original file or start a new campaign")
            }
            return try ShapeEffectFile.load(deltaModel)
        }
        return try ScaleShapeEffect(order: shapeOrder ?? 2)
    }

    /// The true values ν* of a benchmark's data, in the order of `names`.
    public func truth(of benchmark: Benchmark1D) -> [Double] {
        (scaleSigma == nil ? [] : [benchmark.scaleNuisance]) + (normalizationSigma == nil ? [] : [benchmark.normalizationNuisance])
    }

    /// ν̂ of toy `toy`: each nuisance's central value drawn from N(ν*_j, σ_j), in order, from the
    /// toy's own (seed, toy, nuisance) stream.
    public func centralValues(truth: [Double], seed: UInt64, toy: UInt32) -> [Double] {
        var stream = RandomStream(seed: seed, toy: toy, purpose: .nuisance)
        return zip(truth, sigmas).map { stream.gaussian(mean: $0, sigma: $1) }
    }
}

/// Reads learned δ̂ networks (`nplm nuisance train`) as a `ShapeEffect`.
public enum ShapeEffectFile {
    public static func load(_ path: String) throws -> any ShapeEffect {
        try LearnedShapeEffect(path: path, label: "\(Parameter.deltaModel) \(path)")
    }
}

extension Benchmark1D {
    /// Sets the data's true nuisances ν* from values in units of σ, in the order of `settings.names`.
    /// Each must be within `NuisanceRange`, and the toys' expected data count N(R₀)·e^{ν_N*} at most
    /// `SampleSize.largest`.
    public mutating func setNuisanceTruth(_ unitsOfSigma: [Double], settings: NuisanceSettings) throws {
        guard unitsOfSigma.count == settings.count else {
            throw NPLMError.invalidArgument("\(Parameter.nuisanceTruth): give one value per nuisance (\(settings.names.joined(separator: ",")))")
        }
        try NuisanceRange.check(zip(unitsOfSigma, settings.sigmas).map { $0 * $1 }, sigmas: settings.sigmas, names: settings.names,
                                option: "\(Parameter.nuisanceTruth)", symbol: "ν*", unitsOfSigma: true)
        for (name, (value, sigma)) in zip(settings.names, zip(unitsOfSigma, settings.sigmas)) {
            if name == NuisanceSettings.scaleName { scaleNuisance = value * sigma } else { normalizationNuisance = value * sigma }
        }
        let count = expectedBackground * Foundation.exp(normalizationNuisance)
        guard count <= SampleSize.largest else {
            throw NPLMError.invalidArgument("\(Parameter.nuisanceTruth): the toys' data would hold N(R0)·e^ν_N = \(count) events on average, more than 1e8: lower \(Parameter.expected) or the norm nuisance's truth")
        }
    }
}

/// The range of nuisance values nplm accepts (ν* of the toys, ν̂ of a fit, the points of a δ̂
/// training, the values of a saved model): ν enters as e^ν on the scale or the count, and as
/// the Taylor terms ν^k/k!·δ_k of a shape effect.
///
/// - |ν| ≤ `largestPull`·σ: the auxiliary Gaussian N(ν̂ | ν, σ) ties ν to its measurement; a true
///   or measured value more than 5σ from the nominal contradicts the reference whose nuisance
///   model the fit assumes (a tension of p < 3e-7), and is a typo rather than a study.
/// - |ν| ≤ `largestValue`: a factor e^5 ≈ 148 on the scale or the count; beyond it the expansion
///   of order ≤ 4 (ν⁴/4! ≈ 26 at 5) no longer describes anything, and e^ν soon overflows.
public enum NuisanceRange {
    public static let largestPull = 5.0
    public static let largestValue = 5.0

    /// The largest |ν| allowed for a nuisance of width σ.
    public static func bound(sigma: Double) -> Double { min(largestPull * sigma, largestValue) }

    /// Refuses values (`values` in units of ν, one per name) outside the range, naming `option`;
    /// `unitsOfSigma`: the option's values are in units of σ (`--nuisance-truth`), else of ν.
    public static func check(_ values: [Double], sigmas: [Double], names: [String], option: ErrorText, symbol: String,
                             unitsOfSigma: Bool) throws {
        for (j, value) in values.enumerated() where j < sigmas.count {
            let sigma = sigmas[j], bound = bound(sigma: sigma)
            guard value.isFinite, abs(value) <= bound * (1 + 1e-12) else {
                let name = j < names.count ? names[j] : "nuisance \(j + 1)"
                func g(_ x: Double) -> String { String(format: "%g", x) }
                let given = unitsOfSigma ? "\(g(value / sigma))σ" : "\(g(value)) (\(g(value / sigma))σ)"
                let range = unitsOfSigma ? "within ±\(g(bound / sigma)) (in units of σ = \(g(sigma)))" : "within ±\(g(bound)) (in units of ν; σ = \(g(sigma)))"
                throw NPLMError.invalidArgument("\(option): \(symbol) = \(given) for \(name) is out of range: give values \(range); nplm takes |ν| ≤ 5σ (the auxiliary measurement's plausible range) and |ν| ≤ 5 (a factor e^5 ≈ 148 on the scale or count)")
            }
        }
    }
}
