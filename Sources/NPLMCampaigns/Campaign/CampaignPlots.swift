import Foundation
import NPLMStatistics
import NPLMMethods

/// The two pictures of a campaign, as SVG: the t histogram with the χ²_dof density (D'Agnolo et al.
/// Fig. 1, left) and the percentiles of t along training against the χ²_dof ones (Fig. 1, right).
public enum CampaignPlots {
    /// "χ²₁₃" for 13 degrees of freedom.
    static func chiName(_ dof: Int) -> String {
        let subscripts = Array("₀₁₂₃₄₅₆₇₈₉")
        return "χ²" + String(String(dof).compactMap { $0.wholeNumberValue.map { subscripts[$0] } })
    }

    /// Histogram of the finite t of `records` as a density (counts / (n × bin width)), with the
    /// χ²_dof density; the null campaign's t in grey when given.
    public static func histogram(records: [FitRecord], dof: Int, title: String, null: [FitRecord]? = nil) -> String {
        histogram(t: records.map(\.t), null: (null ?? []).map(\.t), chiSquared: (Double(dof), "\(chiName(dof)) density"), title: title)
    }

    /// Histogram of the finite values of `t` as a density (counts / (n × bin width)), the finite
    /// `null` values in grey behind it, and the density of χ² with `chiSquared.dof` degrees of
    /// freedom (any positive real: the fitted dof of a kernel null) labelled `chiSquared.label`.
    public static func histogram(t allT: [Double], null allNull: [Double], chiSquared: (dof: Double, label: String)?,
                                 title: String) -> String {
        let t = allT.filter(\.isFinite)
        let nullT = allNull.filter(\.isFinite)
        let chi2 = chiSquared.map { ChiSquared(degreesOfFreedom: $0.dof) }
        let all = t + nullT
        let low = min(0, all.min() ?? 0)
        let high = max(chi2?.quantile(0.999) ?? 0, all.max() ?? 0, low + 1)
        let bins = HistogramBins.plotBinCount(values: max(t.count, nullT.count))
        let width = (high - low) / Double(bins)
        let edges = (0...bins).map { low + Double($0) * width }
        // Every fit diverged: no values, nothing to draw.
        let heights = HistogramBins.densities(t, low: low, high: high, bins: bins)
        let nullHeights = HistogramBins.densities(nullT, low: low, high: high, bins: bins)
        var plot = SVGPlot(title: title, xLabel: "t", yLabel: "probability density")
        if !nullT.isEmpty { plot.bars(edges: edges, heights: nullHeights, fill: "#9a9a9a", label: "null toys (\(nullT.count))") }
        if !t.isEmpty { plot.bars(edges: edges, heights: heights, fill: "#4a7ab8", opacity: nullT.isEmpty ? 1 : 0.7, label: "toys (\(t.count))") }
        var curve: [(Double, Double)] = []
        if let chi2, let chiSquared {
            curve = (0...200).map { k -> (Double, Double) in
                let x = max(0, low) + Double(k) / 200 * (high - max(0, low))
                return (x, Foundation.exp(chi2.logDensity(x)))
            }.filter { $0.1.isFinite }
            plot.line(curve, color: "#d62728", width: 2.5, label: chiSquared.label)
        }
        let top = max(heights.max() ?? 0, nullHeights.max() ?? 0, curve.map(\.1).max() ?? 0)
        plot.xRange = low...high
        plot.yRange = 0...(top * 1.15 + 1e-12)
        return plot.render()
    }

    /// Percentiles (5, 16, 50, 84, 95 %) of t at every checkpoint, against the χ²_dof percentiles
    /// drawn as dashed lines with the 16–84 % and 5–95 % bands shaded.
    public static func percentiles(report: CampaignReport, title: String) -> String {
        var plot = SVGPlot(title: title, xLabel: "training epoch", yLabel: "t")
        let epochs = report.checkpoints.map { Double($0.epoch) }
        let span = (epochs.first ?? 0)...(epochs.last ?? 1)
        let ends = span.lowerBound == span.upperBound ? [0, span.upperBound] : [span.lowerBound, span.upperBound]
        let q = report.chiSquaredPercentiles
        let flat = { (value: Double) in ends.map { ($0, value) } }
        plot.band(lower: flat(q[0]), upper: flat(q[4]), color: "#d62728", opacity: 0.12, label: "\(chiName(report.dof)) 5–95 %")
        plot.band(lower: flat(q[1]), upper: flat(q[3]), color: "#d62728", opacity: 0.22, label: "\(chiName(report.dof)) 16–84 %")
        plot.line(flat(q[2]), color: "#d62728", width: 1.5, dash: "6,4", label: "\(chiName(report.dof)) median")
        let colors = ["#1f77b4", "#2ca02c", "#000000", "#2ca02c", "#1f77b4"]
        for (k, level) in CampaignReport.levels.enumerated() {
            let points = report.checkpoints.map { (Double($0.epoch), $0.percentiles[k]) }
            plot.line(points, color: colors[k], width: level == 50 ? 2.5 : 1.8,
                      label: k <= 2 ? "toys \(Int(level))%\(k < 2 ? ", \(Int(CampaignReport.levels[4 - k]))%" : "")" : nil)
            if points.count < 30 { plot.markers(points, color: colors[k]) }
        }
        let values = report.checkpoints.flatMap(\.percentiles).filter(\.isFinite) + q
        // Early epochs can give very negative t (a random initial network fits worse than f = 0);
        // the axis stops at −½ × the top so that the converged region stays readable.
        let high = values.max() ?? 1, low = max(min(0, values.min() ?? 0), -0.5 * abs(high))
        plot.yRange = (low - 0.05 * (high - low))...(high + 0.1 * (high - low))
        plot.xRange = 0...max(span.upperBound, 1)
        return plot.render()
    }
}
