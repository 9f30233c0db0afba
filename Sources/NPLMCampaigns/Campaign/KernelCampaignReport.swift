import Foundation
import NPLMStatistics
import NPLMCore
import NPLMMethods

/// What a kernel-model campaign says (`nplm report` on a `--model kernel` file): per width the
/// null's fitted χ² dof and, for a signal campaign against a null campaign, the median Z (against
/// the fitted χ² and empirical) and the power at α; then the multiple-testing combinations over the
/// widths (min-p, avg-p, prod-p, smax-t), each calibrated on the null toys, side by side.
public struct KernelCampaignReport: Codable, Sendable {
    /// One kernel width's t over the toys: its null χ² fit, median Z and power.
    public struct Width: Codable, Sendable {
        public var width: Double
        public var toys: Int
        public var meanT: Double
        public var medianT: Double
        /// χ² fitted to the null campaign's t at this width (the file itself when it is a null).
        public var nullFit: ChiSquaredFit?
        /// Signal campaigns: median Z against the fitted χ² (± error) and against the null toys.
        public var medianZFitted: Double?
        public var medianZFittedError: Double?
        public var medianZEmpirical: Double?
        /// Fraction of signal toys with empirical p ≤ α.
        public var power: Double?
        /// Fraction of signal toys with p ≤ α against the fitted χ²: the power at levels beyond the
        /// null toys' reach (α = 0.00135, Z ≥ 3, needs ≳ 1000 null toys empirically).
        public var powerFitted: Double?
    }

    /// A multiple-testing combination over the widths (min-p, avg-p, prod-p, smax-t): median Z and
    /// power, calibrated on the null toys and, beyond their reach, on the Gaussian copula of the
    /// widths' fitted χ² (`CopulaCalibration`; liberal at small α where the χ² fits are: on kernel
    /// t of seven widths, fresh null toys reached α = 0.00135 1.8–2.8 times as often).
    public struct Combination: Codable, Sendable {
        public var name: String
        public var medianZEmpirical: Double
        public var power: Double
        public var medianZCopula: Double?
        public var powerCopula: Double?
        /// Fraction of the null toys with copula p ≤ `copulaCheckLevel` (≈ that level where the copula holds).
        public var copulaNullCheck: Double?
    }

    /// Simulated null vectors of the copula calibration: its p-values resolve 1/(1 + draws), and
    /// P(p ≤ 0.00135) is counted on ≈ 270 of them.
    public static let copulaDraws = 200_000
    /// The level of the copula's check on the null toys.
    public static let copulaCheckLevel = 0.05

    public var campaign: String
    /// How the toys' samples departed from the benchmark's defaults (`samplingDescription`: a
    /// reference sample per toy, a truncated background); nil otherwise.
    public var sampling: String?
    public var toys: Int
    public var diverged: Int
    public var centres: Int
    public var lambda: Double
    public var signal: String
    public var signalEvents: Double
    public var idealZ: Double?
    public var nullToys: Int?
    public var alpha: Double
    /// The largest Z the null toys can support, Φ⁻¹(1 − 1/(1 + N_null)).
    public var largestEmpiricalZ: Double?
    public var widths: [Width]
    public var combinations: [Combination]
    /// What the reader should know (a null campaign of another seed, hence reference sample).
    public var notes: [String] = []

