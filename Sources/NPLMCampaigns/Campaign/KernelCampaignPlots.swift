import Foundation
import NPLMMethods

/// The pictures of a kernel-model campaign (`nplm report --plots`), as SVG: for every width, the
/// histogram of the toys' t (the null campaign's behind it in grey, when given) against the χ²
/// whose degrees of freedom were fitted to the null toys — the kernel t has no asymptotic χ²
/// (Letizia et al., "Learning new physics efficiently with nonparametric methods", fit the null
/// distribution the same way).
public enum KernelCampaignPlots {
    /// The file of width σ's histogram: "t-sigma-2.4.svg".
    public static func fileName(width: Double) -> String { "t-sigma-\(String(format: "%g", width)).svg" }

    /// One histogram per width of `report`, with its file name.
    public static func histograms(report: KernelCampaignReport, records: [FitRecord], null: [FitRecord]?,
                                  name: String) -> [(file: String, svg: String)] {
        report.widths.enumerated().map { w, row in
            let t = records.map { $0.kernel?.t[w] ?? .nan }
            let nullT = (null ?? []).map { $0.kernel?.t[w] ?? .nan }
            let curve = row.nullFit.map { ($0.degreesOfFreedom, "null fit: χ², dof \(String(format: "%.2f", $0.degreesOfFreedom))") }
            let title = "\(name): t at σ = \(String(format: "%g", row.width)), \(row.toys) toys"
            return (fileName(width: row.width), CampaignPlots.histogram(t: t, null: nullT, chiSquared: curve, title: title))
        }
    }
}
