import Foundation
import PropertyBased
import XCTest

/// Property-based checks with a fixed seed: the cases come from swift-property-based's generators,
/// driven by a Xoshiro stream seeded here, so every `swift test` runs the same cases (the library's
/// own `propertyCheck` draws a new seed each run). `NPLM_PROPERTY_CASES=N` runs N cases per
/// property instead of the default, `NPLM_PROPERTY_SEED=S` another stream: a longer search.
enum PropertyRun {
    static let environment = ProcessInfo.processInfo.environment

    /// Cases per property: `NPLM_PROPERTY_CASES`, else `standard`.
    static func cases(standard: Int) -> Int {
        environment["NPLM_PROPERTY_CASES"].flatMap(Int.init) ?? standard
    }

    /// The stream's seed: `NPLM_PROPERTY_SEED`, else a fixed one per property (`salt`).
    static func seed(salt: UInt64) -> UInt64 {
        environment["NPLM_PROPERTY_SEED"].flatMap(UInt64.init) ?? 0x6E70_6C6D ^ salt
    }

    /// Runs `body` on `cases` values of `generator`; a failure names the case and the seed.
    static func check<Value>(_ name: String, standard: Int = 150, salt: UInt64,
                             _ generator: Generator<Value, some Sequence>,
                             file: StaticString = #filePath, line: UInt = #line,
                             _ body: (Value) throws -> String?) {
        let seed = seed(salt: salt)
        var rng = Xoshiro(seed: (seed, 0x9E37_79B9_7F4A_7C15, seed &* 31, 1))
        for k in 0..<cases(standard: standard) {
            let value = generator.run(using: &rng)
            do {
                if let problem = try body(value) {
                    XCTFail("\(name), case \(k) (NPLM_PROPERTY_SEED=\(seed)): \(problem)\ninput: \(value)", file: file, line: line)
                    return
                }
            } catch {
                XCTFail("\(name), case \(k) (NPLM_PROPERTY_SEED=\(seed)): unexpected \(error)\ninput: \(value)", file: file, line: line)
                return
            }
        }
    }
}
