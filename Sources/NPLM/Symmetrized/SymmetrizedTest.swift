/// The symmetrized two-sample test t_{A+B}(A+B) of seed 000 (eq. 22–24, D2–D3; SPEC §1).
///
/// Two fits over the pooled events A∪B, which serve as the reference of both:
///
///     f:  a_i = Ñ_A / (Ñ_A + Ñ_B) on every event,  b_i = 1 on A
///     g:  a_i = Ñ_B / (Ñ_A + Ñ_B) on every event,  b_i = 1 on B
///     t_{A+B} = t_f + t_g
///
/// (seed 000 prints eq. 23–24 as −2·min[−…], a sign typo; D2–D3 have the bracket as the NPLM loss.)
/// Every event of A or B is also in the reference, so the loss is bounded below: no weight
/// clipping is needed, and swapping A and B swaps f and g and leaves t unchanged. Under the null
/// hypothesis t ~ χ²_{P−1} (the normalisation is the observed count).
public enum SymmetrizedTest {
    /// The terms of the fits f (data A) and g (data B) over the pool A∪B, where `inA[i]` says
    /// whether pooled event i belongs to A.
    public static func terms(inA: [Bool]) -> (f: EventTerms, g: EventTerms) {
        let n = inA.count
        let countA = inA.lazy.filter { $0 }.count
        let weightA = Float(Double(countA) / Double(n)), weightB = Float(Double(n - countA) / Double(n))
        let f = EventTerms(a: Array(repeating: weightA, count: n), b: inA.map { $0 ? 1 : 0 })
        let g = EventTerms(a: Array(repeating: weightB, count: n), b: inA.map { $0 ? 0 : 1 })
        return (f, g)
    }

    /// The pooled sample A∪B (A first) and its membership mask.
    public static func pool(a: EventSet, b: EventSet) -> (events: EventSet, inA: [Bool]) {
        (a.appending(b), Array(repeating: true, count: a.count) + Array(repeating: false, count: b.count))
    }

    /// One batch for several (A, B) pairs: fits 2k (f) and 2k + 1 (g) belong to pair k, each over
    /// its own pool.
    public static func batch(architecture: Architecture, pairs: [(a: EventSet, b: EventSet)]) -> FitBatch {
        var own: [EventSet] = [], ownTerms: [EventTerms] = []
        for pair in pairs {
            let (events, inA) = pool(a: pair.a, b: pair.b)
            let (f, g) = terms(inA: inA)
            own += [events, events]
            ownTerms += [f, g]
        }
        return FitBatch(architecture: architecture, shared: .empty(dimension: architecture.inputDimension),
                        sharedTerms: [EventTerms(a: [], b: [])], own: own, ownTerms: ownTerms)
    }

    /// One batch for several relabelings of one pool, stored once: fits 2k and 2k + 1 are f and g
    /// of relabeling k.
    public static func batch(architecture: Architecture, pool: EventSet, labelings: [[Bool]]) -> FitBatch {
        let terms = labelings.flatMap { inA -> [EventTerms] in
            let (f, g) = Self.terms(inA: inA)
            return [f, g]
        }
        return FitBatch(architecture: architecture, pool: pool, terms: terms)
    }

    /// Initial parameters for the fits of a batch of pairs: f and g of a pair start from the same
    /// network, drawn from (seed, pair index, initialization), so that swapping A and B gives the
    /// same pair of trainings.
    public static func initialParameters(architecture: Architecture, seed: UInt64, pairs: Range<Int>) -> [Double] {
        pairs.flatMap { k -> [Double] in
            let p = architecture.initialParameters(seed: seed, toy: UInt32(k))
            return p + p
        }
    }

    /// The outcome of one symmetrized test from its two fits.
    public struct Outcome: Sendable, Equatable {
        public var f: FitOutcome
        public var g: FitOutcome
        /// t_{A+B} = t_f + t_g.
        public var t: Double { f.t + g.t }
        public var diverged: Bool { f.diverged || g.diverged }
    }

    /// Pairs consecutive fit outcomes (f, g) of a batch built by `batch`.
    public static func outcomes(_ fits: [FitOutcome]) -> [Outcome] {
        stride(from: 0, to: fits.count - 1, by: 2).map { Outcome(f: fits[$0], g: fits[$0 + 1]) }
    }

    /// Degrees of freedom of the asymptotic χ²: P − 1 (seed 000 §III C: χ²₁₂ for a 13-parameter net).
    public static func degreesOfFreedom(_ architecture: Architecture) -> Int { architecture.parameterCount - 1 }
}
