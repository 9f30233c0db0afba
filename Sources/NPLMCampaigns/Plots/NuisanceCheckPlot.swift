import Foundation
import NPLMMethods

extension NuisanceCheckReport {
    /// The plot of the 002 Fig. 3 kind: the learned log-ratio (solid), the exact one (dashed) and
    /// the binned ratio of the samples (dots) against x, one colour per nuisance point.
    public func plot(title: String) -> String {
        let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
        var plot = SVGPlot(title: title, xLabel: feature == 0 ? "x" : "x[\(feature)]", yLabel: "log r(x; ν)")
        let order = curves.indices.sorted { curves[$0].nu < curves[$1].nu }
        for (rank, index) in order.enumerated() {
            let curve = curves[index], color = palette[rank % palette.count]
            plot.line(Array(zip(curve.x, curve.learned)), color: color, label: String(format: "ν = %g: learned", curve.nu))
            if let exact = curve.exact { plot.line(Array(zip(curve.x, exact)), color: color, width: 1.5, dash: "6,4") }
            plot.markers(curve.bins.map { ($0.center, $0.binned) }, color: color)
        }
        if curves.contains(where: { $0.exact != nil }) { plot.line([], color: "#555555", dash: "6,4", label: "exact") }
        plot.markers([], color: "#555555", label: "binned samples")
        return plot.render()
    }
}