    /// `records` a kernel campaign; `null` its null campaign (same widths), if any; `alpha` the
    /// level of the power.
    public init(records: [FitRecord], file: String, null: [FitRecord]?, nullFile: String, alpha: Double = 0.05) throws {
        func kernelRows(_ records: [FitRecord], _ file: String) throws -> [KernelRecord] {
            try records.enumerated().map { k, record in
                guard let kernel = record.kernel else {
                    throw NPLMError.invalidInput(file: "\(file)", "line \(k + 1) is not a kernel-model record (mixing \(Parameter.model) network and kernel files?)")
                }
                return kernel
            }
        }
        guard let first = records.first, let configuration = first.configuration, let options = configuration.kernel else {
            throw NPLMError.invalidInput(file: "\(file)", "holds no kernel-model campaign records")
        }
        guard alpha > 0 && alpha < 1 else { throw NPLMError.invalidArgument("\(Parameter.alpha) must be in (0, 1), got \(alpha)") }
        let rows = try kernelRows(records, file)
        let widthList = rows[0].widths
        guard rows.allSatisfy({ $0.widths == widthList }) else {
            throw NPLMError.invalidInput(file: "\(file)", "the records have different widths (several campaigns in one file?)")
        }
        campaign = first.campaign ?? "?"
        sampling = configuration.samplingDescription
        toys = rows.count
        diverged = rows.filter { $0.t.contains { !$0.isFinite } }.count
        centres = rows[0].centres
        lambda = options.lambda
        self.alpha = alpha
        let (kind, events) = configuration.signal
        signal = kind.rawValue
        signalEvents = configuration.hasSignal ? events : 0
        idealZ = configuration.hasSignal
            ? configuration.idealSignificance
            : nil

        if let null {
            try configuration.checkNull(null, nullFile: nullFile, file: file)
            if let note = configuration.referenceNote(null: null) { notes.append(note) }
        }
        let nullRows = try null.map { try kernelRows($0, nullFile) }
        if let nullRows {
            guard nullRows.first?.widths == widthList, nullRows.allSatisfy({ $0.widths == widthList }) else {
                throw NPLMError.invalidInput(file: "\(nullFile)", "the null campaign's widths differ from \(file)'s (\(widthList))")
            }
        }
        let finite = rows.filter { $0.t.allSatisfy(\.isFinite) }
        let nullFinite = (nullRows ?? (configuration.hasSignal ? nil : rows))?.filter { $0.t.allSatisfy(\.isFinite) }
        nullToys = nullFinite?.count
        largestEmpiricalZ = nullFinite.map { EmpiricalPValue.largestZ(nullCount: $0.count) }
        let calibration = try nullFinite.flatMap { $0.count >= 2 ? try MultipleTestingCalibration(null: $0.map(\.t)) : nil }
        let isSignal = nullRows != nil
        // A signal campaign's p-values against a calibration: Z of their median, and power at α.
        func summary(_ ps: [Double]) -> (z: Double, power: Double) {
            (Significance.z(p: MedianSignificance.median(ps)), Double(ps.filter { $0 <= alpha }.count) / Double(ps.count))
        }
        widths = widthList.indices.map { w in
            let ts = finite.map { $0.t[w] }
            var row = Width(width: widthList[w], toys: ts.count, meanT: ts.isEmpty ? .nan : SampleSummary(ts).mean,
                            medianT: ts.isEmpty ? .nan : SampleSummary(ts).median)
            row.nullFit = nullFinite.flatMap { ChiSquaredFit(null: $0.map { $0.t[w] }) }
            if isSignal, !ts.isEmpty, let calibration {
                if let fit = row.nullFit {
                    let median = MedianSignificance(signal: ts, degreesOfFreedom: fit.degreesOfFreedom)
                    row.medianZFitted = median.z
                    row.medianZFittedError = median.error
                    let chi2 = ChiSquared(degreesOfFreedom: fit.degreesOfFreedom)
                    row.powerFitted = Double(ts.filter { chi2.logSurvival($0) <= Foundation.log(alpha) }.count) / Double(ts.count)
                }
                let empirical = summary(finite.map { calibration.pValues($0.t)[w] })
                (row.medianZEmpirical, row.power) = (empirical.z, empirical.power)
            }
            return row
        }
        if isSignal, widthList.count > 1, let calibration, let nullFinite, !finite.isEmpty {
            let combined = finite.map { calibration.combinedPValues($0.t) }
            let dofs = widths.compactMap { $0.nullFit?.degreesOfFreedom }
            var stream = RandomStream(seed: 0, toy: 0, purpose: .copulaCalibration)
            let copula = dofs.count == widthList.count
                ? CopulaCalibration(null: nullFinite.map(\.t), degreesOfFreedom: dofs, draws: Self.copulaDraws) { stream.gaussian() }
                : nil
            let copulaCombined = copula.map { copula in finite.map { copula.combinedPValues($0.t) } }
            let check = copula?.rate(nullFinite.map(\.t), level: Self.copulaCheckLevel)
            combinations = WidthCombination.allCases.map { c in
                let empirical = summary(combined.map { $0[c]! })
                var row = Combination(name: c.rawValue, medianZEmpirical: empirical.z, power: empirical.power)
                if let copulaCombined {
                    let fitted = summary(copulaCombined.map { $0[c]! })
                    (row.medianZCopula, row.powerCopula, row.copulaNullCheck) = (fitted.z, fitted.power, check?[c])
                }
                return row
            }
        } else {
            combinations = []
        }
    }

