import ArgumentParser
import Foundation
import NPLM

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise a campaign file: ⟨t⟩ against dof, percentiles along training, KS p-value, median Z.",
        discussion: """
        Toys and diverged fits; mean t ± its error against dof; the 5, 16, 50, 84 and 95 % percentiles \
        of t at every history checkpoint against the chi2_dof percentiles; the Kolmogorov-Smirnov \
        p-value of the final t against chi2_dof; for a signal campaign the median Z with its error \
        (asymptotic, and empirical against --null) beside the ideal Z_id. For the symmetric preset t is \
        t_A+B (or t^delta). --plots writes histogram.svg and percentiles.svg (drawn by nplm itself) and, for NPLM network \
        campaigns, log-ratio.svg (1-D: f(x) of the median toy, its 16-84 % band over toys and the true \
        log-ratio) or, for Gaussian-mixture campaigns, marginals.svg (the median toy's data, reference, \
        e^f·reference and e^r·reference with the exact log-ratio r, per feature). \
        Campaigns with --nuisances: also tau, Delta and t = tau - Delta against chi2_{P+n}, chi2_n and \
        chi2_P (means, KS p-values) and the pulls of nu; --plots writes tau-t.svg, delta.svg, pulls.svg.
        """)

    @Argument(help: "A campaign result file (from `nplm toys` or `nplm merge`).")
    var file: String

    @Option(help: "A null campaign (same options, no signal) for the empirical significance.")
    var null: String?

    @Flag(help: "Print the summary as one JSON object instead of text.")
    var json = false

    @Option(help: "Write histogram.svg, percentiles.svg and (NPLM network campaigns) log-ratio.svg (1-D) or marginals.svg (Gaussian mixture) into this folder (created if needed); kernel campaigns: t-sigma-σ.svg per width.")
    var plots: String?

    @Option(help: "Kernel campaigns: the level α of the power (fraction of signal toys with empirical p ≤ α).")
    var alpha: Double = 0.05

    func validate() throws {
        guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must be in (0, 1), got \(alpha)") }
    }

    func run() throws {
        let records = try CampaignFile.read(file)
        let nullRecords = try null.map { try CampaignFile.read($0) }
        if records.first?.configuration?.kernel != nil {
            let report = try KernelCampaignReport(records: records, file: file, null: nullRecords, nullFile: null ?? "null", alpha: alpha)
            if let plots { try writeKernelPlots(report: report, records: records, null: nullRecords, folder: plots) }
            print(json ? String(decoding: try NPLMJSON.encoder(pretty: true).encode(report), as: UTF8.self) : report.text)
            return
        }
        if records.first?.nuisances != nil { return try runNuisance(records: records, nullRecords: nullRecords) }
        let report = try CampaignReport(records: records, file: file, null: nullRecords, nullFile: null ?? "null")
        if let plots {
            let name = URL(fileURLWithPath: file).lastPathComponent
            // The learned log-ratio of NPLM network campaigns; a campaign whose every fit diverged has none.
            var logRatio: (file: String, svg: String)?
            if let configuration = records.first?.configuration, let logRatioFile = LogRatioPlots.fileName(campaign: configuration) {
                do {
                    logRatio = (logRatioFile, try LogRatioPlots.campaign(records: records, title: name))
                } catch { note("--plots: no \(logRatioFile): \(error)") }
            }
            let paths = try PlotFolder.prepare(plots, files: ["histogram.svg", "percentiles.svg"] + (logRatio.map { [$0.file] } ?? []))
            try OutputTarget.refuseAliases(outputs: try paths.map { try AtomicWrite.checkWritable($0, label: "--plots \($0)") },
                                           inputs: [("the campaign file", file)] + (null.map { [("--null", $0)] } ?? []))
            let histogram = CampaignPlots.histogram(records: records, dof: report.dof,
                                                    title: "\(name): t after \(report.epochs) epochs, \(records.count) toys",
                                                    null: nullRecords)
            let percentiles = CampaignPlots.percentiles(report: report, title: "\(name): percentiles of t during training")
            try AtomicWrite.writeAll(zip(paths, [histogram, percentiles] + (logRatio.map { [$0.svg] } ?? [])).map {
                AtomicWrite.Item(Data($1.utf8), to: $0, label: "--plots \($0)")
            })
            if !json { note("wrote \(paths.joined(separator: ", "))") }
        }
        if json {
            print(String(decoding: try NPLMJSON.encoder(pretty: true).encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
    }
}
