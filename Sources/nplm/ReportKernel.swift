import Foundation
import NPLM

extension ReportCommand {
    /// `report --plots` of a kernel campaign: per width, t against the χ² fitted to the null.
    func writeKernelPlots(report: KernelCampaignReport, records: [FitRecord], null nullRecords: [FitRecord]?, folder: String) throws {
        let name = URL(fileURLWithPath: file).lastPathComponent
        let plots = KernelCampaignPlots.histograms(report: report, records: records, null: nullRecords, name: name)
        let paths = try PlotFolder.prepare(folder, files: plots.map(\.file))
        try OutputTarget.refuseAliases(outputs: try paths.map { try AtomicWrite.checkWritable($0, label: "--plots \($0)") },
                                       inputs: [("the campaign file", file)] + (null.map { [("--null", $0)] } ?? []))
        try AtomicWrite.writeAll(zip(paths, plots).map { AtomicWrite.Item(Data($1.svg.utf8), to: $0, label: "--plots \($0)") })
        if !json { note("wrote \(paths.joined(separator: ", "))") }
    }
}
