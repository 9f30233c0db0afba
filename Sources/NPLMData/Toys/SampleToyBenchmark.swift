import Foundation
import NPLMCore

/// Null toys of a user's own reference: the way the null distribution of t is calibrated for real
/// data (D'Agnolo et al., *Learning New Physics from an Imperfect Machine*, §3: toys of the
/// reference hypothesis, fitted exactly as the data will be).
///
/// The reference sample R (N_R events, optional per-event weights) is shared by every toy, with
/// weights N(R₀)/N_R, or its own weights scaled to sum to N(R₀). A toy's data are Poisson(N(R₀))
/// events drawn with replacement from a pool of events of the reference hypothesis (events
/// simulated apart from R), or from R itself when no pool is given. A pool's own fluctuations are
/// a difference between the toys' data and R that real data do not have: at N_R = 20 000,
/// N(R₀) = 2000 a pool as large as R raised the null's mean t from 9.25 to 11.29, while drawing
/// from R (9.03) and from a pool ten times R (8.73) agreed with toys of the true density; so a
/// pool is for when it is much larger than R. A weighted pool is drawn in proportion to its weights.
/// Every toy is a function of (seed, toy index) alone.
public struct SampleToyBenchmark: Sendable {
    /// N(R₀), the expected number of events in a data sample.
    public let expectedBackground: Double
    public let referenceEvents: EventSet
    /// Per-event weights of the reference as given (nil: uniform).
    public let referenceEventWeights: [Double]?
    public let pool: EventSet
    /// Per-event weights of the pool (nil: uniform); draws follow them.
    public let poolWeights: [Double]?
    /// Σ w up to each pool event, for drawing in proportion to the weights.
    private let cumulativePoolWeights: [Double]?

    /// - Parameters:
    ///   - expectedBackground: N(R₀), the mean of each toy's Poisson event count.
    ///   - reference: the reference sample of every toy.
    ///   - referenceWeights: per-event weights of the reference (nil: uniform).
    ///   - pool: events to draw the toys' data from; nil draws from the reference itself.
    ///   - poolWeights: per-event weights of the pool (nil: uniform, or the reference's weights
    ///     when the pool is the reference); draws follow them.
    public init(expectedBackground: Double, reference: EventSet, referenceWeights: [Double]? = nil,
                pool: EventSet? = nil, poolWeights: [Double]? = nil) throws {
        try SampleSize.checkExpected(expectedBackground, parameter: .expected)
        let pool = pool ?? reference
        let poolWeights = pool == reference && poolWeights == nil ? referenceWeights : poolWeights
        guard pool.dimension == reference.dimension else {
            throw NPLMError.invalidArgument("the data pool has \(pool.dimension) feature(s) per event but the reference has \(reference.dimension): the samples must have the same columns")
        }
        guard pool.count > 0, reference.count > 0 else {
            throw NPLMError.invalidArgument("the reference and the data pool need at least one event each")
        }
        precondition(referenceWeights.map { $0.count == reference.count } ?? true, "one weight per reference event")
        precondition(poolWeights.map { $0.count == pool.count } ?? true, "one weight per pool event")
        self.expectedBackground = expectedBackground
        referenceEvents = reference
        referenceEventWeights = referenceWeights
        self.pool = pool
        self.poolWeights = poolWeights
        cumulativePoolWeights = poolWeights.map { weights in
            var sum = 0.0
            return weights.map { sum += $0; return sum }
        }
    }

    public var referenceSize: Int { referenceEvents.count }
    public var signalEvents: Double { 0 }

    /// N(R₀)/N_R for every event, or the given weights scaled to sum to N(R₀).
    public var referenceWeights: [Float] {
        guard let weights = referenceEventWeights else {
            return ReferenceWeights.uniform(total: expectedBackground, referenceCount: referenceEvents.count)
        }
        let scale = expectedBackground / weights.reduce(0, +)
        return weights.map { Float($0 * scale) }
    }

    /// The given reference events, whatever the seed and toy: a sample has one reference.
    public func reference(seed: UInt64, toy: UInt32) -> EventSet { referenceEvents }

    /// Poisson(N(R₀)) events of the pool, drawn with replacement (in proportion to its weights).
    public func data(seed: UInt64, toy: UInt32) -> (events: EventSet, background: Int, signal: Int) {
        var stream = RandomStream(seed: seed, toy: toy, purpose: .background)
        let count = stream.poisson(mean: expectedBackground)
        var rows = [Int](repeating: 0, count: count)
        for k in 0..<count {
            if let cumulative = cumulativePoolWeights {
                let target = stream.uniform() * cumulative[cumulative.count - 1]
                var low = 0, high = cumulative.count - 1
                while low < high {
                    let middle = (low + high) / 2
                    if cumulative[middle] > target { high = middle } else { low = middle + 1 }
                }
                rows[k] = low
            } else {
                rows[k] = min(Int(stream.uniform() * Double(pool.count)), pool.count - 1)
            }
        }
        return (pool.subset(rows), count, 0)
    }
}

extension SampleToyBenchmark: NPLMToyBenchmark {}
