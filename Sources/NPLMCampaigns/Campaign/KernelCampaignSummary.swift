import Foundation
import NPLMStatistics
import NPLMMethods

/// The few numbers printed at the end of a kernel-model campaign run: toys, divergences, M, and
/// per width the mean t with its error and the median t. `KernelCampaignReport` is the full
/// account (the kernel t has no asymptotic χ²: its dof is fitted on a null campaign).
public struct KernelCampaignSummary: Sendable {
    /// The kernel results of the records (records of other models are left out).
    public let rows: [KernelRecord]

    public init(records: [FitRecord]) {
        rows = records.compactMap(\.kernel)
    }

    public var text: String {
        guard let widths = rows.first?.widths else { return "toys: 0" }
        var lines = ["toys: \(rows.count) (\(rows.filter { $0.t.contains { !$0.isFinite } }.count) diverged), M = \(rows[0].centres) centres"]
        for w in widths.indices {
            let ts = rows.map { $0.t[w] }.filter(\.isFinite)
            guard !ts.isEmpty else { continue }
            let summary = SampleSummary(ts)
            lines.append("σ = \(String(format: "%.6g", widths[w])): mean t \(String(format: "%.3f", summary.mean)) ± \(String(format: "%.3f", summary.standardError)), median t \(String(format: "%.3f", summary.median))")
        }
        lines.append("(the kernel t has no asymptotic χ²: `nplm report` fits its dof on a null campaign)")
        return lines.joined(separator: "\n")
    }
}

extension CampaignSummary {
    /// The end-of-run summary of a campaign's records: `KernelCampaignSummary` for the kernel
    /// model, `CampaignSummary` against χ²_dof for the networks.
    public static func text(records: [FitRecord], configuration: CampaignConfiguration) -> String {
        if configuration.kernel != nil { return KernelCampaignSummary(records: records).text }
        return CampaignSummary(records: records, dof: configuration.degreesOfFreedom).text
    }
}
