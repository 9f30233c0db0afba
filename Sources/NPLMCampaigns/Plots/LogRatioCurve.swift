import Foundation
import NPLMStatistics
import NPLMCore
import NPLMData
import NPLMEngines
import NPLMMethods

/// The learned log-ratio f(x) of a 1-D NPLM network, drawn for a person (D'Agnolo et al.,
/// *Learning New Physics from an Imperfect Machine*, Fig. 7 right): f on a grid of x in the
/// features' own units, with
/// - for a campaign (`campaign(records:)`): f of the median toy (the toy whose t is the median
///   of the finite t), the 16–84 % band of f over all toys at every x, and the true log-ratio of
///   the benchmark (`Benchmark1D.logRatio`; 0 for a null campaign);
/// - for a fit of user data (`fit(...)`): f of the fit and, as points, the binned
///   log(data events / Σ reference weights) with its Poisson error — the true ratio is unknown.
///
/// f is evaluated by the reference network (`ReferenceNetwork.evaluate`) on the grid transformed
/// as the network saw its inputs (`FeatureTransform`), and drawn against the untransformed x.
public struct LogRatioCurve: Codable, Sendable, Equatable {
    /// Grid of x (original units), ascending.
    public var x: [Double]
    /// f(x) of the fit, or of the median toy of a campaign.
    public var learned: [Double]
    /// Campaigns: the 16 % and 84 % percentiles of f(x) over the toys at every x.
    public var lower: [Double]?
    public var upper: [Double]?
    /// Campaigns: the true log-ratio log n(x|data)/n(x|R₀).
    public var truth: [Double]?
    /// Fits: log(data / weighted reference) in bins of x (empty for campaigns).
    public var bins: [LogRatioBin]
    /// Campaigns: the toys whose f make the band (finite t), the median toy's index and its t.
    public var toys: Int?
    public var medianToy: Int?
    public var medianT: Double?
    /// The x range the drawing fits its vertical axis to (nil: the whole grid). For campaigns,
    /// where the data are: beyond, f is barely constrained and one toy's excursion in the empty
    /// tail would flatten the picture (it is still drawn, cut at the frame).
    public var focus: ClosedRange<Double>?

    /// The percentiles of f over toys that bound the band: ±1σ of a Gaussian.
    public static let bandLevels = (lower: 0.16, upper: 0.84)
    /// The bulk of the reference a fit's bins and grid cover: 1 % left out on each side, where a
    /// few events decide the binned ratio and the network extrapolates.
    public static let bulkCoverage = 0.98
}

/// One bin of the data/reference ratio of a fit.
public struct LogRatioBin: Codable, Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    /// The reference-weighted mean of x in the bin (where the point is drawn).
    public var center: Double
    /// Data events in the bin, n_D.
    public var data: Double
    /// Σ w of the reference events in the bin, W.
    public var reference: Double
    /// log(n_D / W).
    public var logRatio: Double
    /// √(1/n_D + Σw²/W²): the Poisson error of the data count and the reference's own
    /// (weighted-count) error, added in quadrature.
    public var error: Double
}

// MARK: - Campaigns

extension LogRatioCurve {
    /// The curves of a 1-D NPLM network campaign from its records (each carries the
    /// configuration and the final parameters of its toy's network). Diverged fits and toys
    /// with non-finite parameters are left out. Throws for kernel, nuisance, two-sample and
    /// multi-dimensional campaigns, and when no toy has a finite t.
    public static func campaign(records: [FitRecord], gridPoints: Int = 200) throws -> LogRatioCurve {
        let (configuration, fits) = try LogRatioPlots.campaignFits(records)
        let architecture = configuration.architecture
        guard let benchmark = configuration.benchmark, architecture.inputDimension == 1 else {
            throw NPLMError.invalidArgument("the log-ratio curve of a campaign is drawn for the 1-D benchmark; this campaign has \(architecture.inputDimension) features (see MarginalHistograms.campaign)")
        }

        let x = grid(0...campaignUpperEdge(benchmark), points: gridPoints)
        let inputs = EventSet(x.map(Float.init))
        let curves = try fits.map { record in
            ReferenceNetwork.evaluate(architecture: architecture, parameters: record.finalParameters[...],
                                      events: try record.preprocessing?.apply(inputs, label: "the grid of x") ?? inputs)
        }
        let median = (fits.count - 1) / 2
        var lower: [Double] = [], upper: [Double] = []
        for j in x.indices {
            let values = curves.map { $0[j] }.sorted()
            lower.append(SampleSummary.percentile(sorted: values, bandLevels.lower))
            upper.append(SampleSummary.percentile(sorted: values, bandLevels.upper))
        }
        return LogRatioCurve(x: x, learned: curves[median], lower: lower, upper: upper, truth: x.map { benchmark.logRatio(x: $0) },
                             bins: [], toys: fits.count, medianToy: fits[median].toy, medianT: fits[median].t,
                             focus: 0...campaignUpperEdge(benchmark, eventsPerUnit: 10))
    }

