import Foundation
import NPLMStatistics
import NPLMCore
import NPLMData
import NPLMMethods

/// What a campaign file says: toys, divergences, ⟨t⟩ against dof, percentiles of t along training
/// against the χ²_dof ones (D'Agnolo et al., Imperfect Machine, Fig. 1), the KS p-value against χ²_dof at the final epoch and,
/// for a signal campaign, the median significance (Bressler et al., Symmetrized Approach, §IV B) beside the ideal one Z_id.
///
/// Diverged toys (t = +∞) are counted and listed apart; the mean, the percentiles and the KS test
/// use the finite t, while the median Z keeps them (as +∞, above every finite value).
public struct CampaignReport: Codable, Sendable {
    /// t along training: the percentiles of t = −2 × the loss at one history checkpoint.
    public struct Checkpoint: Codable, Sendable {
        public var epoch: Int
        /// Toys with a finite t at this checkpoint.
        public var toys: Int
        /// Percentiles `CampaignReport.levels` of t = −2 × the loss at this epoch.
        public var percentiles: [Double]
    }

    /// The Kolmogorov–Smirnov test of the finite t against χ²_dof.
    public struct KS: Codable, Sendable {
        public var statistic: Double
        public var pValue: Double
        public var toys: Int
    }

    /// The median significance of a signal campaign, asymptotic (χ²_dof) or empirical (null toys).
    public struct MedianZ: Codable, Sendable {
        /// t_med and Z(t_med) ± ε (Bressler et al., Symmetrized Approach, §IV B).
        public var medianT: Double
        public var z: Double
        public var error: Double
        /// Empirical Z only: t_med above every null toy, so Z is a lower bound.
        public var isBound: Bool
        public var nullToys: Int?
    }

    /// A signal campaign's summary: the signal, its median Z (asymptotic and against a null) and Z_id.
    public struct SignalSummary: Codable, Sendable {
        /// The 1-D signal (.none for the Gaussian mixture).
        public var signal: Signal1D
        /// The signal's name: NP1…NP3, or the Gaussian mixture's kind, strength and dimension
        /// (`CampaignConfiguration.signalName`).
        public var name: String
        /// N_S (0 for the Gaussian mixture, whose signal changes the density, not the count).
        public var expectedEvents: Double
        public var asymptotic: MedianZ
        public var empirical: MedianZ?
        /// Z_id (Bressler et al., Symmetrized Approach, eq. 29–30) for this signal on this background
        /// (`CampaignConfiguration.idealSignificance`).
        public var idealZ: Double
    }

    /// The percentile levels reported, in percent.
    public static let levels: [Double] = [5, 16, 50, 84, 95]

    public var campaign: String
    /// How the toys' samples departed from the benchmark's defaults (`samplingDescription`: a
    /// reference sample per toy, a truncated background); nil otherwise.
    public var sampling: String?
    public var preset: CampaignPreset
    public var statistic: TwoSampleStatistic?
    public var architecture: [Int]
    public var epochs: Int
    public var toys: Int
    public var diverged: Int
    public var divergedToys: [Int]
    public var dof: Int
    public var meanT: Double
    /// Standard error of the mean, s/√n.
    public var meanTError: Double
    public var standardDeviationT: Double
    /// χ²_dof percentiles at `levels`.
    public var chiSquaredPercentiles: [Double]
    public var checkpoints: [Checkpoint]
    public var ks: KS?
    public var signal: SignalSummary?
    public var notes: [String]

