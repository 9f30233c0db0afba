import NPLMCore

/// Relabelings of a pooled sample for the permutation null distribution (Bressler et al., Symmetrized Approach, §III E): every
/// relabeling keeps the observed sizes Ñ_A and Ñ_B.
public enum Permutations {
    /// Relabeling `index` of a pool of `count` events with `countA` in A: a uniform random subset of
    /// size `countA`, drawn by a partial Fisher–Yates shuffle from (seed, index, permutation).
    public static func labeling(seed: UInt64, index: UInt32, count: Int, countA: Int) -> [Bool] {
        precondition(countA >= 0 && countA <= count)
        var stream = RandomStream(seed: seed, toy: index, purpose: .permutation)
        var order = Array(0..<count)
        for i in 0..<countA {
            let j = i + uniformIndex(below: count - i, stream: &stream)
            order.swapAt(i, j)
        }
        var inA = [Bool](repeating: false, count: count)
        for i in order[0..<countA] { inA[i] = true }
        return inA
    }

    /// An unbiased integer in 0..<n by rejection on 32-bit draws (Lemire's multiply-shift with
    /// the rejection threshold), so the result does not depend on the platform's `Int` width.
    static func uniformIndex(below n: Int, stream: inout RandomStream) -> Int {
        precondition(n > 0 && n <= Int(UInt32.max))
        let bound = UInt64(n)
        let threshold = (UInt64(1) << 32) % bound
        while true {
            let product = UInt64(stream.nextUInt32()) * bound
            if product & 0xFFFF_FFFF >= threshold { return Int(product >> 32) }
        }
    }
}
