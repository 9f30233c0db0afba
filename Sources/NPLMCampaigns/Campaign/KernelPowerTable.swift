import Foundation
import NPLMCore

/// Several signal campaigns of the kernel model against one null campaign, side by side: the
/// probability that a signal toy reaches p ≤ α (α = 0.00135 is Z ≥ 3) per kernel width and per
/// multiple-testing combination over the widths, with its binomial error — the kind of table
/// of the kernel NPLM's multiple-testing study (Grosso, Letizia et al.; its Table 1, "EXPO 1D").
/// Each power comes from the signal's `KernelCampaignReport`: per width against the χ² fitted to
/// the null toys and against the null toys themselves, per combination against the null toys and
/// against the Gaussian copula of the widths' fitted χ²; the null toys' calibrations cannot reach
/// below α = 1/(1 + N_null), and the fitted ones are upper estimates at small α.
public struct KernelPowerTable: Codable, Sendable {
    /// One signal campaign.
    public struct Column: Codable, Sendable {
        public var file: String
        public var signal: String
        public var signalEvents: Double
        /// Its toys with a finite t at every width.
        public var toys: Int
    }

    /// One test (a width or a combination) under one calibration: the power of each column and
    /// its binomial error √(P(1 − P)/N), nil where that calibration is not available.
    public struct Row: Codable, Sendable {
        public var test: String
        public var calibration: String
        public var power: [Double?]
        public var error: [Double?]
    }

    public var alpha: Double
    public var nullToys: Int
    /// The smallest α the null toys resolve, 1/(1 + N_null).
    public var smallestEmpiricalAlpha: Double
    public var columns: [Column]
    public var rows: [Row]

    /// The table of `reports` (each a signal campaign's report against the same null campaign, at
    /// the same α, over the same widths), in the order given; `files` names them.
    public init(reports: [KernelCampaignReport], files: [String]) throws {
        precondition(reports.count == files.count)
        guard let first = reports.first else { throw NPLMError.invalidArgument("a power table needs signal campaigns") }
        for (report, file) in zip(reports, files) {
            guard let nullToys = report.nullToys, report.widths.allSatisfy({ $0.power != nil }) else {
                throw NPLMError.invalidInput(file: "\(file)", "is not a signal campaign reported against a null campaign (\(Parameter.null))")
            }
            guard report.widths.map(\.width) == first.widths.map(\.width), report.alpha == first.alpha, nullToys == first.nullToys else {
                throw NPLMError.invalidInput(file: "\(file)", "has other widths than \(files[0]) (\(first.widths.map(\.width))); a power table compares campaigns of the same widths")
            }
        }
        alpha = first.alpha
        nullToys = first.nullToys ?? 0
        smallestEmpiricalAlpha = 1 / Double(1 + nullToys)
        let columns = zip(reports, files).map { report, file in
            Column(file: file, signal: report.signal, signalEvents: report.signalEvents, toys: report.widths.first?.toys ?? 0)
        }
        self.columns = columns
        func row(_ test: String, _ calibration: String, _ power: (KernelCampaignReport) -> Double?) -> Row {
            let values = reports.map(power)
            let errors = zip(values, columns).map { value, column in
                value.map { ($0 * (1 - $0) / Double(max(column.toys, 1))).squareRoot() }
            }
            return Row(test: test, calibration: calibration, power: values, error: errors)
        }
        let widthRows = first.widths.indices.flatMap { w -> [Row] in
            let test = "σ = " + String(format: "%g", first.widths[w].width)
            return [row(test, "χ² fit", { $0.widths[w].powerFitted }), row(test, "empirical", { $0.widths[w].power })]
        }
        let combinationRows = first.combinations.indices.flatMap { c -> [Row] in
            let test = first.combinations[c].name
            return [row(test, "copula", { $0.combinations[c].powerCopula }), row(test, "empirical", { $0.combinations[c].power })]
        }
        rows = widthRows + combinationRows
    }

    public var text: String {
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let space = String(repeating: " ", count: max(1, n - s.count))
            return left ? s + space : space + s
        }
        let signals = columns.map { "\($0.signal), N_S = \(String(format: "%g", $0.signalEvents)), \($0.toys) toys" }
        let width = 2 + max(13, (columns.map(\.file.count) + signals.map(\.count)).max() ?? 0)
        // Beyond the null toys' reach an empirical power is 0 by construction: shown as "—".
        let unreachable = alpha < smallestEmpiricalAlpha
        var lines = [String(format: "power at α = %g (p ≤ α; α = 0.00135 is Z ≥ 3) ± binomial error, against %d null toys", alpha, nullToys)]
        if unreachable {
            lines.append(String(format: "(empirical rows —: %d null toys resolve p down to %.3g only)", nullToys, smallestEmpiricalAlpha))
        }
        lines.append(pad("", 20, left: true) + columns.map { pad($0.file, width) }.joined())
        lines.append(pad("", 20, left: true) + signals.map { pad($0, width) }.joined())
        var previous = ""
        for row in rows {
            let cells = zip(row.power, row.error).map { power, error -> String in
                guard let power, let error, !(unreachable && row.calibration == "empirical") else { return pad("—", width) }
                return pad(String(format: "%.3f ± %.3f", power, error), width)
            }
            lines.append(pad(row.test == previous ? "" : row.test, 10, left: true) + pad(row.calibration, 10, left: true) + cells.joined())
            previous = row.test
        }
        return lines.joined(separator: "\n")
    }
}

/// Several kernel-model signal campaigns against one null campaign as `nplm report` gives them:
/// each one's report, then their `KernelPowerTable`.
public struct KernelPowerComparison: Codable, Sendable {
    public var reports: [KernelCampaignReport]
    public var table: KernelPowerTable

    /// Refuses several campaign files without the null campaign they are reported against.
    public static func check(files: Int, nullFile: String?) throws {
        if files > 1, nullFile == nil { throw missingNull }
    }

    private static var missingNull: NPLMError {
        .invalidArgument("several campaign files are signal campaigns of the kernel model reported against one null campaign: give \(Parameter.null)")
    }

    /// The campaigns in `files` against the null campaign in `nullFile` (required, as `check`
    /// says), powers at level `alpha`.
    public init(files: [String], nullFile: String?, alpha: Double) throws {
        guard let nullFile else { throw Self.missingNull }
        let null = try CampaignFile.read(nullFile)
        reports = try files.map { file -> KernelCampaignReport in
            let records = try CampaignFile.read(file)
            guard records.first?.configuration?.kernel != nil else {
                throw NPLMError.invalidInput(file: "\(file)", "is not a kernel-model campaign: several campaign files are reported side by side only for the kernel model")
            }
            return try KernelCampaignReport(records: records, file: file, null: null, nullFile: nullFile, alpha: alpha)
        }
        table = try KernelPowerTable(reports: reports, files: files)
    }

    /// The reports' texts, then the table's.
    public var text: String { (reports.map(\.text) + [table.text]).joined(separator: "\n\n") }
}