    /// Builds the report of one campaign's records; `null`: records of a null campaign for the
    /// empirical significance.
    public init(records: [FitRecord], file: String = "campaign", null: [FitRecord]? = nil, nullFile: String = "null") throws {
        guard let first = records.first else { throw NPLMError.invalidInput(file: "\(file)", "holds no records") }
        guard let hash = first.campaign, let configuration = first.configuration else {
            throw NPLMError.invalidInput(file: "\(file)", "line 1 is not a toy campaign record (written by `nplm toys`?)")
        }
        if let k = records.firstIndex(where: { $0.campaign != hash }) {
            throw NPLMError.invalidInput(file: "\(file)", "line \(k + 1) belongs to campaign \(records[k].campaign ?? "(none)"), line 1 to \(hash): report one campaign at a time (`nplm merge` checks shards)")
        }
        notes = []
        campaign = hash
        sampling = configuration.samplingDescription
        preset = configuration.preset
        statistic = configuration.statistic
        architecture = configuration.architecture.layers
        epochs = configuration.training.epochs
        dof = configuration.degreesOfFreedom
        toys = records.count
        let divergedRecords = records.filter(\.diverged)
        divergedToys = divergedRecords.compactMap(\.toy)
        diverged = divergedRecords.count
        let finite = records.filter { !$0.diverged && $0.t.isFinite }.map(\.t)
        let summary = finite.isEmpty ? nil : SampleSummary(finite)
        meanT = summary?.mean ?? .nan
        standardDeviationT = summary?.standardDeviation ?? .nan
        meanTError = summary?.standardError ?? .nan
        let chi2 = ChiSquared(degreesOfFreedom: Double(dof))
        chiSquaredPercentiles = Self.levels.map { chi2.quantile($0 / 100) }

        // t along training: −2 × the loss recorded at each checkpoint.
        let epochsOfHistory = first.history.map(\.epoch)
        checkpoints = epochsOfHistory.indices.map { k in
            let values = records.compactMap { record -> Double? in
                guard k < record.history.count, record.history[k].epoch == epochsOfHistory[k] else { return nil }
                let t = TestStatistic.t(loss: record.history[k].loss)
                return t.isFinite ? t : nil
            }.sorted()
            return Checkpoint(epoch: epochsOfHistory[k], toys: values.count,
                              percentiles: Self.levels.map { values.isEmpty ? .nan : SampleSummary.percentile(sorted: values, $0 / 100) })
        }
        ks = finite.isEmpty ? nil : {
            let test = KolmogorovSmirnov(sample: finite, cdf: chi2.cdf)
            return KS(statistic: test.statistic, pValue: test.pValue, toys: finite.count)
        }()

        if configuration.hasSignal {
            let all = records.map(\.t).filter { !$0.isNaN }
            let asymptotic = MedianSignificance(signal: all, degreesOfFreedom: Double(dof))
            var summary = SignalSummary(
                signal: configuration.signal.kind, name: configuration.signalName, expectedEvents: configuration.signal.events,
                asymptotic: MedianZ(medianT: asymptotic.median, z: asymptotic.z, error: asymptotic.error, isBound: false, nullToys: nil),
                empirical: nil, idealZ: configuration.idealSignificance)
            if let null {
                try configuration.checkNull(null, nullFile: nullFile, file: file)
                if let note = configuration.referenceNote(null: null) { notes.append(note) }
                let nullT = null.map(\.t).filter { !$0.isNaN }
                guard !nullT.isEmpty else { throw NPLMError.invalidInput(file: "\(nullFile)", "holds no records") }
                let empirical = MedianSignificance(signal: all, null: EmpiricalPValue(null: nullT))
                summary.empirical = MedianZ(medianT: empirical.median, z: empirical.z, error: empirical.error,
                                            isBound: empirical.isBound, nullToys: nullT.count)
            }
            signal = summary
        } else if null != nil {
            notes.append("\(Parameter.null) is used for signal campaigns only; this campaign has no signal")
        }
    }

    // MARK: - Text

    private static func f(_ value: Double, _ digits: Int = 2) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : (value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"))
    }

    private static func g(_ value: Double) -> String { value.isFinite ? String(format: "%.3g", value) : f(value) }

    /// The report as text for a terminal.
    public var text: String {
        var lines: [String] = []
        let kind = preset == .nplm ? "NPLM t" : (statistic == .crossEntropy ? "cross-entropy t^δ" : "symmetrized t_A+B")
        lines.append("campaign \(campaign): \(kind), architecture \(architecture.map(String.init).joined(separator: ",")), \(epochs) epochs, dof \(dof)\(sampling.map { "; \($0)" } ?? "")")
        lines.append("toys: \(toys) (\(diverged) diverged\(divergedToys.isEmpty ? "" : ": toys " + divergedToys.prefix(10).map(String.init).joined(separator: ", ") + (divergedToys.count > 10 ? ", …" : "")))")
        if diverged == toys {
            lines.append("mean t: none (every fit diverged)")
        } else {
            lines.append("mean t: \(Self.f(meanT)) ± \(Self.f(meanTError)) against dof = \(dof) (mean − dof = \(Self.f(meanT - Double(dof))) ± \(Self.f(meanTError)); s = \(Self.f(standardDeviationT)), χ² √(2·dof) = \(Self.f((2 * Double(dof)).squareRoot())))")
        }
        if let ks {
            lines.append("KS test against χ²_\(dof) at epoch \(epochs): p = \(Self.g(ks.pValue)) (D = \(Self.f(ks.statistic, 3)), \(ks.toys) toys)")
        }
        if !checkpoints.isEmpty {
            lines.append("percentiles of t against χ²_\(dof):")
            let header = ["epoch", "toys"] + Self.levels.map { "\(Int($0))%" }
            lines.append(header.enumerated().map { $0.offset < 2 ? Self.pad($0.element, 9) : Self.pad($0.element, 9) }.joined())
            for c in checkpoints {
                lines.append(Self.pad(String(c.epoch), 9) + Self.pad(String(c.toys), 9) + c.percentiles.map { Self.pad(Self.f($0), 9) }.joined())
            }
            lines.append(Self.pad("χ²_\(dof)", 18) + chiSquaredPercentiles.map { Self.pad(Self.f($0), 9) }.joined())
        }
        if let signal {
            lines.append("signal \(signal.name)\(signal.expectedEvents > 0 ? ", N_S = " + Self.g(signal.expectedEvents) : ""):")
            let a = signal.asymptotic
            lines.append("  median Z, asymptotic χ²_\(dof): \(Self.f(a.z)) ± \(Self.f(a.error)) (t_med = \(Self.f(a.medianT)))")
            if let e = signal.empirical {
                lines.append("  median Z, empirical (\(e.nullToys ?? 0) null toys): \(e.isBound ? "≥ " : "")\(Self.f(e.z)) ± \(Self.f(e.error))")
            }
            lines.append("  ideal Z_id: \(Self.f(signal.idealZ))")
        }
        lines += notes.map { "note: \($0)" }
        return lines.joined(separator: "\n")
    }

    /// `text` right-aligned in `width` columns, always after at least one space, so that columns
    /// never run together whatever the value (−50073.98 is 9 characters).
    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
