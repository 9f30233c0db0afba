import Foundation
import NPLMCore
import NPLMData

/// A weighted event sample of the δ̂ training. The weights sum to the number of events expected in
/// the hypothesis the sample follows (d'Agnolo et al., "Learning new physics from an imperfect
/// machine", §2.3): N(R_ν) for S₀(ν), N(R₀) for S₁(ν).
public struct WeightedSample: Sendable, Equatable {
    public let events: EventSet
    public let weights: [Double]

    /// Per-event weights: one per event, each finite and ≥ 0, with a positive sum.
    public init(events: EventSet, weights: [Double]) throws {
        guard events.count > 0 else { throw NPLMError.invalidArgument("a sample of the δ̂ training holds no events") }
        guard weights.count == events.count else {
            throw NPLMError.invalidArgument("a sample of \(events.count) events got \(weights.count) weights: give one weight per event")
        }
        guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }), weights.reduce(0, +) > 0 else {
            throw NPLMError.invalidArgument("the weights of a sample of the δ̂ training must be finite, ≥ 0 and not all zero")
        }
        self.events = events
        self.weights = weights
    }

    /// Uniform weights that sum to `total` expected events.
    public init(events: EventSet, total: Double) throws {
        guard total > 0, total.isFinite else {
            throw NPLMError.invalidArgument("the expected number of events of a sample must be positive, got \(total)")
        }
        try self.init(events: events, weights: Array(repeating: total / Double(max(events.count, 1)), count: events.count))
    }

    public var total: Double { weights.reduce(0, +) }
}

/// One point ν_i of the δ̂ training: the index of its sample S₀(ν_i) ~ R_{ν_i} ("varied") and of
/// its sample S₁(ν_i) ~ R₀ ("central") in `ShapeTrainingData.samples`. Points may share a central
/// sample; the loss then evaluates the networks on its events once per epoch.
public struct ShapeTrainingPoint: Sendable, Equatable, Codable {
    public let nu: Double
    public let varied: Int
    public let central: Int

    public init(nu: Double, varied: Int, central: Int) {
        self.nu = nu
        self.varied = varied
        self.central = central
    }
}

/// The samples and points of the eq. 17 training, checked: the points come in ± pairs, every
/// sample has the same number of features.
public struct ShapeTrainingData: Sendable {
    public let samples: [WeightedSample]
    public let points: [ShapeTrainingPoint]

    public init(samples: [WeightedSample], points: [ShapeTrainingPoint]) throws {
        try Self.checkPoints(points.map(\.nu))
        guard let dimension = samples.first?.events.dimension else {
            throw NPLMError.invalidArgument("the δ̂ training needs samples")
        }
        for (index, sample) in samples.enumerated() where sample.events.dimension != dimension {
            throw NPLMError.invalidArgument(
                "sample \(index + 1) of the δ̂ training has \(sample.events.dimension) feature(s) per event, sample 1 has \(dimension): give samples with the same columns")
        }
        for point in points {
            guard samples.indices.contains(point.varied), samples.indices.contains(point.central), point.varied != point.central else {
                throw NPLMError.invalidArgument("point ν = \(point.nu) of the δ̂ training needs two different samples, S₀ and S₁")
            }
        }
        self.samples = samples
        self.points = points
    }

    /// One S₀ and one S₁ per point.
    public init(points: [(nu: Double, varied: WeightedSample, central: WeightedSample)]) throws {
        try self.init(samples: points.flatMap { [$0.varied, $0.central] },
                      points: points.indices.map { ShapeTrainingPoint(nu: points[$0].nu, varied: 2 * $0, central: 2 * $0 + 1) })
    }

    /// The nuisance points of the δ̂ training must be finite, non-zero, distinct, and come in pairs
    /// of opposite sign (§3.2 of the paper: the ± pairs expose the even and odd terms of the
    /// expansion alike). Throws one line naming the first point that breaks a rule.
    public static func checkPoints(_ nus: [Double]) throws {
        guard !nus.isEmpty else { throw NPLMError.invalidArgument("no nuisance points: give at least one ± pair such as 0.15,-0.15") }
        for (index, nu) in nus.enumerated() {
            guard nu.isFinite else { throw NPLMError.invalidArgument("nuisance point \(nu) is not a finite number") }
            guard abs(nu) <= NuisanceRange.largestValue else {
                throw NPLMError.invalidArgument("nuisance point \(nu) is out of range: give points within ±5 (a factor e^5 ≈ 148 on the scale; the expansion of order ≤ 4 means nothing beyond)")
            }
            guard nu != 0 else {
                throw NPLMError.invalidArgument("nuisance point 0 carries no information about the shape effect (S₀ and S₁ both follow R₀): remove it")
            }
            guard !nus[..<index].contains(nu) else { throw NPLMError.invalidArgument("nuisance point \(nu) is given twice") }
        }
        for nu in nus where !nus.contains(-nu) {
            throw NPLMError.invalidArgument("nuisance point \(nu) has no partner \(-nu): the points must come in ± pairs")
        }
    }

