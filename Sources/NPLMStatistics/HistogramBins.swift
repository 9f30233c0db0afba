import Foundation

/// Bin edges over one feature, and which bin a value falls in: bin k spans
/// edges[k] ..< edges[k + 1], the last bin includes its upper edge.
public struct HistogramBins: Codable, Sendable, Equatable {
    /// Strictly increasing, at least two.
    public let edges: [Double]

    public init(edges: [Double]) {
        precondition(edges.count >= 2 && zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 }, "bin edges must increase")
        self.edges = edges
    }

    public var count: Int { edges.count - 1 }
    public var range: ClosedRange<Double> { edges.first!...edges.last! }

    /// `bins` bins of equal population over the bulk of `sorted` (ascending): the central
    /// `coverage` of the values, (1 − coverage)/2 left out on each side, where a few events
    /// decide a binned ratio. Edges are order statistics, so tied values can merge bins (fewer
    /// than `bins` then); nil when the bulk holds a single value.
    public static func equalPopulation(sorted: [Double], bins: Int, coverage: Double) -> HistogramBins? {
        precondition(bins >= 1 && coverage > 0 && coverage <= 1)
        guard !sorted.isEmpty else { return nil }
        func quantile(_ q: Double) -> Double { sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.down))))] }
        let tail = (1 - coverage) / 2
        var edges: [Double] = []
        for k in 0...bins {
            let edge = quantile(tail + coverage * Double(k) / Double(bins))
            if edges.last.map({ edge > $0 }) ?? true { edges.append(edge) }
        }
        return edges.count >= 2 ? HistogramBins(edges: edges) : nil
    }

    /// `bins` bins of equal width over `range` (a single value is widened by ±½).
    public static func equalWidth(_ range: ClosedRange<Double>, bins: Int) -> HistogramBins {
        precondition(bins >= 1)
        let (low, high) = range.upperBound > range.lowerBound ? (range.lowerBound, range.upperBound)
            : (range.lowerBound - 0.5, range.upperBound + 0.5)
        return HistogramBins(edges: (0...bins).map { $0 == bins ? high : low + (high - low) * Double($0) / Double(bins) })
    }

    /// Probability densities of `values` over `bins` equal bins from `low` to `high`: count / (n ×
    /// bin width), a value outside the range counted in the nearest end bin; empty for no values.
    /// The one density of every histogram plot (t, τ, Δ, pulls).
    public static func densities(_ values: [Double], low: Double, high: Double, bins: Int) -> [Double] {
        guard !values.isEmpty else { return [] }
        let width = (high - low) / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        for value in values { counts[min(bins - 1, max(0, Int((value - low) / width)))] += 1 }
        return counts.map { $0 / (Double(values.count) * width) }
    }

    /// The number of bins a histogram plot of `count` values gets: 2√count, between 10 and 50.
    public static func plotBinCount(values count: Int) -> Int {
        max(10, min(50, Int(Double(count).squareRoot().rounded() * 2)))
    }

    /// The bin holding x; nil outside the range (and for NaN).
    public func index(_ x: Double) -> Int? {
        guard range.contains(x) else { return nil }
        var low = 0, high = edges.count - 1  // edges[low] ≤ x < edges[high]
        while high - low > 1 {
            let middle = (low + high) / 2
            if x < edges[middle] { high = middle } else { low = middle }
        }
        return low
    }

    /// The bin holding x, values below the range in the first bin and above it in the last
    /// (so that a histogram keeps every event's weight); nil for NaN.
    public func clampedIndex(_ x: Double) -> Int? {
        if x.isNaN { return nil }
        return index(min(max(x, edges.first!), edges.last!))
    }
}
