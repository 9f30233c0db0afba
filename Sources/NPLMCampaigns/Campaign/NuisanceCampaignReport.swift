import Foundation
import NPLMStatistics
import NPLMCore
import NPLMMethods

/// What a campaign with nuisance parameters says (`nplm report` on a `--nuisances` file), as in
/// d'Agnolo et al., "Learning new physics from an imperfect machine", Fig. 5 and Table 2: τ, Δ and
/// t = τ − Δ against χ²_{P+n}, χ²_n and χ²_P (mean, KS p-value), τ also against χ²_P (the table's
/// "w/o correction" column), and the pulls (ν_fit − ν̂)/σ of both fits. The t part (percentiles
/// along training, KS against χ²_P, median Z of a signal campaign) is the plain `CampaignReport`.
public struct NuisanceCampaignReport: Codable, Sendable {
    /// τ, Δ or t over the toys: mean, spread and KS test against its χ².
    public struct Statistic: Codable, Sendable {
        /// "tau", "Delta" or "t".
        public var name: String
        public var dof: Int
        public var toys: Int
        public var mean: Double
        public var meanError: Double
        public var standardDeviation: Double
        public var ks: CampaignReport.KS?
    }

    /// One nuisance's pulls (ν_fit − ν̂)/σ over the toys, for the τ and Δ fits.
    public struct Pull: Codable, Sendable {
        public var nuisance: String
        public var sigma: Double
        /// ν* of the toys' data, in units of σ.
        public var truthInSigma: Double?
        /// Mean and standard deviation of (ν_fit − ν̂)/σ over the toys, for the τ and Δ fits.
        public var tauMean: Double
        public var tauStandardDeviation: Double
        public var deltaMean: Double
        public var deltaStandardDeviation: Double
        /// Mean fitted ν of the τ and Δ fits (units of ν).
        public var tauFittedMean: Double
        public var deltaFittedMean: Double
    }

    public var t: CampaignReport
    /// P, the network's parameters, and n, the nuisances.
    public var parameters: Int
    public var nuisances: Int
    public var statistics: [Statistic]
    /// τ against χ²_P: the "w/o correction" KS p-value of the paper's Table 2.
    public var tauAgainstP: CampaignReport.KS?
    public var pulls: [Pull]

    public init(records: [FitRecord], file: String = "campaign", null: [FitRecord]? = nil, nullFile: String = "null") throws {
        let base = try CampaignReport(records: records, file: file, null: null, nullFile: nullFile)
        let rows = try records.enumerated().map { k, record -> NuisanceRecord in
            guard let nuisance = record.nuisances else {
                throw NPLMError.invalidInput(file: "\(file)", "line \(k + 1) carries no τ and Δ (not a \(Parameter.nuisances) campaign record)")
            }
            return nuisance
        }
        t = base
        parameters = base.dof
        nuisances = rows[0].names.count
        let P = parameters, n = nuisances
        let usable = rows.filter { !$0.tauDiverged && !$0.deltaDiverged }
        func statistic(_ name: String, _ values: [Double], dof: Int) -> Statistic {
            let finite = values.filter(\.isFinite)
            let summary = finite.isEmpty ? nil : SampleSummary(finite)
            return Statistic(name: name, dof: dof, toys: finite.count, mean: summary?.mean ?? .nan, meanError: summary?.standardError ?? .nan,
                             standardDeviation: summary?.standardDeviation ?? .nan, ks: Self.ks(finite, dof: dof))
        }
        statistics = [statistic("tau", usable.map(\.tau), dof: P + n), statistic("Delta", usable.map(\.delta), dof: n),
                      statistic("t", usable.map(\.t), dof: P)]
        tauAgainstP = Self.ks(usable.map(\.tau).filter(\.isFinite), dof: P)
        let truth = records[0].configuration.flatMap { configuration -> [Double]? in
            guard let settings = configuration.nuisances, let benchmark = configuration.benchmark else { return nil }
            return zip(settings.truth(of: benchmark), settings.sigmas).map { $0 / $1 }
        }
        pulls = rows[0].names.indices.map { j in
            let tau = SampleSummary(usable.map { $0.tauPulls[j] }), delta = SampleSummary(usable.map { $0.deltaPulls[j] })
            return Pull(nuisance: rows[0].names[j], sigma: rows[0].sigmas[j], truthInSigma: truth?[j],
                        tauMean: tau.mean, tauStandardDeviation: tau.standardDeviation,
                        deltaMean: delta.mean, deltaStandardDeviation: delta.standardDeviation,
                        tauFittedMean: SampleSummary(usable.map { $0.tauNuisances[j] }).mean,
                        deltaFittedMean: SampleSummary(usable.map { $0.deltaNuisances[j] }).mean)
        }
    }

