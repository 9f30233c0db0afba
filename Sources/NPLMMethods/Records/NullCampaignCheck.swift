import Foundation
import NPLMCore
import NPLMData

/// The one check that a campaign file is the null campaign a test needs — for the empirical
/// significance of a signal campaign (`nplm report --null`) and for the empirical p-values of fits
/// of user data (`NPLMFitMany`, `nplm fit --null`). An empirical p-value against toys of another
/// preset, architecture, training, sample size, model or nuisance set-up would be a wrong number.
extension CampaignConfiguration {
    /// Refuses `null` as the null campaign of this campaign (or of a fit described as one:
    /// `KernelFit.nullConfiguration`) unless it is one: toy records of a single campaign without a
    /// signal whose configuration equals this one but for the signal and the seed (the kernel model
    /// also ignores the network's architecture and training, which it does not use, though they are
    /// part of its hash). `file` names what the null is for. `anyReferenceSample`: accept a null
    /// of either `ReferenceSample` (a fit of user data, whose reference is none of the campaign's).
    public func checkNull(_ null: [FitRecord], nullFile: String, file: String, anyReferenceSample: Bool = false) throws {
        let other = try Self.nullCampaign(null, nullFile: nullFile)
        var expected = self
        expected.test = test.withoutSignal
        expected.seed = other.seed
        if anyReferenceSample { expected.referenceSample = other.referenceSample }
        if kernel != nil && other.kernel != nil {
            expected.architecture = other.architecture
            expected.training = other.training
        }
        guard other != expected else { return }
        throw NPLMError.invalidInput(file: "\(nullFile)", "is not the null campaign of \(file): it differs in \(other.differences(from: expected)); run `nplm toys` with \(file)'s options, no \(Parameter.signal), into a new file")
    }

    /// A note when `null` (already checked) was drawn with another seed than this campaign on a
    /// benchmark with a reference sample: the toys of a campaign share one reference sample, drawn
    /// from its seed, so t's null distribution is the one given that sample, and a null campaign of
    /// another seed calibrates against another reference. How much that matters falls with
    /// N_R/N(R₀): at N_R 10 000, N(R₀) 2000, two kernel null campaigns of seeds 31 and 32 had mean
    /// t 13.70 ± 0.31 and 11.81 ± 0.10 at σ = 2.4 (300 and 2300 toys). Nil when the seeds agree or
    /// the test has no fixed reference (two-sample toys draw both samples per toy, and so does
    /// `ReferenceSample.toy`).
    public func referenceNote(null: [FitRecord]) -> String? {
        guard let benchmark = toyBenchmark, referenceSample == .campaign, userSample == nil,
              let other = null.first?.configuration, other.seed != seed else { return nil }
        return "the null campaign has seed \(other.seed) and this one \(seed): each campaign's toys share the reference sample of its seed, so this calibration is against another reference sample of N_R = \(benchmark.referenceSize) events (for N(R0) = \(String(format: "%g", benchmark.expectedBackground))); to calibrate against this campaign's own reference, run the signal campaign with the null's \(Parameter.seed) (its toy k is then null toy k plus the signal), or run both with \(Parameter.referenceSample) toy"
    }

