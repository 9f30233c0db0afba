import Foundation
import NPLMStatistics
import NPLMCore

/// How well learned coefficients δ̂_k reproduce the log-ratio log n(x|R_ν)/n(x|R₀) at each nuisance
/// point (d'Agnolo et al., "Learning new physics from an imperfect machine", §3.2, Fig. 3):
/// against the ratio of the samples S₀(ν) and S₁(ν) in bins of one feature and, where it is known
/// (the built-in scale nuisance), against the exact log-ratio.
public enum NuisanceCheck {
    /// The bulk: the central fraction of the pooled S₁ events the comparisons cover (1 % is left
    /// out on each side, where a few events decide the binned ratio and the networks extrapolate).
    public static let bulkCoverage = 0.98

    /// Compares `effect` with the samples of `data` in `bins` equal-population bins of feature
    /// `feature` over the bulk and, when `exact` is given (1-D only), with exact(x, ν) on a grid of
    /// `gridPoints` values of x over the bulk.
    public static func run(effect: LearnedShapeEffect, data: ShapeTrainingData, exact: ((Double, Double) -> Double)? = nil,
                           bins: Int = 20, feature: Int = 0, gridPoints: Int = 200) throws -> NuisanceCheckReport {
        try effect.require(inputDimension: data.inputDimension)
        guard bins >= 1 else { throw NPLMError.invalidArgument("\(Parameter.bins) must be at least 1, got \(bins)") }
        guard (0..<data.inputDimension).contains(feature) else {
            throw NPLMError.invalidArgument("\(Parameter.feature) must be 0 to \(data.inputDimension - 1) for samples of \(data.inputDimension) feature(s), got \(feature)")
        }
        if exact != nil, data.inputDimension != 1 {
            throw NPLMError.invalidArgument("the exact log-ratio is known for the 1-D built-in nuisance only")
        }
        func values(_ sample: WeightedSample) -> [Double] {
            (0..<sample.events.count).map { Double(sample.events.value(event: $0, feature: feature)) }
        }
        // Bin edges: equal-population quantiles of the pooled S₁ events within the bulk.
        let centralIndices = Array(Set(data.points.map(\.central))).sorted()
        let pooled = centralIndices.flatMap { values(data.samples[$0]) }.sorted()
        guard bins <= pooled.count else {
            throw NPLMError.invalidArgument("\(Parameter.bins) \(bins) is more than the \(pooled.count) S₁ events to share among equal-population bins: use at most \(pooled.count)")
        }
        guard let binning = HistogramBins.equalPopulation(sorted: pooled, bins: bins, coverage: bulkCoverage) else {
            throw NPLMError.invalidArgument("the S₁ samples take a single value of feature \(feature) in the bulk: nothing to bin")
        }
        let edges = binning.edges, bulk = binning.range
        let bin = binning.index
        let binCount = binning.count
        var coefficients: [Int: [[Double]]] = [:]
        for index in centralIndices { coefficients[index] = try effect.coefficients(for: data.samples[index].events) }
        let grid = data.inputDimension == 1
            ? (0..<gridPoints).map { bulk.lowerBound + (bulk.upperBound - bulk.lowerBound) * Double($0) / Double(max(gridPoints - 1, 1)) } : []
        let gridCoefficients = grid.isEmpty ? [] : try effect.coefficients(for: EventSet(grid.map(Float.init)))

        var rows: [NuisanceCheckRow] = [], curves: [NuisanceCheckCurve] = []
        for point in data.points {
            let varied = data.samples[point.varied], central = data.samples[point.central]
            let learnedRatio = DeltaNetworks.logRatio(coefficients: coefficients[point.central]!, nu: point.nu).map(Foundation.exp)
            var w0 = [Double](repeating: 0, count: binCount), q0 = w0, w1 = w0, q1 = w0, learned = w0, xSum = w0
            for (e, x) in values(varied).enumerated() {
                guard let b = bin(x) else { continue }
                w0[b] += varied.weights[e]
                q0[b] += varied.weights[e] * varied.weights[e]
            }
            for (e, x) in values(central).enumerated() {
                guard let b = bin(x) else { continue }
                let w = central.weights[e]
                w1[b] += w
                q1[b] += w * w
                learned[b] += w * learnedRatio[e]
                xSum[b] += w * x
            }
            var binRows: [NuisanceCheckBin] = []
            for b in 0..<binCount where w0[b] > 0 && w1[b] > 0 {
                binRows.append(NuisanceCheckBin(
                    lower: edges[b], upper: edges[b + 1], center: xSum[b] / w1[b], binned: Foundation.log(w0[b] / w1[b]),
                    binnedError: (q0[b] / (w0[b] * w0[b]) + q1[b] / (w1[b] * w1[b])).squareRoot(),
                    learned: Foundation.log(learned[b] / w1[b])))
            }
            let deviations = binRows.map { abs($0.learned - $0.binned) }
            let pulls = binRows.map { ($0.learned - $0.binned) / $0.binnedError }
            var row = NuisanceCheckRow(nu: point.nu, bins: binRows.count, binnedMaxDeviation: deviations.max() ?? .nan,
                                       binnedMeanDeviation: deviations.isEmpty ? .nan : deviations.reduce(0, +) / Double(deviations.count),
                                       binnedChiSquarePerBin: pulls.isEmpty ? .nan : pulls.reduce(0) { $0 + $1 * $1 } / Double(pulls.count))
            var curve = NuisanceCheckCurve(nu: point.nu, x: grid, learned: [], exact: nil, bins: binRows)
            if !grid.isEmpty {
                curve.learned = DeltaNetworks.logRatio(coefficients: gridCoefficients, nu: point.nu)
            } else {
                curve.x = binRows.map(\.center)
                curve.learned = binRows.map(\.learned)
            }
            if let exact {
                let truth = grid.map { exact($0, point.nu) }
                let exactDeviations = zip(curve.learned, truth).map { abs($0 - $1) }
                curve.exact = truth
                row.exactMaxDeviation = exactDeviations.max()
                row.exactMeanDeviation = exactDeviations.reduce(0, +) / Double(exactDeviations.count)
            }
            rows.append(row)
            curves.append(curve)
        }
        return NuisanceCheckReport(feature: feature, bulk: [bulk.lowerBound, bulk.upperBound], rows: rows, curves: curves)
    }
}

