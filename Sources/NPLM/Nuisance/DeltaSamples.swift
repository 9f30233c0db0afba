import Foundation

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
