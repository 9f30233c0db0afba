import Foundation
import NPLMStatistics
import NPLMCore
import NPLMData
import NPLMEngines
import NPLMMethods

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
///
/// For a campaign of the Gaussian-mixture benchmark (`campaign(records:)`) the histograms are
/// those of its median toy, whose data and reference are drawn again from (seed, toy index), and
/// the exact log-ratio r adds the reference reweighted by e^r: what a perfect fit would give.
public struct MarginalHistograms: Codable, Sendable, Equatable {
    /// One feature's panel: its bins and the data, reference and reweighted-reference contents.
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
        /// Σ w e^r per bin, r the exact log-ratio, when it is known.
        public var exact: [Double]?
    }

    public var features: [Feature]
    /// Data events, Σ w and Σ w e^f over all events (each feature's bins sum to these).
    public var dataTotal: Double
    public var referenceTotal: Double
    public var reweightedTotal: Double
    /// Σ w e^r, when the exact log-ratio r is known.
    public var exactTotal: Double?
    /// Campaigns: the toy drawn (the median toy) and its t.
    public var toy: Int?
    public var t: Double?

    /// The central fraction of the reference each feature's bins span.
    public static let bulkCoverage = 0.99

    /// The histograms of `data` and of `reference` with `weights` and with weights w_i e^{f_i},
    /// `logRatio` holding f at every reference event (and w_i e^{r_i} when `exactLogRatio` r is
    /// given). Samples in the features' own units.
    public init(data: EventSet, reference: EventSet, weights: [Float], logRatio: [Double], exactLogRatio: [Double]? = nil, bins: Int = 30) {
        precondition(data.dimension == reference.dimension && weights.count == reference.count && logRatio.count == reference.count)
        precondition(bins >= 1 && (exactLogRatio?.count ?? reference.count) == reference.count)
        let reweighting = zip(weights, logRatio).map { Double($0) * Foundation.exp($1) }
        let exactReweighting = exactLogRatio.map { r in zip(weights, r).map { Double($0) * Foundation.exp($1) } }
        features = (0..<reference.dimension).map { k in
            let values = (0..<reference.count).map { Double(reference.value(event: $0, feature: k)) }
            let sorted = values.filter(\.isFinite).sorted()
            let tail = (1 - Self.bulkCoverage) / 2
            let range = sorted.isEmpty ? 0...1
                : SampleSummary.percentile(sorted: sorted, tail)...SampleSummary.percentile(sorted: sorted, 1 - tail)
            let binning = HistogramBins.equalWidth(range, bins: bins)
            var feature = Feature(index: k, bins: binning, data: Array(repeating: 0, count: binning.count),
                                  reference: Array(repeating: 0, count: binning.count), reweighted: Array(repeating: 0, count: binning.count),
                                  exact: exactReweighting.map { _ in Array(repeating: 0, count: binning.count) })
            for i in 0..<data.count {
                if let b = binning.clampedIndex(Double(data.value(event: i, feature: k))) { feature.data[b] += 1 }
            }
            for (i, x) in values.enumerated() {
                guard let b = binning.clampedIndex(x) else { continue }
                feature.reference[b] += Double(weights[i])
                feature.reweighted[b] += reweighting[i]
                if let exactReweighting { feature.exact![b] += exactReweighting[i] }
            }
            return feature
        }
        dataTotal = Double(data.count)
        referenceTotal = weights.reduce(0) { $0 + Double($1) }
        reweightedTotal = reweighting.reduce(0, +)
        exactTotal = exactReweighting?.reduce(0, +)
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

    /// The histograms of the median toy of a Gaussian-mixture campaign (`LogRatioPlots` chooses
    /// the toy): its data and the campaign's reference drawn again from (seed, toy index), f of
    /// its final network at every reference event, and the exact log-ratio of the benchmark.
    public static func campaign(records: [FitRecord], bins: Int = 30) throws -> MarginalHistograms {
        let (configuration, fits) = try LogRatioPlots.campaignFits(records)
        guard let mixture = configuration.mixture else {
            throw NPLMError.invalidArgument("the marginal histograms of a campaign are drawn for the Gaussian-mixture benchmark (1-D campaigns: LogRatioCurve.campaign)")
        }
        let median = fits[(fits.count - 1) / 2]
        guard let toy = median.toy, let index = UInt32(exactly: toy) else {
            throw NPLMError.invalidArgument("the campaign's records carry no toy index: the median toy cannot be drawn again")
        }
        let reference = mixture.reference(seed: configuration.seed)
        let data = mixture.data(seed: configuration.seed, toy: index).events
        let inputs = try median.preprocessing?.apply(reference, label: "the reference") ?? reference
        let f = ReferenceNetwork.evaluate(architecture: configuration.architecture, parameters: median.finalParameters[...], events: inputs)
        let densities = mixture.densities()
        var point = [Double](repeating: 0, count: reference.dimension)
        let exact = (0..<reference.count).map { i -> Double in
            for k in point.indices { point[k] = Double(reference.value(event: i, feature: k)) }
            return densities.logRatio(point)
        }
        var histograms = MarginalHistograms(data: data, reference: reference, weights: mixture.referenceWeights, logRatio: f,
                                            exactLogRatio: exact, bins: bins)
        histograms.toy = toy
        histograms.t = median.t
        return histograms
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
            if let exact = feature.exact {
                let exactSteps = exact.indices.flatMap { [(edges[$0], exact[$0]), (edges[$0 + 1], exact[$0])] }
                plot.line(exactSteps, color: "#d62728", width: 1.5, dash: "6,4", label: first ? "e^r·R, exact r (\(Self.total(exactTotal ?? .nan)))" : nil)
            }
            let centres = feature.data.indices.map { 0.5 * (edges[$0] + edges[$0 + 1]) }
            for (x, n) in zip(centres, feature.data) where n > 0 {
                plot.line([(x, n - n.squareRoot()), (x, n + n.squareRoot())], color: "#000000", width: 1)
            }
            plot.markers(Array(zip(centres, feature.data)), color: "#000000", label: first ? "data (\(Self.total(dataTotal)))" : nil)
            let top = (feature.data.map { $0 + $0.squareRoot() } + feature.reference + feature.reweighted + (feature.exact ?? [])).filter(\.isFinite).max() ?? 1
            plot.yRange = 0...(max(top, 1) * (first ? 1.6 : 1.1))
            plot.xRange = feature.bins.range
            return plot
        }
        // Near-square grids: 2 columns up to d = 4, then ⌈√d⌉ (3 for d = 5…9, 6 for d = 30).
        let square = Int(Double(features.count).squareRoot().rounded(.up))
        return SVGPlot.panels(panels, columns: columns ?? max(2, square), title: title)
    }

    /// A total for the legend, six significant digits (float32 weights summing to 40 print as 40).
    static func total(_ value: Double) -> String { String(format: "%.6g", value) }
}
