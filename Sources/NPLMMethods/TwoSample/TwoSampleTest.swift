import Foundation
import NPLMCore

/// The two-sample tests of Bressler et al., *Learning New Physics from Data – a Symmetrized
/// Approach*: whether samples A and B come from one distribution, from fits over the pool A∪B.
///
/// The symmetrized test t_{A+B}(A+B) (eq. 22–24, D2–D3) is two fits over the pooled events A∪B,
/// which serve as the reference of both:
///
///     f:  a_i = Ñ_A / (Ñ_A + Ñ_B) on every event,  b_i = 1 on A
///     g:  a_i = Ñ_B / (Ñ_A + Ñ_B) on every event,  b_i = 1 on B
///     t_{A+B} = t_f + t_g
///
/// (the paper prints eq. 23–24 as −2·min[−…], a sign typo; D2–D3 have the bracket as the NPLM loss.)
/// Every event of A or B is also in the reference, so the loss is bounded below: no weight
/// clipping is needed, and swapping A and B swaps f and g and leaves t unchanged. Under the null
/// hypothesis t ~ χ²_{P−1} (the normalisation is the observed count).
///
/// The cross-entropy test t^δ (eq. 34) is one logistic fit over the same pool (`terms(inA:statistic:)`).
public enum TwoSampleTest {
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

    /// The terms of the fits of one test over the pool: [f, g] for the symmetrized statistic, and
    /// for the cross-entropy statistic t^δ (Bressler et al., Symmetrized Approach, eq. 34; `LossKind.logistic`) one fit with
    /// b_i = 1 on A, a_i = 1 on B and offsets o_i = log(Ñ_A/Ñ_B).
    public static func terms(inA: [Bool], statistic: TwoSampleStatistic) -> [EventTerms] {
        switch statistic {
        case .symmetrized:
            let (f, g) = terms(inA: inA)
            return [f, g]
        case .crossEntropy:
            let countA = inA.lazy.filter { $0 }.count
            let offset = Float(Foundation.log(Double(countA) / Double(inA.count - countA)))
            return [EventTerms(a: inA.map { $0 ? 0 : 1 }, b: inA.map { $0 ? 1 : 0 },
                               offset: Array(repeating: offset, count: inA.count))]
        }
    }

    /// One batch for several (A, B) pairs: fits k·m … k·m + m − 1 (m = `statistic.fitsPerTest`)
    /// belong to pair k, each over its own pool (f then g for the symmetrized statistic).
    public static func batch(architecture: Architecture, pairs: [(a: EventSet, b: EventSet)],
                             statistic: TwoSampleStatistic = .symmetrized) -> FitBatch {
        var own: [EventSet] = [], ownTerms: [EventTerms] = []
        for pair in pairs {
            let (events, inA) = pool(a: pair.a, b: pair.b)
            let fitTerms = Self.terms(inA: inA, statistic: statistic)
            own += Array(repeating: events, count: fitTerms.count)
            ownTerms += fitTerms
        }
        return FitBatch(architecture: architecture, shared: .empty(dimension: architecture.inputDimension),
                        sharedTerms: [EventTerms(a: [], b: [])], own: own, ownTerms: ownTerms, loss: statistic.loss)
    }

    /// One batch for several relabelings of one pool, stored once: the fits of relabeling k follow
    /// those of relabeling k − 1, as in `batch(architecture:pairs:statistic:)`.
    public static func batch(architecture: Architecture, pool: EventSet, labelings: [[Bool]],
                             statistic: TwoSampleStatistic = .symmetrized) -> FitBatch {
        let terms = labelings.flatMap { Self.terms(inA: $0, statistic: statistic) }
        return FitBatch(architecture: architecture, pool: pool, terms: terms, loss: statistic.loss)
    }

    /// Initial parameters for the fits of a batch of tests: every fit of test k starts from the
    /// same network, drawn from (seed, k, initialization), so that swapping A and B gives the same
    /// pair of trainings.
    public static func initialParameters(architecture: Architecture, seed: UInt64, pairs: Range<Int>,
                                         statistic: TwoSampleStatistic = .symmetrized) -> [Double] {
        pairs.flatMap { k -> [Double] in
            let p = architecture.initialParameters(seed: seed, toy: UInt32(k))
            return Array([[Double]](repeating: p, count: statistic.fitsPerTest).joined())
        }
    }

    /// The outcome of one two-sample test from its fits.
    public struct Outcome: Sendable, Equatable {
        /// [f, g] for the symmetrized statistic, [δ] for the cross-entropy one.
        public var fits: [FitOutcome]
        public var f: FitOutcome { fits[0] }
        public var g: FitOutcome? { fits.count > 1 ? fits[1] : nil }
        /// t_{A+B} = t_f + t_g, or t^δ.
        public var t: Double { fits.reduce(0) { $0 + $1.t } }
        public var diverged: Bool { fits.contains { $0.diverged } }
    }

    /// Groups consecutive fit outcomes of a batch built by `batch` into tests.
    public static func outcomes(_ fits: [FitOutcome], statistic: TwoSampleStatistic = .symmetrized) -> [Outcome] {
        let m = statistic.fitsPerTest
        return stride(from: 0, to: fits.count - m + 1, by: m).map { Outcome(fits: Array(fits[$0..<($0 + m)])) }
    }

    /// Degrees of freedom of the asymptotic χ²: P − 1 (Bressler et al., Symmetrized Approach, §III C: χ²₁₂ for a 13-parameter net).
    public static func degreesOfFreedom(_ architecture: Architecture) -> Int {
        TestStatistic.degreesOfFreedom(architecture, observedNormalisation: true)
    }
}

/// Which two-sample statistic a test computes (Bressler et al., Symmetrized Approach).
public enum TwoSampleStatistic: String, CaseIterable, Codable, Sendable {
    /// t_{A+B}(A+B) = t_f + t_g: two exp-linear fits over the pool (eq. 22–24, D2–D3).
    case symmetrized
    /// t^δ_{A+B}: the cross-entropy of labelling pooled events A or B, one logistic fit (eq. 34).
    case crossEntropy = "crossentropy"

    /// Fits trained per test.
    public var fitsPerTest: Int { self == .symmetrized ? 2 : 1 }

    public var loss: LossKind { self == .symmetrized ? .expLinear : .logistic }
}

/// The earlier name of `TwoSampleTest` (it builds the cross-entropy test too).
@available(*, deprecated, renamed: "TwoSampleTest")
public typealias SymmetrizedTest = TwoSampleTest
