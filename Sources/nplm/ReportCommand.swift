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

    @Argument(help: "A campaign result file (from `nplm toys` or `nplm merge`); several signal campaigns of the kernel model against one --null: each one's report, then their power per width and per combination side by side (--alpha 0.00135: the probability of Z >= 3).")
    var files: [String]

    /// The (first) campaign file.
    var file: String { files[0] }

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
        guard !files.isEmpty else { throw ValidationError("name a campaign file (from nplm toys or nplm merge)") }
        try flagged { try KernelPowerComparison.check(files: files.count, nullFile: null) }
        if files.count > 1 {
            guard plots == nil else { throw ValidationError("--plots takes one campaign file: report the files one at a time for their plots") }
        }
    }

    func run() throws {
        if files.count > 1 {
            let comparison = try KernelPowerComparison(files: files, nullFile: null, alpha: alpha)
            print(json ? String(decoding: try NPLMJSON.encoder(pretty: true).encode(comparison), as: UTF8.self) : comparison.text)
            return
        }
        let records = try CampaignFile.read(file)
        let nullRecords = try null.map { try CampaignFile.read($0) }
        if records.first?.configuration?.kernel != nil {
            let report = try KernelCampaignReport(records: records, file: file, null: nullRecords, nullFile: null ?? "null", alpha: alpha)
            if plots != nil {
                // Per width, t against the χ² fitted to the null.
                try writePlots(KernelCampaignPlots.histograms(report: report, records: records, null: nullRecords,
                                                              name: URL(fileURLWithPath: file).lastPathComponent))
            }
            print(json ? String(decoding: try NPLMJSON.encoder(pretty: true).encode(report), as: UTF8.self) : report.text)
            return
        }
        if records.first?.nuisances != nil { return try runNuisance(records: records, nullRecords: nullRecords) }
        let report = try CampaignReport(records: records, file: file, null: nullRecords, nullFile: null ?? "null")
        if plots != nil {
            let name = URL(fileURLWithPath: file).lastPathComponent
            var drawings = [
                (file: "histogram.svg", svg: CampaignPlots.histogram(records: records, dof: report.dof,
                                                                     title: "\(name): t after \(report.epochs) epochs, \(records.count) toys",
                                                                     null: nullRecords)),
                (file: "percentiles.svg", svg: CampaignPlots.percentiles(report: report, title: "\(name): percentiles of t during training")),
            ]
            // The learned log-ratio of NPLM network campaigns; a campaign whose every fit diverged has none.
            if let configuration = records.first?.configuration, let logRatioFile = LogRatioPlots.fileName(campaign: configuration) {
                do {
                    drawings.append((logRatioFile, try LogRatioPlots.campaign(records: records, title: name)))
                } catch { note("--plots: no \(logRatioFile): \(error)") }
            }
            try writePlots(drawings)
        }
        if json {
            print(String(decoding: try NPLMJSON.encoder(pretty: true).encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
    }
}

extension ReportCommand {
    /// Writes the SVG `drawings` into the --plots folder (created if needed), all or none; a plot
    /// file that is an input of the report (the campaign or --null) is refused.
    func writePlots(_ drawings: [(file: String, svg: String)]) throws {
        guard let plots else { return }
        let paths = try OutputFolder.prepare(plots, parameter: .plots, files: drawings.map(\.file))
        try OutputTarget.refuseAliases(outputs: try paths.map { try AtomicWrite.checkWritable($0, label: "--plots \($0)") },
                                       inputs: [("the campaign file" as ErrorText, file)] + (null.map { [("--null" as ErrorText, $0)] } ?? []))
        try AtomicWrite.writeAll(zip(paths, drawings).map { AtomicWrite.Item(Data($1.svg.utf8), to: $0, label: "--plots \($0)") })
        if !json { note("wrote \(paths.joined(separator: ", "))") }
    }
}
