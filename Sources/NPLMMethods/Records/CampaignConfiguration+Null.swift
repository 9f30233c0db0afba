import NPLMCore
import NPLMData

extension CampaignConfiguration {
    /// Refuses `null` as the null campaign of this campaign (or of a fit described as one:
    /// `KernelFit.nullConfiguration`) unless it is one: toy records of a single campaign without a
    /// signal whose configuration equals this one but for the signal and the seed (the kernel
    /// model also ignores the network's architecture and training, which it does not use). An
    /// empirical significance against toys of another preset, architecture, training, sample size,
    /// model, kernel setting or nuisance setup would be a wrong number. The one check of `nplm
    /// report --null` and `nplm fit --model kernel --null`; `file` names what the null is for.
    public func checkNull(_ null: [FitRecord], nullFile: String, file: String) throws {
        guard let first = null.first else { throw NPLMError.invalidInput(file: "\(nullFile)", "holds no records") }
        guard let hash = first.campaign, let other = first.configuration else {
            throw NPLMError.invalidInput(file: "\(nullFile)", "line 1 is not a toy campaign record (written by `nplm toys`?)")
        }
        if let k = null.firstIndex(where: { $0.campaign != hash }) {
            throw NPLMError.invalidInput(file: "\(nullFile)", "line \(k + 1) belongs to campaign \(null[k].campaign ?? "(none)"), line 1 to \(hash): a null campaign is one campaign")
        }
        guard !other.hasSignal else {
            throw NPLMError.invalidInput(file: "\(nullFile)", "has a signal (\(other.signalName)\(other.mixture == nil ? ", N_S = \(other.signal.events)" : "")): give a campaign without \(Parameter.signal) as \(Parameter.`null`)")
        }
        var expected = self
        expected.test = test.withoutSignal
        expected.seed = other.seed
        let kernelModel = kernel != nil && other.kernel != nil
        if kernelModel {
            expected.architecture = other.architecture
            expected.training = other.training
        }
        guard other != expected else { return }
        var differences: [String] = []
        if other.preset != preset { differences.append("preset (\(other.preset.rawValue), not \(preset.rawValue))") }
        if other.statistic != statistic { differences.append("statistic") }
        if !kernelModel {
            if other.architecture != architecture { differences.append("architecture (\(other.architecture), not \(architecture))") }
            if other.training != training { differences.append("training (epochs, optimizer, clipping or history)") }
        }
        if let mine = expected.benchmark, let theirs = other.benchmark {
            if theirs.expectedBackground != mine.expectedBackground {
                differences.append("N(R0) (\(theirs.expectedBackground), not \(mine.expectedBackground))")
            }
            if theirs.referenceSize != mine.referenceSize { differences.append("N_R (\(theirs.referenceSize), not \(mine.referenceSize))") }
            if theirs.scaleNuisance != mine.scaleNuisance || theirs.normalizationNuisance != mine.normalizationNuisance {
                differences.append("the nuisances' true values")
            }
        } else if other.benchmark != expected.benchmark || other.samples != expected.samples || other.mixture != expected.mixture {
            differences.append(other.mixture?.dimension != expected.mixture?.dimension || (other.benchmark == nil) != (expected.benchmark == nil)
                               ? "benchmark" : "sample sizes")
        }
        if let mine = kernel, let theirs = other.kernel {
            if theirs.widths != mine.widths {
                differences.append("kernel widths (\(theirs.widths.map { "\($0)" } ?? "the default"), not \(mine.widths.map { "\($0)" } ?? "the default"))")
            }
            if theirs.centres != mine.centres {
                differences.append("M, the centres (\(theirs.centres.map(String.init) ?? "the default"), not \(mine.centres.map(String.init) ?? "the default"))")
            }
            if theirs.lambda != mine.lambda { differences.append("λ (\(theirs.lambda), not \(mine.lambda))") }
            if theirs.newtonSteps != mine.newtonSteps { differences.append("Newton steps (\(theirs.newtonSteps), not \(mine.newtonSteps))") }
            if theirs.cgTolerance != mine.cgTolerance || theirs.cgMaxIterations != mine.cgMaxIterations {
                differences.append("conjugate-gradient settings")
            }
        } else if other.kernel != kernel {
            differences.append("model (\(other.kernel == nil ? "network" : "kernel"), not \(kernel == nil ? "network" : "kernel"))")
        }
        if other.nuisances != nuisances { differences.append("nuisances") }
        if differences.isEmpty { differences.append("configuration") }
        throw NPLMError.invalidInput(file: "\(nullFile)", "is not the null campaign of \(file): it differs in \(differences.joined(separator: ", ")); run `nplm toys` with \(file)'s options, no \(Parameter.signal), into a new file")
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
        case .twoSample(let samples, let statistic):
            var null = samples
            null.signal = .none
            null.signalEvents = 0
            return .twoSample(null, statistic)
        }
    }
}

extension CampaignConfiguration {
    /// The library's check of a configuration's sizes and values, whatever built it (the CLI and
    /// the C interface check their options first, with the same limits): N(R₀) in [1e-6, 1e8]
    /// (`SampleSize.checkExpected`), N_R, N_A, N_B and N_S at most 1e8, the nuisances' true values in
    /// `NuisanceRange` and the kernel model's options. `CampaignRun` calls it before anything else.
    public func validate() throws {
        try training.validate()
        if let benchmark {
            try SampleSize.checkExpected(benchmark.expectedBackground, parameter: .expected)
            try SampleSize.check(Double(benchmark.referenceSize), parameter: .referenceSize)
            try SampleSize.check(benchmark.signalEvents, parameter: .signalEvents, allowZero: true)
            if let nuisances {
                let truth = nuisances.truth(of: benchmark)
                try NuisanceRange.check(truth, sigmas: nuisances.sigmas, names: nuisances.names, option: "\(Parameter.nuisanceTruth)",
                                        symbol: "ν*", unitsOfSigma: false)
            }
        }
        if let mixture { try mixture.validate() }
        if let samples {
            try SampleSize.check(samples.expectedA, parameter: .sizeA)
            try SampleSize.check(samples.expectedB, parameter: .sizeB)
            try SampleSize.check(samples.signalEvents, parameter: .signalEvents, allowZero: true)
        }
        try kernel?.validate()
    }
}
