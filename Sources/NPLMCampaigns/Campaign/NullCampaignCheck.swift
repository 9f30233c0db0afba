import NPLMCore
import NPLMMethods

extension CampaignConfiguration {
    /// Refuses `null` as the null campaign of this (signal) campaign unless it is one: toy records
    /// of a single campaign without a signal whose configuration equals this one but for the
    /// signal and the seed. An empirical significance against toys of another preset,
    /// architecture, training, sample size, model or nuisance setup would be a wrong number.
    public func checkNull(_ null: [FitRecord], nullFile: String, file: String) throws {
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
        var expected = self
        expected.test = test.withoutSignal
        expected.seed = other.seed
        guard other != expected else { return }
        var differences: [String] = []
        if other.preset != preset { differences.append("preset (\(other.preset.rawValue), not \(preset.rawValue))") }
        if other.statistic != statistic { differences.append("statistic") }
        if other.architecture != architecture { differences.append("architecture (\(other.architecture), not \(architecture))") }
        if other.training != training { differences.append("training (epochs, optimizer, clipping or history)") }
        if other.benchmark != expected.benchmark || other.samples != expected.samples || other.mixture != expected.mixture {
            differences.append(other.mixture?.dimension != expected.mixture?.dimension ? "benchmark" : "sample sizes")
        }
        if other.kernel != kernel { differences.append("kernel model options") }
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