    static func ks(_ values: [Double], dof: Int) -> CampaignReport.KS? {
        guard !values.isEmpty, dof > 0 else { return nil }
        let test = KolmogorovSmirnov(sample: values, cdf: ChiSquared(degreesOfFreedom: Double(dof)).cdf)
        return CampaignReport.KS(statistic: test.statistic, pValue: test.pValue, toys: values.count)
    }

    private static func f(_ value: Double, _ digits: Int = 2) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : (value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"))
    }

    private static func g(_ value: Double) -> String { value.isFinite ? String(format: "%.3g", value) : f(value) }

    /// The report as text: the t report, then τ, Δ, t and the pulls.
    public var text: String {
        var lines = [t.text, "nuisances (P = \(parameters), n = \(nuisances)): τ against χ²_\(parameters + nuisances), Δ against χ²_\(nuisances), t = τ − Δ against χ²_\(parameters)"]
        for s in statistics {
            let ks = s.ks.map { "KS p = \(Self.g($0.pValue)) (D = \(Self.f($0.statistic, 3)))" } ?? "no KS"
            lines.append("  \(s.name.padding(toLength: 5, withPad: " ", startingAt: 0)) mean \(Self.f(s.mean)) ± \(Self.f(s.meanError)) against \(s.dof), s = \(Self.f(s.standardDeviation)), \(ks), \(s.toys) toys")
        }
        if let tauAgainstP {
            lines.append("  τ against χ²_\(parameters) (no Δ correction): KS p = \(Self.g(tauAgainstP.pValue)) (D = \(Self.f(tauAgainstP.statistic, 3)))")
        }
        lines.append("pulls (ν_fit − ν̂)/σ, mean ± std over the toys:")
        for p in pulls {
            let truth = p.truthInSigma.map { ", ν* = \(Self.g($0))σ" } ?? ""
            lines.append("  \(p.nuisance) (σ = \(Self.g(p.sigma))\(truth)): τ fit \(Self.f(p.tauMean)) ± \(Self.f(p.tauStandardDeviation)), Δ fit \(Self.f(p.deltaMean)) ± \(Self.f(p.deltaStandardDeviation)); mean fitted ν: τ \(Self.f(p.tauFittedMean, 4)), Δ \(Self.f(p.deltaFittedMean, 4))")
        }
        return lines.joined(separator: "\n")
    }
}

/// The pictures of a campaign with nuisances, as SVG (the paper's Fig. 5): τ and t with the χ²_P
/// and χ²_{P+n} densities, Δ with χ²_n, and the pulls of both fits with the unit Gaussian.
public enum NuisanceCampaignPlots {
    static func chiCurve(_ dof: Int, low: Double, high: Double) -> [(Double, Double)] {
        let chi2 = ChiSquared(degreesOfFreedom: Double(dof))
        return (0...200).map { k -> (Double, Double) in
            let x = max(0, low) + Double(k) / 200 * (high - max(0, low))
            return (x, Foundation.exp(chi2.logDensity(x)))
        }.filter { $0.1.isFinite }
    }

