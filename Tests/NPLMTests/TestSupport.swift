import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// Random test configurations drawn from a fixed stream, so failures reproduce.
struct TestRandom {
    var stream: RandomStream

    init(_ seed: UInt64) { stream = RandomStream(seed: seed, toy: 0, purpose: .reference) }

    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * stream.uniform() }

    mutating func floats(_ count: Int, _ low: Double, _ high: Double) -> [Float] {
        (0..<count).map { _ in Float(uniform(low, high)) }
    }

    mutating func events(count: Int, dimension: Int) -> EventSet {
        EventSet(dimension: dimension, count: count, features: floats(count * dimension, -2, 2))
    }

    /// Terms with a ≥ 0, b ≥ 0 and optional offsets in [−0.5, 0.5].
    mutating func terms(count: Int, offsets: Bool) -> EventTerms {
        EventTerms(a: floats(count, 0, 0.3), b: floats(count, 0, 1.5), offset: offsets ? floats(count, -0.5, 0.5) : nil)
    }

    /// Parameters of T networks, uniform in [−1, 1].
    mutating func parameters(_ architecture: Architecture, fits: Int) -> [Double] {
        (0..<(fits * architecture.parameterCount)).map { _ in uniform(-1, 1) }
    }
}

/// Largest |x − y| / scale over two arrays.
func maxRelativeDifference(_ x: [Double], _ y: [Double], scale: Double) -> Double {
    zip(x, y).map { abs($0 - $1) / scale }.max() ?? 0
}