/// One nuisance point of a check: the deviations of the learned log-ratio.
public struct NuisanceCheckRow: Codable, Sendable, Equatable {
    public var nu: Double
    /// Bins with events of both samples.
    public var bins: Int
    /// |learned − binned| of log N_b(ν)/N_b(0) over the bins: largest and mean, and the mean of
    /// ((learned − binned)/σ_b)² with σ_b the statistical error of the binned ratio (≈ 1 when the
    /// deviations are sampling noise).
    public var binnedMaxDeviation: Double
    public var binnedMeanDeviation: Double
    public var binnedChiSquarePerBin: Double
    /// |log r̂(x; ν) − log r(x; ν)| over the grid (built-in nuisance only): largest and mean.
    public var exactMaxDeviation: Double?
    public var exactMeanDeviation: Double?
}

/// One bin of a check: edges, the weighted mean of the S₁ events in it, the binned log-ratio
/// log(Σ_{S₀} w / Σ_{S₁} w) with its statistical error, and the learned one log(Σ_{S₁} w r̂ / Σ_{S₁} w).
public struct NuisanceCheckBin: Codable, Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var center: Double
    public var binned: Double
    public var binnedError: Double
    public var learned: Double
}

/// The curves of one nuisance point: the learned log-ratio against x (a grid in 1-D, the bin
/// centres otherwise), the exact one when known, and the bins.
public struct NuisanceCheckCurve: Codable, Sendable, Equatable {
    public var nu: Double
    public var x: [Double]
    public var learned: [Double]
    public var exact: [Double]?
    public var bins: [NuisanceCheckBin]
}

/// The result of `nplm nuisance check`.
public struct NuisanceCheckReport: Codable, Sendable, Equatable {
    /// The feature binned and plotted (0-based).
    public var feature: Int
    /// [low, high] of the bulk in that feature.
    public var bulk: [Double]
    public var rows: [NuisanceCheckRow]
    public var curves: [NuisanceCheckCurve]

    /// The deviation table, one line per nuisance point.
    public func table() -> String {
        func number(_ value: Double?) -> String {
            guard let value else { return String(repeating: " ", count: 9) + "-" }
            return String(format: "%10.4f", value)
        }
        var lines = [String(format: "bulk %.4g ≤ x%@ ≤ %.4g (%.0f %% of the S₁ events), deviations of the learned log-ratio",
                            bulk[0], feature == 0 ? "" : "[\(feature)]", bulk[1], NuisanceCheck.bulkCoverage * 100)]
        lines.append("        ν  bins  binned: max|Δ|  mean|Δ|  χ²/bin   exact: max|Δ|  mean|Δ|")
        for row in rows {
            lines.append(String(format: "%9.4g  %4d      ", row.nu, row.bins) + number(row.binnedMaxDeviation) + number(row.binnedMeanDeviation)
                         + String(format: "%8.2f", row.binnedChiSquarePerBin) + "      " + number(row.exactMaxDeviation) + number(row.exactMeanDeviation))
        }
        return lines.joined(separator: "\n")
    }
}
