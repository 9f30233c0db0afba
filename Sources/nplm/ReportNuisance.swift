import Foundation
import NPLM

extension ReportCommand {
    /// `nplm report` of a campaign with nuisances: the t report, then τ, Δ, t and the pulls;
    /// --plots adds tau-t.svg, delta.svg and pulls.svg.
    func runNuisance(records: [FitRecord], nullRecords: [FitRecord]?) throws {
        let report = try NuisanceCampaignReport(records: records, file: file, null: nullRecords, nullFile: null ?? "null")
        if plots != nil {
            let name = URL(fileURLWithPath: file).lastPathComponent
            var files = NuisanceCampaignPlots.plots(records: records, report: report, name: name)
            files.append(("percentiles.svg", CampaignPlots.percentiles(report: report.t, title: "\(name): percentiles of t = τ − Δ during training")))
            try writePlots(files.map { ($0.0, $0.1) })
        }
        print(json ? String(decoding: try NPLMJSON.encoder(pretty: true).encode(report), as: UTF8.self) : report.text)
    }
}
