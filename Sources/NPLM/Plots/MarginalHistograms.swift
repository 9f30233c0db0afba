import Foundation

/// What an NPLM fit learned in d > 1, for a person: for every feature, the histograms of the
/// data, of the weighted reference R and of the reweighted reference e^f·R (each reference event
/// weighted by w·e^{f(x)}). Where the network learned the data, e^f·R follows the data in every
/// projection; where it did not, the projections show in which feature and where. At the
/// minimum of the NPLM loss Σ w e^f equals the number of data events (the output bias's
/// stationarity condition), so the totals are a first check.
///
/// Each feature has `bins` bins of equal width over the bulk of the reference (the central 99 %
/// of its values); the first and last bins also hold the events beyond, so that every histogram
/// keeps its total. Heights are events per bin.
public struct MarginalHistograms: Codable, Sendable, Equatable {
    public struct Feature: Codable, Sendable, Equatable {
        /// 0-based.
        public var index: Int
        public var bins: HistogramBins
        /// Data events per bin.
        public var data: [Double]
        /// Σ w per bin.
        public var reference: [Double]
        /// Σ w e^f per bin.
        public var reweighted: [Double]
    }

    public var features: [Feature]
    /// Data events, Σ w and Σ w e^f over all events (each feature's bins sum to these).
    public var dataTotal: Double
    public var referenceTotal: Double
    public var reweightedTotal: Double

    /// The central fraction of the reference each feature's bins span.
    public static let bulkCoverage = 0.99

    /// The histograms of `data` and of `reference` with `weights` and with weights w_i e^{f_i},
    /// `logRatio` holding f at every reference event. Samples in the features' own units.
    public init(data: EventSet, reference: EventSet, weights: [Float], logRatio: [Double], bins: Int = 30) {
        precondition(data.dimension == reference.dimension && weights.count == reference.count && logRatio.count == reference.count)
        precondition(bins >= 1)
        let reweighting = zip(weights, logRatio).map { Double($0) * Foundation.exp($1) }
        features = (0..<reference.dimension).map { k in
            let values = (0..<reference.count).map { Double(reference.value(event: $0, feature: k)) }
            let sorted = values.filter(\.isFinite).sorted()
            let tail = (1 - Self.bulkCoverage) / 2
            let range = sorted.isEmpty ? 0...1
                : SampleSummary.percentile(sorted: sorted, tail)...SampleSummary.percentile(sorted: sorted, 1 - tail)
            let binning = HistogramBins.equalWidth(range, bins: bins)
            var feature = Feature(index: k, bins: binning, data: Array(repeating: 0, count: binning.count),
                                  reference: Array(repeating: 0, count: binning.count), reweighted: Array(repeating: 0, count: binning.count))
            for i in 0..<data.count {
                if let b = binning.clampedIndex(Double(data.value(event: i, feature: k))) { feature.data[b] += 1 }
            }
            for (i, x) in values.enumerated() {
                guard let b = binning.clampedIndex(x) else { continue }
                feature.reference[b] += Double(weights[i])
                feature.reweighted[b] += reweighting[i]
            }
            return feature
        }
        dataTotal = Double(data.count)
        referenceTotal = weights.reduce(0) { $0 + Double($1) }
        reweightedTotal = reweighting.reduce(0, +)
    }

    /// The histograms of an NPLM fit: f of the network `parameters` at every reference event
    /// (transformed by `preprocessing` as in training), histograms in the untransformed units.
    public static func fit(data: EventSet, reference: EventSet, weights: [Float], architecture: Architecture,
                           parameters: [Double], preprocessing: FeatureTransform?, bins: Int = 30) throws -> MarginalHistograms {
        precondition(parameters.count == architecture.parameterCount)
        guard reference.dimension == architecture.inputDimension else {
            throw NPLMError.invalidArgument("the network takes \(architecture.inputDimension) features but the reference has \(reference.dimension)")
        }
        let inputs = try preprocessing?.apply(reference, label: "the reference") ?? reference
        let f = ReferenceNetwork.evaluate(architecture: architecture, parameters: parameters[...], events: inputs)
        return MarginalHistograms(data: data, reference: reference, weights: weights, logRatio: f, bins: bins)
    }

    /// One panel per feature: the reference as grey bars, e^f·R as a blue step line, the data as
    /// black points with Poisson error bars √n. `names` label the features (default x1, x2, …).
    public func svg(title: String, names: [String]? = nil, columns: Int? = nil) -> String {
        let panels = features.enumerated().map { position, feature -> SVGPlot in
            let name = names.map { $0[feature.index] } ?? "x\(feature.index + 1)"
            var plot = SVGPlot(title: "", xLabel: name, yLabel: "events per bin")
            plot.width = 420
            plot.height = 300
            let edges = feature.bins.edges
            let first = position == 0
            plot.bars(edges: edges, heights: feature.reference, fill: "#9a9a9a", opacity: 0.6,
                      label: first ? "reference R (\(Self.total(referenceTotal)))" : nil)
            let steps = feature.reweighted.indices.flatMap { [(edges[$0], feature.reweighted[$0]), (edges[$0 + 1], feature.reweighted[$0])] }
            plot.line(steps, color: "#1f77b4", width: 2, label: first ? "e^f·R (\(Self.total(reweightedTotal)))" : nil)
            let centres = feature.data.indices.map { 0.5 * (edges[$0] + edges[$0 + 1]) }
            for (x, n) in zip(centres, feature.data) where n > 0 {
                plot.line([(x, n - n.squareRoot()), (x, n + n.squareRoot())], color: "#000000", width: 1)
            }
            plot.markers(Array(zip(centres, feature.data)), color: "#000000", label: first ? "data (\(Self.total(dataTotal)))" : nil)
            let top = (feature.data.map { $0 + $0.squareRoot() } + feature.reference + feature.reweighted).filter(\.isFinite).max() ?? 1
            plot.yRange = 0...(max(top, 1) * (first ? 1.45 : 1.1))
            plot.xRange = feature.bins.range
            return plot
        }
        return SVGPlot.panels(panels, columns: columns ?? min(features.count, features.count <= 4 ? 2 : 4), title: title)
    }

    /// A total for the legend, six significant digits (float32 weights summing to 40 print as 40).
    static func total(_ value: Double) -> String { String(format: "%.6g", value) }
}
