import Foundation
import NPLMCore

/// Null toys of a user's own reference sample (`SampleToyBenchmark`) as a campaign names them: N(R₀),
/// the sizes and the FNV-1a hashes of the events (their float32 values, event by event), not the
/// files they were read from — the same events under any path or format are one campaign, and a
/// fit against those events recognises the campaign as its null. The events themselves (`loaded`)
/// are attached by the front end that reads them; they are not part of the identity, the JSON or
/// the hash.
public struct UserSampleToys: Codable, Hashable, Sendable {
    public var expectedBackground: Double
    public var referenceSize: Int
    public var dimension: Int
    /// `UserSampleToys.hash(_:)` of the reference events.
    public var reference: String
    /// The hash of the reference's per-event weights as float32 (nil: uniform weights N(R₀)/N_R);
    /// with weights, N(R₀) is their sum.
    public var weights: String?
    /// The data pool's size and hash, when the toys' data are drawn from events apart from the
    /// reference (nil: drawn from the reference itself).
    public var poolSize: Int?
    public var pool: String?
    /// The hash of the pool's per-event weights as float32, when its events are drawn in
    /// proportion to them (nil: uniformly).
    public var poolWeights: String?
    /// The toys, when their events were read (nil in a configuration decoded from a record).
    public var loaded: SampleToyBenchmark?

    enum CodingKeys: String, CodingKey {
        case expectedBackground, referenceSize, dimension, reference, weights, poolSize, pool, poolWeights
    }

    /// The toys of `expectedBackground` events a toy from `pool` (nil: the reference, in
    /// proportion to its weights), against `reference` with uniform weights N(R₀)/N_R, or with
    /// `referenceWeights` as float32 — the weights a fit reads — whose sum is then N(R₀); a pool's
    /// events are drawn in proportion to `poolWeights` (as float32) when given.
    public init(expectedBackground: Double, reference: EventSet, referenceWeights: [Double]? = nil, pool: EventSet? = nil,
                poolWeights: [Double]? = nil) throws {
        let single = referenceWeights?.map { Float($0) }
        // Σ in the order `ReferenceWeights.total` sums, so that the toys' weights are these
        // float32 values exactly (scaled by 1) and their N(R₀) a fit's.
        let weights = single?.map(Double.init)
        let expectedBackground = weights.map { $0.reduce(0.0, +) } ?? expectedBackground
        precondition(poolWeights == nil || pool != nil, "pool weights without a pool")
        let poolSingle = poolWeights?.map { Float($0) }
        if let poolSingle, !(poolSingle.reduce(0.0) { $0 + Double($1) } > 0) {
            throw NPLMError.invalidArgument("\(Parameter.poolWeights) sum to 0: the toys' data are drawn in proportion to them, so at least one must be positive")
        }
        let toys = try SampleToyBenchmark(expectedBackground: expectedBackground, reference: reference, referenceWeights: weights, pool: pool,
                                          poolWeights: poolSingle?.map(Double.init))
        self.expectedBackground = expectedBackground
        referenceSize = reference.count
        dimension = reference.dimension
        self.reference = Self.hash(reference)
        self.weights = single.map(Self.hash)
        poolSize = pool?.count
        self.pool = pool.map(Self.hash)
        self.poolWeights = poolSingle.map(Self.hash)
        loaded = toys
    }

    /// These toys as a fit against `reference`, weighted by `perEventWeights` (nil: uniform) at
    /// N(R₀) `expected`, would need them: that reference and those weights, this pool.
    public func forFit(reference: EventSet, perEventWeights: [Float]?, expected: Double) -> UserSampleToys {
        var toys = self
        (toys.expectedBackground, toys.referenceSize, toys.dimension) = (expected, reference.count, reference.dimension)
        (toys.reference, toys.weights, toys.loaded) = (Self.hash(reference), perEventWeights.map(Self.hash), nil)
        return toys
    }

    /// FNV-1a (64 bit) of the events' dimension and their float32 values, event by event.
    public static func hash(_ events: EventSet) -> String {
        let dimension = withUnsafeBytes(of: UInt64(events.dimension).littleEndian) { Array($0) }
        return FNV1a64.hex(dimension + NumpyWriter.littleEndianBytes(NumpyWriter.rowMajor(events)))
    }

    /// FNV-1a (64 bit) of float32 weights, in order.
    public static func hash(_ weights: [Float]) -> String { FNV1a64.hex(NumpyWriter.littleEndianBytes(weights)) }

    public static func == (a: Self, b: Self) -> Bool {
        (a.expectedBackground, a.referenceSize, a.dimension, a.reference) == (b.expectedBackground, b.referenceSize, b.dimension, b.reference)
            && (a.weights, a.poolSize, a.pool, a.poolWeights) == (b.weights, b.poolSize, b.pool, b.poolWeights)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(expectedBackground)
        hasher.combine(referenceSize)
        hasher.combine(dimension)
        hasher.combine(reference)
        hasher.combine(weights)
        hasher.combine(poolSize)
        hasher.combine(pool)
        hasher.combine(poolWeights)
    }

    private var toys: SampleToyBenchmark {
        guard let loaded else { preconditionFailure("the user's reference sample is not loaded: a configuration decoded from a record cannot draw toys") }
        return loaded
    }
}

extension UserSampleToys: NPLMToyBenchmark {
    public var signalEvents: Double { 0 }
    public var referenceWeights: [Float] { toys.referenceWeights }
    public func reference(seed: UInt64, toy: UInt32) -> EventSet { toys.reference(seed: seed, toy: toy) }
    public func data(seed: UInt64, toy: UInt32) -> (events: EventSet, background: Int, signal: Int) { toys.data(seed: seed, toy: toy) }
}