    /// Histograms of `series` (values, colour, label) on shared bins with the given curves.
    static func histograms(title: String, xLabel: String, series: [([Double], String, String)],
                           curves: [([(Double, Double)], String, String, String?)], low: Double, high: Double) -> String {
        let count = series.map(\.0.count).max() ?? 0
        let bins = HistogramBins.plotBinCount(values: count)
        let edges = (0...bins).map { low + Double($0) * (high - low) / Double(bins) }
        var plot = SVGPlot(title: title, xLabel: xLabel, yLabel: "probability density")
        var top = 0.0
        for (values, color, label) in series {
            let heights = HistogramBins.densities(values, low: low, high: high, bins: bins)
            plot.bars(edges: edges, heights: heights, fill: color, opacity: series.count > 1 ? 0.55 : 1, label: "\(label) (\(values.count))")
            top = max(top, heights.max() ?? 0)
        }
        for (points, color, label, dash) in curves {
            plot.line(points, color: color, width: 2.5, dash: dash, label: label)
            top = max(top, points.map(\.1).max() ?? 0)
        }
        plot.xRange = low...high
        plot.yRange = 0...(top * 1.15 + 1e-12)
        return plot.render()
    }

    /// The three plots of `records` (a campaign with nuisances): file name → SVG text.
    public static func plots(records: [FitRecord], report: NuisanceCampaignReport, name: String) -> [(String, String)] {
        let rows = records.compactMap(\.nuisances).filter { !$0.tauDiverged && !$0.deltaDiverged }
        let P = report.parameters, n = report.nuisances
        let tau = rows.map(\.tau).filter(\.isFinite), t = rows.map(\.t).filter(\.isFinite)
        let delta = rows.map(\.delta).filter(\.isFinite)
        let high = max(ChiSquared(degreesOfFreedom: Double(P + n)).quantile(0.999), (tau + t).max() ?? 0)
        let low = min(0, (tau + t).min() ?? 0)
        let tauPlot = histograms(title: "\(name): τ and t = τ − Δ, \(rows.count) toys", xLabel: "τ, t",
                                 series: [(tau, "#2ca02c", "τ"), (t, "#1f77b4", "t")],
                                 curves: [(chiCurve(P, low: low, high: high), "#1f77b4", "\(CampaignPlots.chiName(P)) density", nil),
                                          (chiCurve(P + n, low: low, high: high), "#2ca02c", "\(CampaignPlots.chiName(P + n)) density", "6,4")],
                                 low: low, high: high)
        let deltaHigh = max(ChiSquared(degreesOfFreedom: Double(n)).quantile(0.999), delta.max() ?? 0)
        let deltaPlot = histograms(title: "\(name): Δ, \(rows.count) toys", xLabel: "Δ", series: [(delta, "#ff7f0e", "Δ")],
                                   curves: [(chiCurve(n, low: 0, high: deltaHigh), "#d62728", "\(CampaignPlots.chiName(n)) density", nil)],
                                   low: min(0, delta.min() ?? 0), high: deltaHigh)
        let pulls = report.pulls.indices.flatMap { j in
            [(rows.map { $0.tauPulls[j] }, j == 0 ? "#2ca02c" : "#9467bd", "τ fit, \(report.pulls[j].nuisance)"),
             (rows.map { $0.deltaPulls[j] }, j == 0 ? "#1f77b4" : "#ff7f0e", "Δ fit, \(report.pulls[j].nuisance)")]
        }
        let extent = max(4, pulls.flatMap(\.0).filter(\.isFinite).map(abs).max() ?? 0)
        let gauss = (0...200).map { k -> (Double, Double) in
            let x = -extent + Double(k) / 100 * extent
            return (x, Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot())
        }
        let pullPlot = histograms(title: "\(name): pulls (ν_fit − ν̂)/σ", xLabel: "pull", series: pulls,
                                  curves: [(gauss, "#000000", "N(0, 1)", "6,4")], low: -extent, high: extent)
        return [("tau-t.svg", tauPlot), ("delta.svg", deltaPlot), ("pulls.svg", pullPlot)]
    }
}