    /// How the toys' samples were drawn where it departs from the benchmark's defaults (a
    /// reference sample per toy, a truncated background), for a report's header; nil otherwise.
    public var samplingDescription: String? {
        var parts: [String] = []
        if let toys = userSample {
            parts.append("null toys of a user's reference sample (N_R = \(toys.referenceSize)\(toys.weights.map { ", weighted (\($0))" } ?? ""), events \(toys.reference)\(toys.pool.map { "; data from a pool of \(toys.poolSize ?? 0), events \($0)\(toys.poolWeights.map { ", weighted (\($0))" } ?? "")" } ?? "; data drawn from it"))")
        }
        if referenceSample == .toy { parts.append("a reference sample per toy") }
        if let bound = benchmark?.truncation { parts.append("background truncated to x < \(String(format: "%g", bound))") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// Refuses `null` as the null campaign of a network fit of user data (`NPLMFitMany`) unless it
    /// is one: toy records of a single campaign without a signal, of the NPLM test of the network
    /// (no kernel model, no nuisances) on a built-in benchmark, with the fit's `architecture`, its
    /// `training` (epochs, Adam, clipping; the history interval does not change t) and its sizes —
    /// N(R₀) `expected` (equal to 1 part in 10⁶, as per-event weights sum in float32) and N_R
    /// `referenceSize`. Returns the campaign's configuration.
    @discardableResult
    public static func checkNull(_ null: [FitRecord], nullFile: String, architecture: Architecture, training: TrainingOptions,
                                 expected: Double, reference: EventSet, perEventWeights: [Float]? = nil) throws -> CampaignConfiguration {
        let referenceSize = reference.count
        let other = try nullCampaign(null, nullFile: nullFile)
        let what: String?
        switch other.test {
        case .twoSample: what = "the two-sample test"
        case .nplm(.oneD(_, .kernel)), .nplm(.userSample(_, .kernel)): what = "the kernel model"
        case .nplm(.oneD(_, .networkWithNuisances)): what = "the NPLM test with nuisance parameters"
        case .nplm(.oneD(_, .network)), .nplm(.gaussianMixture), .nplm(.userSample(_, .network)): what = nil
        case .nplm(.userSample(_, .networkWithNuisances)): what = "the NPLM test with nuisance parameters"
        }
        if let what {
            throw NPLMError.invalidInput(file: "\(nullFile)", "is a campaign of \(what): a network fit's null campaign is one of `nplm toys` with the fit's network, training and sizes, no \(Parameter.signal), \(Parameter.model) network")
        }
        var fit = other
        fit.architecture = architecture
        fit.training = training
        fit.training.historyEvery = other.training.historyEvery
        let nullExpected = other.toyBenchmark?.expectedBackground ?? 0
        let sameExpected = abs(expected - nullExpected) <= 1e-6 * max(abs(nullExpected), 1)
        fit.test = other.test.withSizes(expected: sameExpected ? nullExpected : expected, referenceSize: referenceSize)
        if case .nplm(.userSample(let toys, let model)) = fit.test {
            // Toys of a user's reference calibrate fits against those very events.
            fit.test = .nplm(.userSample(toys.forFit(reference: reference, perEventWeights: perEventWeights,
                                                     expected: toys.expectedBackground), model))
        }
        guard other != fit else { return other }
        let sizes: ErrorText = other.userSample == nil
            ? "N(R0) as \(Parameter.expected) and N_R as \(Parameter.referenceSize), no \(Parameter.signal)"
            : "this fit's reference as \(Parameter.reference) and N(R0) as \(Parameter.expected)"
        throw NPLMError.invalidInput(file: "\(nullFile)", "is not a null campaign of this fit: it differs in \(other.differences(from: fit)); run `nplm toys` with the fit's \(Parameter.architecture) and training options, \(sizes), into a new file")
    }

    /// The configuration of the campaign `null`: one campaign (every line with the hash of the
    /// first), without a signal.
    static func nullCampaign(_ null: [FitRecord], nullFile: String) throws -> CampaignConfiguration {
        guard let first = null.first else { throw NPLMError.invalidInput(file: "\(nullFile)", "holds no records") }
        guard let hash = first.campaign, let other = first.configuration else {
            throw NPLMError.invalidInput(file: "\(nullFile)", "line 1 is not a toy campaign record (written by `nplm toys`?)")
        }
        if let k = null.firstIndex(where: { $0.campaign != hash }) {
            throw NPLMError.invalidInput(file: "\(nullFile)", "line \(k + 1) belongs to campaign \(null[k].campaign ?? "(none)"), line 1 to \(hash): a null campaign is one campaign")
        }
        guard !other.hasSignal else {
            throw NPLMError.invalidInput(file: "\(nullFile)", "has a signal (\(other.signalName)\(other.mixture == nil ? ", N_S = \(other.signal.events)" : "")): give a campaign without \(Parameter.signal) as \(Parameter.null)")
        }
        return other
    }

    /// What differs between this (null) configuration and `expected`, in words.
    func differences(from expected: CampaignConfiguration) -> String {
        var differences: [String] = []
        if preset != expected.preset { differences.append("preset (\(preset.rawValue), not \(expected.preset.rawValue))") }
        if statistic != expected.statistic { differences.append("statistic") }
        if architecture != expected.architecture { differences.append("architecture (\(architecture), not \(expected.architecture))") }
        if training != expected.training { differences.append("training (\(Self.trainingDifferences(training, expected.training)))") }
        if benchmark != expected.benchmark || samples != expected.samples || mixture != expected.mixture || userSample != expected.userSample {
            if mixture?.dimension != expected.mixture?.dimension || (userSample == nil) != (expected.userSample == nil) {
                differences.append("benchmark (\(userSample == nil ? "a built-in one" : "a user's reference sample"), not \(expected.userSample == nil ? "a built-in one" : "a user's reference sample"))")
            } else if let mine = userSample, let theirs = expected.userSample, mine.reference != theirs.reference || mine.dimension != theirs.dimension {
                differences.append("the reference sample (its toys were drawn against other events than this one's: \(Parameter.reference))")
            } else if let mine = userSample, let theirs = expected.userSample, mine.weights != theirs.weights {
                differences.append("the reference weights (\(mine.weights == nil ? "uniform" : "per event") in the null's toys, \(theirs.weights == nil ? "uniform" : "other per-event ones") here: \(Parameter.referenceWeights))")
            } else if let mine = userSample, let theirs = expected.userSample, mine.pool != theirs.pool {
                differences.append("the data pool (\(Parameter.pool))")
            } else if benchmark?.truncation != expected.benchmark?.truncation {
                differences.append("the background's truncation (\(Parameter.truncate))")
            } else if let mine = toyBenchmark, let theirs = expected.toyBenchmark,
                      mine.expectedBackground != theirs.expectedBackground || mine.referenceSize != theirs.referenceSize {
                differences.append("sample sizes (N(R0) \(Self.number(mine.expectedBackground)) and N_R \(mine.referenceSize), not \(Self.number(theirs.expectedBackground)) and \(theirs.referenceSize))")
            } else {
                differences.append("sample sizes")
            }
        }
        if let mine = benchmark, let theirs = expected.benchmark,
           mine.scaleNuisance != theirs.scaleNuisance || mine.normalizationNuisance != theirs.normalizationNuisance {
            differences.append("the nuisances' true values")
        }
        if let mine = kernel, let theirs = expected.kernel {
            func list(_ widths: [Double]?) -> String { widths.map { $0.map(Self.number).joined(separator: ",") } ?? "the default" }
            if mine.widths != theirs.widths { differences.append("kernel widths (\(list(mine.widths)), not \(list(theirs.widths)))") }
            if mine.centres != theirs.centres {
                differences.append("M, the centres (\(mine.centres.map(String.init) ?? "the default"), not \(theirs.centres.map(String.init) ?? "the default"))")
            }
            if mine.lambda != theirs.lambda { differences.append("λ (\(mine.lambda), not \(theirs.lambda))") }
            if mine.newtonSteps != theirs.newtonSteps { differences.append("Newton steps (\(mine.newtonSteps), not \(theirs.newtonSteps))") }
            if mine.cgTolerance != theirs.cgTolerance || mine.cgMaxIterations != theirs.cgMaxIterations {
                differences.append("conjugate-gradient settings")
            }
            if mine.precision != theirs.precision || mine.jitter != theirs.jitter {
                differences.append("kernel precision or jitter (\(mine.precision.rawValue), not \(theirs.precision.rawValue))")
            }
        } else if kernel != expected.kernel {
            differences.append("model (\(kernel == nil ? "network" : "kernel"), not \(expected.kernel == nil ? "network" : "kernel"))")
        }
        if nuisances != expected.nuisances { differences.append("nuisances") }
        if referenceSample != expected.referenceSample {
            differences.append("the reference sample (one per \(referenceSample.rawValue), not one per \(expected.referenceSample.rawValue): \(Parameter.referenceSample))")
        }
        if differences.isEmpty { differences.append("configuration") }
        return differences.joined(separator: ", ")
    }

    private static func trainingDifferences(_ mine: TrainingOptions, _ expected: TrainingOptions) -> String {
        var parts: [String] = []
        if mine.epochs != expected.epochs { parts.append("epochs \(mine.epochs), not \(expected.epochs)") }
        if mine.clipping != expected.clipping {
            func clip(_ c: WeightClipping?) -> String { c.map { "\(number($0.bound))\($0.includeBiases ? " with biases" : "")" } ?? "none" }
            parts.append("clipping \(clip(mine.clipping)), not \(clip(expected.clipping))")
        }
        if mine.optimizer != expected.optimizer { parts.append("Adam's parameters") }
        if mine.historyEvery != expected.historyEvery { parts.append("history every \(mine.historyEvery), not \(expected.historyEvery)") }
        return parts.isEmpty ? "epochs, optimizer, clipping or history" : parts.joined(separator: "; ")
    }

    /// A number in six significant digits, without ".0" for whole numbers.
    private static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.6g", x)
    }
}

extension CampaignTest {
    /// The same test on toys without a signal: its null campaign's.
    var withoutSignal: CampaignTest {
        switch self {
        case .nplm(.oneD(let benchmark, let model)):
            var null = benchmark
            null.signal = .none
            null.signalEvents = 0
            return .nplm(.oneD(null, model))
        case .nplm(.gaussianMixture(let mixture)):
            var null = mixture
            null.signal = .none
            null.strength = 0
            return .nplm(.gaussianMixture(null))
        case .nplm(.userSample):
            return self
        case .twoSample(let samples, let statistic):
            var null = samples
            null.signal = .none
            null.signalEvents = 0
            return .twoSample(null, statistic)
        }
    }

    /// The same NPLM test with N(R₀) `expected` and N_R `referenceSize` (the two-sample test as it is).
    func withSizes(expected: Double, referenceSize: Int) -> CampaignTest {
        switch self {
        case .nplm(.oneD(var benchmark, let model)):
            benchmark.expectedBackground = expected
            benchmark.referenceSize = referenceSize
            return .nplm(.oneD(benchmark, model))
        case .nplm(.gaussianMixture(var mixture)):
            mixture.expectedBackground = expected
            mixture.referenceSize = referenceSize
            return .nplm(.gaussianMixture(mixture))
        case .nplm(.userSample(var toys, let model)):
            toys.expectedBackground = expected
            toys.referenceSize = referenceSize
            return .nplm(.userSample(toys, model))
        case .twoSample:
            return self
        }
    }
}