    public var inputDimension: Int { samples[0].events.dimension }
    public var nus: [Double] { points.map(\.nu) }

    /// For every sample, the points it serves: (point index, whether it is that point's S₀).
    var memberships: [[(point: Int, varied: Bool)]] {
        var out = [[(point: Int, varied: Bool)]](repeating: [], count: samples.count)
        for (index, point) in points.enumerated() {
            out[point.varied].append((index, true))
            out[point.central].append((index, false))
        }
        return out
    }
}

// MARK: - Samples from files

extension ShapeTrainingData {
    /// The samples of the δ̂ training from the user's files (.npy or .csv, one row per event):
    /// `varied[i]` is S₀ of point `nus[i]`; `central` holds one S₁ shared by every point or one per
    /// point. Optional weight files (one weight per event) give each sample its weights, whose sum
    /// is its expected count; a sample without one gets uniform weights summing to `expected`, or,
    /// without `expected`, to the size of its point's S₁ (a pure shape effect, N(R_ν) = N(R₀)).
    public static func load(nus: [Double], varied: [String], central: [String], variedWeights: [String]? = nil,
                            centralWeights: [String]? = nil, expected: Double? = nil) throws -> ShapeTrainingData {
        do { try checkPoints(nus) } catch { throw NPLMError.invalidArgument("\(Parameter.points): \(error)") }
        guard varied.count == nus.count else {
            throw NPLMError.invalidArgument("\(Parameter.varied) gives \(varied.count) file(s) for \(nus.count) nuisance points: give one S₀ sample per point, in the order of \(Parameter.points)")
        }
        guard central.count == 1 || central.count == nus.count else {
            throw NPLMError.invalidArgument("\(Parameter.central) gives \(central.count) file(s) for \(nus.count) nuisance points: give one S₁ sample shared by every point, or one per point")
        }
        if let variedWeights, variedWeights.count != varied.count {
            throw NPLMError.invalidArgument("\(Parameter.variedWeights) gives \(variedWeights.count) file(s) for the \(varied.count) of \(Parameter.varied): give one per sample")
        }
        if let centralWeights, centralWeights.count != central.count {
            throw NPLMError.invalidArgument("\(Parameter.centralWeights) gives \(centralWeights.count) file(s) for the \(central.count) of \(Parameter.central): give one per sample")
        }
        if let expected, !(expected > 0 && expected.isFinite) {
            throw NPLMError.invalidArgument("\(Parameter.expected) must be a positive number of events, got \(expected)")
        }
        func events(_ parameter: Parameter, _ paths: [String]) throws -> [EventSet] {
            var out: [EventSet] = []
            for path in paths {
                let sample = try SampleFile.events(path: path, parameter: parameter)
                if let first = out.first, first.dimension != sample.dimension {
                    throw NPLMError.invalidInput(file: SampleFile.label(parameter: parameter, path: path),
                        "has \(sample.dimension) feature(s) per event but \(parameter) \(paths[0]) has \(first.dimension): the samples must have the same columns")
                }
                out.append(sample)
            }
            return out
        }
        let centralEvents = try events(Parameter.central, central)
        let variedEvents = try events(Parameter.varied, varied)
        if variedEvents[0].dimension != centralEvents[0].dimension {
            throw NPLMError.invalidInput(file: SampleFile.label(parameter: .varied, path: varied[0]),
                "has \(variedEvents[0].dimension) feature(s) per event but \(Parameter.central) \(central[0]) has \(centralEvents[0].dimension): the samples must have the same columns")
        }
        func weighted(_ events: EventSet, path: String, parameter: Parameter, weightFile: String?, weightParameter: Parameter, total: Double) throws -> WeightedSample {
            guard let weightFile else { return try WeightedSample(events: events, total: total) }
            let weights = try SampleFile.weights(path: weightFile, parameter: weightParameter, count: events.count,
                                                 sampleLabel: SampleFile.label(parameter: parameter, path: path))
            return try WeightedSample(events: events, weights: weights)
        }
        var samples: [WeightedSample] = []
        for (index, events) in centralEvents.enumerated() {
            samples.append(try weighted(events, path: central[index], parameter: .central, weightFile: centralWeights?[index],
                                        weightParameter: .centralWeights, total: expected ?? Double(events.count)))
        }
        var points: [ShapeTrainingPoint] = []
        for (index, events) in variedEvents.enumerated() {
            let centralIndex = central.count == 1 ? 0 : index
            samples.append(try weighted(events, path: varied[index], parameter: .varied, weightFile: variedWeights?[index],
                                        weightParameter: .variedWeights, total: expected ?? Double(centralEvents[centralIndex].count)))
            points.append(ShapeTrainingPoint(nu: nus[index], varied: samples.count - 1, central: centralIndex))
        }
        return try ShapeTrainingData(samples: samples, points: points)
    }
}
