import Foundation
import NPLMStatistics
import NPLMCore
import NPLMMethods

/// The few numbers printed at the end of a campaign run: toys, divergences, the mean t with its
/// error against the χ² mean (= dof), and the median t with its χ² p-value. `CampaignReport` is
/// the full account.
public struct CampaignSummary: Sendable, Equatable {
    /// t of the toys that did not diverge.
    public let statistics: [Double]
    public let diverged: Int
    public let dof: Int

    public init(records: [FitRecord], dof: Int) {
        statistics = records.filter { !$0.diverged }.map(\.t)
        diverged = records.filter(\.diverged).count
        self.dof = dof
    }

    public var toys: Int { statistics.count + diverged }

    /// Mean and median of the non-diverged t (nil when every toy diverged or there is none).
    public var sample: SampleSummary? { statistics.isEmpty ? nil : SampleSummary(statistics) }

    public var text: String {
        guard let summary = sample else {
            return toys == 0 ? "toys: 0 (no toy in this shard)" : "toys: \(toys) (all diverged)"
        }
        let median = summary.median
        return """
        toys: \(toys) (\(diverged) diverged)
        mean t: \(String(format: "%.3f", summary.mean)) ± \(String(format: "%.3f", summary.standardError)) (χ²_\(dof) mean: \(dof))
        median t: \(String(format: "%.3f", median)) (median p under χ²_\(dof): \(String(format: "%.3g", TestStatistic.p(t: median, dof: dof))))
        """
    }
}