    /// The upper end of a campaign's grid: where the expected background density N(R₀)e^{−x}
    /// falls to `eventsPerUnit` events per unit of x (x = log(N(R₀)/eventsPerUnit)), or further
    /// to cover the signal's peak ± 4σ (the tail of Gamma(3) up to 10); at least 1, rounded up
    /// to a multiple of ½.
    static func campaignUpperEdge(_ benchmark: Benchmark1D, eventsPerUnit: Double = 1) -> Double {
        var edge = max(1, Foundation.log(benchmark.expectedBackground / eventsPerUnit))
        switch benchmark.signal.shape {
        case .gaussian(let mean, let sigma)?: edge = max(edge, mean + 4 * sigma)
        case .gamma3?: edge = max(edge, 10)
        case nil: break
        }
        return (edge * 2).rounded(.up) / 2
    }

    /// `points` equally spaced values from the lower to the upper end of `range`.
    static func grid(_ range: ClosedRange<Double>, points: Int) -> [Double] {
        let n = max(points, 2)
        return (0..<n).map { $0 == n - 1 ? range.upperBound
            : range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(n - 1) }
    }
}

// MARK: - Fits of user data

extension LogRatioCurve {
    /// The curve of a 1-D NPLM fit: f (the network `parameters`, inputs transformed by
    /// `preprocessing`) on a grid over the reference's bulk, and log(n_D/W) in `bins` bins of equal
    /// reference population over the same bulk. `data` and `reference` are in the features' own
    /// units; `weights` are the fit's reference weights.
    public static func fit(data: EventSet, reference: EventSet, weights: [Float], architecture: Architecture,
                           parameters: [Double], preprocessing: FeatureTransform?, bins: Int = 20,
                           gridPoints: Int = 200) throws -> LogRatioCurve {
        precondition(weights.count == reference.count && parameters.count == architecture.parameterCount)
        guard architecture.inputDimension == 1 else {
            throw NPLMError.invalidArgument("the log-ratio curve is drawn for 1-D samples; use the marginal histograms for \(reference.dimension) features")
        }
        return try fit(data: data, reference: reference, weights: weights, bins: bins, gridPoints: gridPoints) { grid in
            ReferenceNetwork.evaluate(architecture: architecture, parameters: parameters[...],
                                      events: try preprocessing?.apply(grid, label: "the grid of x") ?? grid)
        }
    }

