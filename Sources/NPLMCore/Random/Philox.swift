/// Philox4x32-10, the counter-based generator of Salmon et al., "Parallel random numbers: as easy
/// as 1, 2, 3" (SC'11).
///
/// A counter-based generator is a keyed bijection: `block = philox(counter, key)`. There is no
/// sequential state to carry from one toy to the next, so any stream can be regenerated from its
/// address alone, on any machine, in any shard, on any backend.
public enum Philox4x32 {
    @usableFromInline static let multiplier0: UInt32 = 0xD251_1F53
    @usableFromInline static let multiplier1: UInt32 = 0xCD9E_8D57
    @usableFromInline static let weyl0: UInt32 = 0x9E37_79B9
    @usableFromInline static let weyl1: UInt32 = 0xBB67_AE85

    /// Ten rounds of Philox over a 128-bit counter with a 64-bit key.
    @inlinable
    public static func block(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k.x &+= weyl0
                k.y &+= weyl1
            }
            let p0 = UInt64(multiplier0) &* UInt64(c.x)
            let p1 = UInt64(multiplier1) &* UInt64(c.z)
            let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
            let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
            c = SIMD4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0)
        }
        return c
    }
}

/// What a random stream is used for. The purpose is part of the stream's address, so the data of
/// a toy, its signal and its network initialisation never share random numbers, and adding a new
/// purpose never changes the numbers of an existing one.
public enum StreamPurpose: UInt32, Sendable, Codable {
    case reference = 1
    case background = 2
    case signal = 3
    case initialization = 4
    case nuisance = 5
    case permutation = 6
    case sampleA = 7
    case sampleB = 8
    case centres = 9
    /// The δ̂ training of a shape nuisance: samples S₀(ν_i) ~ R_{ν_i} and S₁(ν_i) ~ R₀ (toy index = point index).
    case nuisanceVaried = 10
    case nuisanceCentral = 11
    /// The Monte Carlo sample of a benchmark's ideal significance (`GaussianMixtureBenchmark.idealQ0`).
    case idealSignificance = 12
    /// The simulated null vectors of `nplm report`'s copula calibration of the width combinations.
    case copulaCalibration = 13
}

/// A stream of random numbers addressed by (seed, toy index, purpose).
///
/// The 64-bit seed is the Philox key; the counter is (draw index low, draw index high, toy,
/// purpose). Drawing advances only the draw index, which is local to this value: copying a stream
/// copies its position.
public struct RandomStream: Sendable {
    public let seed: UInt64
    public let toy: UInt32
    public let purpose: StreamPurpose
    @usableFromInline var drawIndex: UInt64 = 0
    @usableFromInline var buffer: SIMD4<UInt32> = .zero
    @usableFromInline var used = 4

    public init(seed: UInt64, toy: UInt32, purpose: StreamPurpose) {
        self.seed = seed
        self.toy = toy
        self.purpose = purpose
    }

    /// The next 32 random bits.
    @inlinable
    public mutating func nextUInt32() -> UInt32 {
        if used == 4 { refill() }
        defer { used += 1 }
        return buffer[used]
    }

    @usableFromInline
    mutating func refill() {
        let counter = SIMD4<UInt32>(
            UInt32(truncatingIfNeeded: drawIndex), UInt32(truncatingIfNeeded: drawIndex >> 32),
            toy, purpose.rawValue)
        let key = SIMD2<UInt32>(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        buffer = Philox4x32.block(counter: counter, key: key)
        drawIndex &+= 1
        used = 0
    }

    /// A uniform double in the open interval (0, 1), with 53 random bits.
    @inlinable
    public mutating func uniform() -> Double {
        let high = UInt64(nextUInt32() >> 5)  // 27 bits
        let low = UInt64(nextUInt32() >> 6)   // 26 bits
        return (Double(high << 26 | low) + 0.5) * 0x1p-53
    }
}
