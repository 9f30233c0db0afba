import Foundation
import NPLMCore

/// The Nyström centres of one fit: M distinct indices drawn uniformly without replacement from
/// the fit's n pooled events (reference then data), from the fit's own (seed, toy, centres)
/// stream, so a toy's centres depend on nothing else. Returned in ascending order.
public enum NystromCentres {
    /// Robert Floyd's algorithm: M draws for M distinct values out of n, whatever n.
    public static func draw(count m: Int, from n: Int, seed: UInt64, toy: UInt32) -> [Int] {
        precondition(m >= 0 && m <= n)
        var stream = RandomStream(seed: seed, toy: toy, purpose: .centres)
        var chosen = Set<Int>(minimumCapacity: m)
        for j in (n - m)..<n {
            let r = Int(stream.uniform() * Double(j + 1))   // uniform in 0 ... j
            let pick = min(r, j)
            if chosen.contains(pick) { chosen.insert(j) } else { chosen.insert(pick) }
        }
        return chosen.sorted()
    }
}