    /// The curve of a 1-D fit of any model: `logRatio` gives the learned f at the events of a grid
    /// of x in the features' own units (the model applies its own preprocessing).
    public static func fit(data: EventSet, reference: EventSet, weights: [Float], bins: Int = 20, gridPoints: Int = 200,
                           logRatio: (EventSet) throws -> [Double]) throws -> LogRatioCurve {
        precondition(weights.count == reference.count)
        guard data.dimension == 1, reference.dimension == 1 else {
            throw NPLMError.invalidArgument("the log-ratio curve is drawn for 1-D samples; use the marginal histograms for \(reference.dimension) features")
        }
        let referenceValues = reference.features.map(Double.init)
        guard let binning = HistogramBins.equalPopulation(sorted: referenceValues.sorted(), bins: bins, coverage: bulkCoverage) else {
            throw NPLMError.invalidArgument("the reference takes a single value in its bulk: nothing to bin")
        }
        var count = [Double](repeating: 0, count: binning.count), weight = count, weightSquared = count, xSum = count
        for value in data.features {
            if let b = binning.index(Double(value)) { count[b] += 1 }
        }
        for (i, x) in referenceValues.enumerated() {
            guard let b = binning.index(x) else { continue }
            let w = Double(weights[i])
            weight[b] += w
            weightSquared[b] += w * w
            xSum[b] += w * x
        }
        let points = (0..<binning.count).filter { count[$0] > 0 && weight[$0] > 0 }.map { b in
            LogRatioBin(lower: binning.edges[b], upper: binning.edges[b + 1], center: xSum[b] / weight[b], data: count[b],
                        reference: weight[b], logRatio: Foundation.log(count[b] / weight[b]),
                        error: (1 / count[b] + weightSquared[b] / (weight[b] * weight[b])).squareRoot())
        }
        let x = grid(binning.range, points: gridPoints)
        return LogRatioCurve(x: x, learned: try logRatio(EventSet(x.map(Float.init))), bins: points)
    }
}

// MARK: - Drawing

extension LogRatioCurve {
    /// The curve as an SVG document: the band shaded, f solid, the true ratio dashed, the bins as
    /// points with error bars.
    public func svg(title: String, xLabel: String = "x") -> String {
        var plot = SVGPlot(title: title, xLabel: xLabel, yLabel: "log-ratio f(x)")
        // The axis follows f and the truth (or the points) within the focus; the band and the error
        // bars may widen it by at most half their span, so that one wild toy or an empty tail bin
        // cannot flatten the rest.
        let shown = x.indices.filter { focus?.contains(x[$0]) ?? true }
        func inFocus(_ values: [Double]?) -> [Double] { values.map { v in shown.map { v[$0] } } ?? [] }
        let core = (inFocus(learned) + inFocus(truth) + bins.map(\.logRatio)).filter(\.isFinite)
        let extra = (inFocus(lower) + inFocus(upper) + bins.flatMap { [$0.logRatio - $0.error, $0.logRatio + $0.error] }).filter(\.isFinite)
        var range = -1.0...1.0
        if let low = core.min(), let high = core.max() {
            let span = max(high - low, 0.5)
            let bottom = max(min(low, extra.min() ?? low), low - span / 2), top = min(max(high, extra.max() ?? high), high + span / 2)
            range = (bottom - 0.08 * span)...(top + 0.25 * span)
        }
        plot.yRange = range
        plot.xRange = (x.first ?? 0)...(x.last ?? 1)

        let blue = "#1f77b4", red = "#d62728"
        if let lower, let upper, let toys {
            plot.band(lower: Array(zip(x, lower)), upper: Array(zip(x, upper)), color: blue, opacity: 0.22,
                      label: "f, 16–84 % of \(toys) toys")
        }
        // Curves stop where they leave the axis (SVGPlot would draw them along the frame).
        func draw(_ values: [Double], color: String, width: Double, dash: String? = nil, label: String) {
            var runs: [[(Double, Double)]] = [[]]
            for (x, y) in zip(x, values) {
                if range.contains(y) { runs[runs.count - 1].append((x, y)) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
            }
            for (k, run) in runs.enumerated() { plot.line(run, color: color, width: width, dash: dash, label: k == 0 ? label : nil) }
        }
        draw(learned, color: blue, width: 2.5, label: medianToy.map { "f, median toy (\($0))" } ?? "learned f(x)")
        if let truth { draw(truth, color: red, width: 2, dash: "6,4", label: "true log-ratio") }
        if !bins.isEmpty {
            for bin in bins {
                plot.line([(bin.center, bin.logRatio - bin.error), (bin.center, bin.logRatio + bin.error)], color: "#000000", width: 1.2)
            }
            plot.markers(bins.map { ($0.center, $0.logRatio) }, color: "#000000", label: "log(data / reference), bins")
        }
        return plot.render()
    }
}
