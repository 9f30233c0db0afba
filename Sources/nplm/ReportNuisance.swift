import Foundation
import NPLM

extension ReportCommand {
    /// `nplm report` of a campaign with nuisances: the t report, then τ, Δ, t and the pulls;
    /// --plots adds tau-t.svg, delta.svg and pulls.svg.
    func runNuisance(records: [FitRecord], nullRecords: [FitRecord]?) throws {
        let report = try NuisanceCampaignReport(records: records, file: file, null: nullRecords, nullFile: null ?? "null")
        if let plots {
            _ = try PlotFolder.prepare(plots, files: [])
            let name = URL(fileURLWithPath: file).lastPathComponent
            var files = NuisanceCampaignPlots.plots(records: records, report: report, name: name)
            files.append(("percentiles.svg", CampaignPlots.percentiles(report: report.t, title: "\(name): percentiles of t = τ − Δ during training")))
            for (plotName, text) in files {
                let path = URL(fileURLWithPath: plots).appendingPathComponent(plotName).path
                try AtomicWrite.write(Data(text.utf8), to: path, label: "--plots \(plots): \(plotName)")
            }
            if !json { note("wrote \(files.map { "\(plots)/\($0.0)" }.joined(separator: ", "))") }
        }
        print(json ? String(decoding: try NPLMJSON.encoder(pretty: true).encode(report), as: UTF8.self) : report.text)
    }
}
