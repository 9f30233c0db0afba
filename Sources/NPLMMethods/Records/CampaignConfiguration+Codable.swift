import Foundation
import NPLMCore
import NPLMData

/// The JSON of a configuration, key for key that of the earlier configuration of optional fields,
/// so that every campaign keeps its hash: `preset`, `seed`, `architecture`, `training`, then the
/// parts of its test — `benchmark` (1-D), `mixture` (Gaussian mixture), `userReference` (null toys
/// of a user's reference sample: `UserSampleToys`), `nuisances`, `kernel`,
/// `samples` and `statistic` (two-sample) — each absent where the test has none — and
/// `referenceSample` only when it is not the default (one per campaign). A JSON that
/// names an impossible combination (a kernel model on the mixture, a two-sample test with a
/// benchmark, …) does not decode. A δ̂ model file is identified by the hash of its bytes only, not
/// by its path as typed: `./delta.json`, `delta.json` and a byte-identical copy elsewhere are one
/// campaign (its JSON, and so its hash, has no `deltaModel`; campaigns without a δ̂ model never had
/// one, so their hashes are those they always had).
extension CampaignConfiguration: Codable {
    enum CodingKeys: String, CodingKey {
        case preset, seed, architecture, training, benchmark, samples, statistic, kernel, nuisances, mixture, referenceSample, userReference
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(preset, forKey: .preset)
        try container.encode(seed, forKey: .seed)
        try container.encode(architecture, forKey: .architecture)
        try container.encode(training, forKey: .training)
        try container.encodeIfPresent(benchmark, forKey: .benchmark)
        try container.encodeIfPresent(samples, forKey: .samples)
        try container.encodeIfPresent(statistic, forKey: .statistic)
        try container.encodeIfPresent(kernel, forKey: .kernel)
        try container.encodeIfPresent(nuisances.map(\.identity), forKey: .nuisances)
        try container.encodeIfPresent(mixture, forKey: .mixture)
        try container.encodeIfPresent(userSample, forKey: .userReference)
        // A reference sample per campaign, the default, is left out: those campaigns keep their hashes.
        if referenceSample != .campaign { try container.encode(referenceSample, forKey: .referenceSample) }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let preset = try container.decode(CampaignPreset.self, forKey: .preset)
        let benchmark = try container.decodeIfPresent(Benchmark1D.self, forKey: .benchmark)
        let mixture = try container.decodeIfPresent(GaussianMixtureBenchmark.self, forKey: .mixture)
        let userSample = try container.decodeIfPresent(UserSampleToys.self, forKey: .userReference)
        let samples = try container.decodeIfPresent(SymmetricToys.self, forKey: .samples)
        let statistic = try container.decodeIfPresent(TwoSampleStatistic.self, forKey: .statistic)
        let kernel = try container.decodeIfPresent(KernelOptions.self, forKey: .kernel)
        let nuisances = try container.decodeIfPresent(NuisanceSettings.self, forKey: .nuisances)
        func refuse(_ what: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: .preset, in: container, debugDescription: "a campaign configuration with \(what)")
        }
        let test: CampaignTest
        switch preset {
        case .symmetric:
            guard let samples, let statistic else { throw refuse("preset symmetric needs samples and a statistic") }
            guard benchmark == nil, mixture == nil, userSample == nil, kernel == nil, nuisances == nil else {
                throw refuse("preset symmetric has no benchmark, mixture, user reference, kernel model or nuisances")
            }
            test = .twoSample(samples, statistic)
        case .nplm:
            guard samples == nil, statistic == nil else { throw refuse("preset nplm has no two-sample samples or statistic") }
            switch (benchmark, mixture, userSample) {
            case (let benchmark?, nil, nil):
                switch (kernel, nuisances) {
                case (nil, nil): test = .nplm(.oneD(benchmark, .network))
                case (nil, let settings?): test = .nplm(.oneD(benchmark, .networkWithNuisances(settings)))
                case (let options?, nil): test = .nplm(.oneD(benchmark, .kernel(options)))
                case (_?, _?): throw refuse("both a kernel model and nuisances")
                }
            case (nil, let mixture?, nil):
                guard kernel == nil, nuisances == nil else { throw refuse("a kernel model or nuisances on the Gaussian mixture") }
                test = .nplm(.gaussianMixture(mixture))
            case (nil, nil, let toys?):
                guard nuisances == nil else { throw refuse("nuisances on a user's reference") }
                test = .nplm(.userSample(toys, kernel.map(NPLMModel.kernel) ?? .network))
            default:
                throw refuse("preset nplm needs one benchmark, the 1-D one, the mixture or a user's reference")
            }
        }
        self.init(seed: try container.decode(UInt64.self, forKey: .seed),
                  architecture: try container.decode(Architecture.self, forKey: .architecture),
                  training: try container.decode(TrainingOptions.self, forKey: .training), test: test,
                  referenceSample: try container.decodeIfPresent(ReferenceSample.self, forKey: .referenceSample) ?? .campaign)
    }
}
