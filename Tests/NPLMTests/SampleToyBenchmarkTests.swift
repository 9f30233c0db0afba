import Foundation
import XCTest
@testable import NPLMCore
@testable import NPLMData

/// Null toys drawn from a user's own samples: reproducible, Poisson-sized, from the pool only, in
/// proportion to its weights, with the reference weighted to N(R₀).
final class SampleToyBenchmarkTests: XCTestCase {
    let reference = EventSet((0..<1000).map { Float($0) / 100 })
    let pool = EventSet((0..<500).map { -Float($0) - 1 })

    func testToysAreReproduciblePoissonDrawsOfThePool() throws {
        let benchmark = try SampleToyBenchmark(expectedBackground: 40, reference: reference, pool: pool)
        XCTAssertEqual(benchmark.data(seed: 3, toy: 7).events, benchmark.data(seed: 3, toy: 7).events)
        XCTAssertNotEqual(benchmark.data(seed: 3, toy: 7).events, benchmark.data(seed: 3, toy: 8).events)
        var total = 0
        for toy in 0..<400 {
            let (events, background, signal) = benchmark.data(seed: 1, toy: UInt32(toy))
            XCTAssertEqual(events.count, background)
            XCTAssertEqual(signal, 0)
            XCTAssertTrue(events.features.allSatisfy { $0 < 0 }, "every event from the pool")
            total += events.count
        }
        // Mean of 400 Poisson(40): 40 ± 0.32.
        XCTAssertEqual(Double(total) / 400, 40, accuracy: 1.3)
        XCTAssertEqual(benchmark.reference(seed: 9), reference)
        XCTAssertEqual(benchmark.referenceWeights, ReferenceWeights.uniform(total: 40, referenceCount: 1000))
    }

    func testWeightsDecideTheDrawsAndScaleTheReference() throws {
        let weights = (0..<500).map { $0 % 2 == 0 ? 0.0 : 2.0 }
        let referenceWeights = (0..<1000).map { Double($0 % 3) }
        let benchmark = try SampleToyBenchmark(expectedBackground: 50, reference: reference, referenceWeights: referenceWeights,
                                               pool: pool, poolWeights: weights)
        let events = benchmark.data(seed: 2, toy: 0).events
        XCTAssertGreaterThan(events.count, 0)
        // Odd pool rows hold −2, −4, …: an even value; rows of weight 0 are never drawn.
        XCTAssertTrue(events.features.allSatisfy { Int(-$0) % 2 == 0 })
        XCTAssertEqual(benchmark.referenceWeights.reduce(0.0) { $0 + Double($1) }, 50, accuracy: 1e-3)
        // Without a pool the reference (and its weights) is drawn from.
        let own = try SampleToyBenchmark(expectedBackground: 50, reference: reference, referenceWeights: referenceWeights)
        XCTAssertTrue(own.data(seed: 2, toy: 0).events.features.allSatisfy { Int(($0 * 100).rounded()) % 3 != 0 })
    }

    func testBadSizesAreRefused() {
        XCTAssertThrowsError(try SampleToyBenchmark(expectedBackground: 0, reference: reference))
        XCTAssertThrowsError(try SampleToyBenchmark(expectedBackground: 10, reference: reference, pool: EventSet.empty(dimension: 1)))
        XCTAssertThrowsError(try SampleToyBenchmark(expectedBackground: 10, reference: reference,
                                                    pool: EventSet(dimension: 2, count: 1, features: [1, 2])))
    }
}