    public var text: String {
        func f(_ x: Double?, _ digits: Int = 2) -> String {
            guard let x else { return "" }
            return x.isFinite ? String(format: "%.\(digits)f", x) : "\(x)"
        }
        // Right-aligned after at least one space: columns never run together.
        func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(1, n - s.count)) + s }
        var lines: [String] = []
        lines.append("campaign \(campaign): kernel model, M = \(centres) centres, λ = \(lambda), \(widths.count) width(s)\(sampling.map { "; \($0)" } ?? "")")
        lines.append("toys: \(toys) (\(diverged) diverged)" + (signalEvents > 0 ? "; signal \(signal), N_S = \(f(signalEvents, 0))" : "; null"))
        if let nullToys { lines.append("null toys: \(nullToys) (largest empirical Z \(f(largestEmpiricalZ)))") }
        let isSignal = widths.contains { $0.power != nil }
        var header = pad("σ", 9) + pad("mean t", 10) + pad("median t", 10) + pad("null dof", 10) + pad("KS p", 8)
        if isSignal { header += pad("Z (χ² fit)", 16) + pad("Z (empirical)", 15) + pad("power@\(alpha)", 12) + pad("(χ² fit)", 10) }
        lines.append(header)
        for w in widths {
            var line = pad(String(format: "%.4g", w.width), 9) + pad(f(w.meanT), 10) + pad(f(w.medianT), 10)
                + pad(f(w.nullFit?.degreesOfFreedom), 10) + pad(w.nullFit.map { String(format: "%.3g", $0.ksPValue) } ?? "", 8)
            if isSignal {
                line += pad(w.medianZFitted.map { "\(f($0)) ± \(f(w.medianZFittedError))" } ?? "", 16)
                    + pad(f(w.medianZEmpirical), 15) + pad(f(w.power, 3), 12) + pad(f(w.powerFitted, 3), 10)
            }
            lines.append(line)
        }
        if !combinations.isEmpty {
            lines.append("multiple testing over the widths (calibrated on the null toys, leave-one-out; and on the Gaussian copula")
            lines.append("of the widths' fitted χ², \(Self.copulaDraws) simulated null vectors, an upper estimate at small α;")
            lines.append("null@\(Self.copulaCheckLevel): the null toys' own rate):")
            lines.append(pad("test", 9) + pad("Z (empirical)", 15) + pad("power@\(alpha)", 12) + pad("Z (copula)", 12) + pad("(copula)", 10)
                         + pad("null@\(Self.copulaCheckLevel)", 11))
            for c in combinations {
                lines.append(pad(c.name, 9) + pad(f(c.medianZEmpirical), 15) + pad(f(c.power, 3), 12) + pad(f(c.medianZCopula), 12)
                             + pad(f(c.powerCopula, 3), 10) + pad(f(c.copulaNullCheck, 3), 11))
            }
        }
        if let idealZ { lines.append("ideal Z_id: \(f(idealZ))") }
        lines += notes.map { "note: \($0)" }
        if widths.contains(where: { ($0.nullFit?.leftOut ?? 0) > 0 }) {
            lines.append("(null toys with t ≤ 0 are left out of the χ² fit: " + widths.map { "\($0.nullFit?.leftOut ?? 0)" }.joined(separator: ", ") + ")")
        }
        return lines.joined(separator: "\n")
    }
}
