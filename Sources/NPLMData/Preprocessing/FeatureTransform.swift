import Foundation
import NPLMCore

/// How the features are rescaled before training, as the reference NPLM packages do it: fitted
/// on the reference sample (its plain, unweighted mean and standard deviation, as numpy's
/// `mean(axis=0)` and `std(axis=0)`), then applied to data and reference alike, so that the
/// network sees features of order one whatever their units.
public enum Preprocessing: String, CaseIterable, Codable, Sendable {
    /// Features as given.
    case none
    /// (x − μ)/σ for every feature.
    case standardize
    /// x / mean for every feature (for positive features such as momenta and masses, whose zero
    /// keeps its meaning); every reference value must be ≥ 0 with a positive mean.
    case mean
    /// x / mean for features whose reference values are all ≥ 0, (x − μ)/σ for the others.
    case auto
}

/// The fitted per-feature transform x′_k = (x_k − shift_k) / scale_k, recorded in every result
/// and saved model so that `nplm eval` applies exactly the same one.
public struct FeatureTransform: Codable, Sendable, Equatable {
    /// What was asked for.
    public var method: Preprocessing
    /// Per feature: "standardize" or "mean" (what was applied to that feature).
    public var features: [String]
    /// μ_k (0 for features divided by their mean).
    public var shift: [Double]
    /// σ_k, or the mean of feature k.
    public var scale: [Double]

    public init(method: Preprocessing, features: [String], shift: [Double], scale: [Double]) {
        precondition(features.count == shift.count && shift.count == scale.count)
        self.method = method
        self.features = features
        self.shift = shift
        self.scale = scale
    }

    public var dimension: Int { shift.count }

    /// Fits `method` on `reference` (named `label` in errors; `parameter` names the parameter that asked
    /// for it). nil for `.none`.
    public static func fit(_ method: Preprocessing, reference: EventSet, label: ErrorText,
                           parameter: Parameter = .preprocess) throws -> FeatureTransform? {
        guard method != .none else { return nil }
        let n = reference.count
        guard n >= 2 else {
            throw NPLMError.invalidArgument("\(parameter) \(method.rawValue): \(label) holds \(n) event(s); fitting the transform needs at least 2")
        }
        var kinds: [String] = [], shift: [Double] = [], scale: [Double] = []
        for k in 0..<reference.dimension {
            // Mean and standard deviation in Double, two passes (numpy's std, ddof = 0).
            var sum = 0.0, minimum = Double.infinity
            for i in 0..<n {
                let x = Double(reference.value(event: i, feature: k))
                sum += x
                minimum = min(minimum, x)
            }
            let mean = sum / Double(n)
            var squares = 0.0
            for i in 0..<n {
                let d = Double(reference.value(event: i, feature: k)) - mean
                squares += d * d
            }
            let sigma = (squares / Double(n)).squareRoot()
            let divideByMean: Bool
            switch method {
            case .none: preconditionFailure()
            case .standardize: divideByMean = false
            case .mean:
                guard minimum >= 0, mean > 0 else {
                    throw NPLMError.invalidArgument(
                        "\(parameter) mean: feature \(k + 1) of \(label) has \(minimum < 0 ? "negative values (smallest \(minimum))" : "mean 0"); x / mean needs positive features: use \(Parameter.preprocess) standardize or auto")
                }
                divideByMean = true
            case .auto: divideByMean = minimum >= 0 && mean > 0
            }
            if divideByMean {
                kinds.append("mean"); shift.append(0); scale.append(mean)
            } else {
                guard sigma > 0, sigma.isFinite else {
                    throw NPLMError.invalidArgument(
                        "\(parameter) \(method.rawValue): feature \(k + 1) of \(label) is constant (σ = 0): drop the feature or use \(Parameter.preprocess) none")
                }
                kinds.append("standardize"); shift.append(mean); scale.append(sigma)
            }
        }
        return FeatureTransform(method: method, features: kinds, shift: shift, scale: scale)
    }

    /// The events transformed (in Double, stored as float32 like every sample); `label` names
    /// them in the error when a transformed value leaves the float32 range.
    public func apply(_ events: EventSet, label: ErrorText) throws -> EventSet {
        // A transform decoded from a file may hold lists of different lengths (the model file's
        // check names them; this guard keeps every other path from indexing past one).
        guard scale.count == dimension, features.count == dimension else {
            throw NPLMError.invalidInput(file: label, "the preprocessing gives \(scale.count) scale(s) for \(dimension) shift(s): it is not a transform nplm wrote")
        }
        guard events.dimension == dimension else {
            throw NPLMError.invalidInput(file: label, "has \(events.dimension) feature(s) per event; the preprocessing was fitted on \(dimension)")
        }
        var out = events.features
        let largest = Double(Float.greatestFiniteMagnitude)
        for k in 0..<dimension {
            for i in 0..<events.count {
                let value = (Double(events.features[k * events.count + i]) - shift[k]) / scale[k]
                guard abs(value) <= largest else {
                    throw NPLMError.invalidInput(file: label, "event \(i), feature \(k + 1) becomes \(value) after preprocessing, outside the float32 range")
                }
                out[k * events.count + i] = Float(value)
            }
        }
        return EventSet(dimension: dimension, count: events.count, features: out)
    }

    /// One line for people: "standardize: x1 (x − 1.2)/0.5, x2 x / 3.1".
    public var summary: String {
        let parts = (0..<dimension).map { k -> String in
            features[k] == "mean" ? "x\(k + 1)/\(String(format: "%.4g", scale[k]))"
                : "(x\(k + 1) − \(String(format: "%.4g", shift[k])))/\(String(format: "%.4g", scale[k]))"
        }
        return "\(method.rawValue): " + parts.joined(separator: ", ")
    }
}

extension FeatureTransform {
    /// Fits `method` on `fitOn` (named `label`) and applies it to every sample (each with its
    /// label): the transform (nil for `.none`) and the samples as the network will see them.
    public static func prepare(_ method: Preprocessing, fitOn reference: EventSet, label: ErrorText,
                               samples: [(events: EventSet, label: ErrorText)]) throws -> (FeatureTransform?, [EventSet]) {
        guard let transform = try fit(method, reference: reference, label: label) else { return (nil, samples.map(\.events)) }
        return (transform, try samples.map { try transform.apply($0.events, label: $0.label) })
    }
}
