import XCTest
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMMethods

/// Every kind of campaign keeps its canonical JSON and its hash: the strings below were computed
/// by the configuration of fef98e6 (a bag of optionals) before it became enums, so a campaign file
/// written then resumes, merges and reports now.
final class CampaignConfigurationHashTests: XCTestCase {
    static let training = TrainingOptions(epochs: 200, historyEvery: 50)
    static let clipped = TrainingOptions(epochs: 20000, historyEvery: 5000, clipping: WeightClipping(bound: 9))

    /// Every kind of campaign, in the order of `pinned`.
    func kinds() throws -> [(String, CampaignConfiguration)] {
        let network = try Architecture([1, 4, 1])
        var nuisanceBenchmark = Benchmark1D(expectedBackground: 100, referenceSize: 1000, signal: .np1)
        let nuisances = NuisanceSettings(scaleSigma: 0.15, normalizationSigma: 0.2, shapeOrder: 3)
        try nuisanceBenchmark.setNuisanceTruth([1, -0.5], settings: nuisances)
        let learned = NuisanceSettings(scaleSigma: 0.15, normalizationSigma: nil, deltaModel: "delta.json",
                                       deltaModelHash: "0123456789abcdef")
        let kernel = CampaignConfiguration(seed: 1, architecture: network, training: TrainingOptions(epochs: 300_000),
                                           benchmark: Benchmark1D(expectedBackground: 150, referenceSize: 1500),
                                           kernel: KernelOptions(widths: [1, 2.5], centres: 40))
        let kernelDefault = CampaignConfiguration(seed: 3, architecture: network, training: Self.training,
                                                  benchmark: Benchmark1D(signal: .np3, signalEvents: 30),
                                                  kernel: KernelOptions(lambda: 1e-8, newtonSteps: 2, cgTolerance: 1e-5, cgMaxIterations: 50))
        return [
            ("README", CampaignConfiguration(seed: 1, architecture: network, training: Self.clipped,
                                              benchmark: Benchmark1D(expectedBackground: 2000, referenceSize: 20000))),
            ("plain 1-D", CampaignConfiguration(seed: 1, architecture: network, training: Self.training,
                                                 benchmark: Benchmark1D(expectedBackground: 100, referenceSize: 1000))),
            ("1-D signal", CampaignConfiguration(seed: 2, architecture: network, training: Self.training,
                                                  benchmark: Benchmark1D(signal: .np2, signalEvents: 20))),
            ("symmetric", CampaignConfiguration(seed: 1, architecture: network, training: Self.training,
                                                 samples: SymmetricToys(expectedA: 100, expectedB: 150), statistic: .symmetrized)),
            ("cross-entropy signal", CampaignConfiguration(seed: 5, architecture: network, training: Self.training,
                                                            samples: SymmetricToys(expectedA: 100, expectedB: 150, signal: .np3,
                                                                                   signalEvents: 15),
                                                            statistic: .crossEntropy)),
            ("nuisances", CampaignConfiguration(seed: 4, architecture: network, training: Self.training,
                                                 benchmark: nuisanceBenchmark, nuisances: nuisances)),
            ("learned nuisances", CampaignConfiguration(seed: 4, architecture: network, training: Self.training,
                                                         benchmark: Benchmark1D(), nuisances: learned)),
            ("kernel", kernel),
            ("kernel, default width", kernelDefault),
            ("Gaussian mixture", CampaignConfiguration(seed: 1, architecture: try Architecture([5, 5, 5, 5, 1]),
                                                        training: TrainingOptions(epochs: 50, clipping: WeightClipping(bound: 2.15)),
                                                        mixture: try GaussianMixtureBenchmark(dimension: 5))),
            ("Gaussian mixture signal", CampaignConfiguration(seed: 2, architecture: try Architecture([4, 3, 1]),
                                                               training: Self.training,
                                                               mixture: try GaussianMixtureBenchmark(dimension: 4, expectedBackground: 80,
                                                                                                     referenceSize: 600, signal: .widen,
                                                                                                     strength: 0.3))),
        ]
    }

    /// (name, hash, canonical JSON) as fef98e6 computed them.
    static let pinned: [(name: String, hash: String, json: String)] = [
        ("README", "415c0e85fa41d36b",
         #"{"architecture":{"layers":[1,4,1]},"benchmark":{"expectedBackground":2000,"normalizationNuisance":0,"referenceSize":20000,"scaleNuisance":0,"signal":"none","signalEvents":0},"preset":"nplm","seed":1,"training":{"clipping":{"bound":9,"includeBiases":false},"epochs":20000,"historyEvery":5000,"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.001}}}"#),
        ("plain 1-D", "db5677f52739b6f8",
         #"{"architecture":{"layers":[1,4,1]},"benchmark":{"expectedBackground":100,"normalizationNuisance":0,"referenceSize":1000,"scaleNuisance":0,"signal":"none","signalEvents":0},"preset":"nplm","seed":1,"training":{"epochs":200,"historyEvery":50,"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.001}}}"#),
        ("1-D signal", "0bf2cf277a8ff55d",
         #"{"architecture":{"layers":[1,4,1]},"benchmark":{"expectedBackground":2000,"normalizationNuisance":0,"referenceSize":200000,"scaleNuisance":0,"signal":"NP2","signalEvents":20},"preset":"nplm","seed":2,"training":{"epochs":200,"historyEvery":50,"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.001}}}"#),
        ("symmetric", "4438923cf2e26a16",
         #"{"architecture":{"layers":[1,4,1]},"preset":"symmetric","samples":{"expectedA":100,"expectedB":150,"signal":"none","signalEvents":0},"seed":1,"statistic":"symmetrized","training":{"epochs":200,"historyEvery":50,"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.001}}}"#),
        ("cross-entropy signal", "8d510ab6a7ebf7dd",
         #"{"architecture":{"layers":[1,4,1]},"preset":"symmetric","samples":{"expectedA":100,"expectedB":150,"signal":"NP3","signalEvents":15},"seed":5,"statistic":"crossentropy","training":{"epochs":200,"historyEvery":50,"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.001}}}"#),
        ("nuisances", "42821ad7adf09265",
         #"{"architecture":{"layers":[1,4,1]},"benchmark":{"expectedBackground":100,"normalizationNuisance":-0.1,"referenceSize":1000,"scaleNuisance":0.15,"signal":"NP1","signalEvents":10},"nuisances":{"normalizationSigma":0.2,"scaleSigma":0.15,"shapeOrder":3},"preset":"nplm","seed":4,"training":{"epochs":200,"historyEvery":50,"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.001}}}"#),
        // Issue 20: the δ̂ model is identified by its hash only, so this one kind changed its JSON
        // and hash on purpose (fef98e6: 87fd68b3897d4ab3, with "deltaModel":"delta.json"; see
        // testTheDeltaModelIsIdentifiedByItsBytesOnly).
        ("learned nuisances", "07f21d30d6b66574",
         #"{"architecture":{"layers":[1,4,1]},"benchmark":{"expectedBackground":2000,"normalizationNuisance":0,"referenceSize":200000,"scaleNuisance":0,"signal":"none","signalEvents":0},"nuisances":{"deltaModelHash":"0123456789abcdef","scaleSigma":0.15},"preset":"nplm","seed":4,"training":{"epochs":200,"historyEvery":50,"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.001}}}"#),
        ("kernel", "5906f703858e78a9",
         #"{"architecture":{"layers":[1,4,1]},"benchmark":{"expectedBackground":150,"normalizationNuisance":0,"referenceSize":1500,"scaleNuisance":0,"signal":"none","signalEvents":0},"kernel":{"centres":40,"cgMaxIterations":1000,"cgTolerance":0.00031622776601683794,"lambda":1e-06,"newtonSteps":1,"precision":"float64","widths":[1,2.5]},"preset":"nplm","seed":1,"training":{"epochs":300000,"historyEvery":0,"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.001}}}"#),
        ("kernel, default width", "401e9b0135ad5981",
         #"{"architecture":{"layers":[1,4,1]},"benchmark":{"expectedBackground":2000,"normalizationNuisance":0,"referenceSize":200000,"scaleNuisance":0,"signal":"NP3","signalEvents":30},"kernel":{"cgMaxIterations":50,"cgTolerance":1e-05,"lambda":1e-08,"newtonSteps":2,"precision":"float64"},"preset":"nplm","seed":3,"training":{"epochs":200,"historyEvery":50,"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.001}}}"#),
        ("Gaussian mixture", "deecca0d63e72b2c",
         #"{"architecture":{"layers":[5,5,5,5,1]},"mixture":{"dimension":5,"expectedBackground":2000,"referenceSize":20000,"signal":"none","strength":0},"preset":"nplm","seed":1,"training":{"clipping":{"bound":2.15,"includeBiases":false},"epochs":50,"historyEvery":0,"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.001}}}"#),
        ("Gaussian mixture signal", "6b3bc20640ee1359",
         #"{"architecture":{"layers":[4,3,1]},"mixture":{"dimension":4,"expectedBackground":80,"referenceSize":600,"signal":"widen","strength":0.3},"preset":"nplm","seed":2,"training":{"epochs":200,"historyEvery":50,"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.001}}}"#),
    ]


    /// A kernel campaign written before the kernel model minimised the authors' objective (float32
    /// kernel values, jitter 1e-5·M, no `precision` in its JSON) reads as `.float32`, so its hash is
    /// not that of a campaign of today's defaults: the kernel rows above were pinned again at that
    /// change (61b0a48c872da5e7 → 5906f703858e78a9, 72b4205b519c522f → 401e9b0135ad5981).
    func testAKernelCampaignOfTheEarlierObjectiveReadsAsFloat32() throws {
        let old = #"{"architecture":{"layers":[1,4,1]},"benchmark":{"expectedBackground":150,"normalizationNuisance":0,"referenceSize":1500,"scaleNuisance":0,"signal":"none","signalEvents":0},"kernel":{"centres":40,"cgMaxIterations":1000,"cgTolerance":0.00031622776601683794,"lambda":1e-06,"newtonSteps":1,"widths":[1,2.5]},"preset":"nplm","seed":1,"training":{"epochs":300000,"historyEvery":0,"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.001}}}"#
        let decoded = try NPLMJSON.decoder().decode(CampaignConfiguration.self, from: Data(old.utf8))
        XCTAssertEqual(decoded.kernel?.precision, .float32)
        XCTAssertNotEqual(decoded.hash, "5906f703858e78a9")
    }

    func testEveryKindOfCampaignKeepsItsJSONAndHash() throws {
        let kinds = try kinds()
        XCTAssertEqual(kinds.map(\.0), Self.pinned.map(\.name))
        for ((name, configuration), pin) in zip(kinds, Self.pinned) {
            XCTAssertEqual(String(decoding: configuration.canonicalJSON, as: UTF8.self), pin.json, name)
            XCTAssertEqual(configuration.hash, pin.hash, name)
            // and back: the JSON of a file written before reads as the same configuration
            let decoded = try NPLMJSON.decoder().decode(CampaignConfiguration.self, from: Data(pin.json.utf8))
            var identity = configuration
            if let nuisances = configuration.nuisances, case .nplm(.oneD(let benchmark, _)) = configuration.test {
                identity.test = .nplm(.oneD(benchmark, .networkWithNuisances(nuisances.identity)))
            }
            XCTAssertEqual(decoded, identity, name)
            XCTAssertEqual(decoded.hash, pin.hash, name)
        }
    }

    /// A campaign with a δ̂ model is one campaign whatever the model file's path: `delta.json`,
    /// `./delta.json` or a copy elsewhere hash alike, another file's bytes do not; the JSON of a
    /// file written with the path (fef98e6) still decodes.
    func testTheDeltaModelIsIdentifiedByItsBytesOnly() throws {
        func campaign(_ path: String, hash: String = "0123456789abcdef") throws -> CampaignConfiguration {
            CampaignConfiguration(seed: 4, architecture: try Architecture([1, 4, 1]), training: Self.training, benchmark: Benchmark1D(),
                                  nuisances: NuisanceSettings(scaleSigma: 0.15, normalizationSigma: nil, deltaModel: path, deltaModelHash: hash))
        }
        let hashes = try ["delta.json", "./delta.json", "/elsewhere/copy.json"].map { try campaign($0).hash }
        XCTAssertEqual(Set(hashes), ["07f21d30d6b66574"])
        XCTAssertNotEqual(try campaign("delta.json", hash: "fedcba9876543210").hash, hashes[0])
        let old = #"{"architecture":{"layers":[1,4,1]},"benchmark":{"expectedBackground":2000,"normalizationNuisance":0,"referenceSize":200000,"scaleNuisance":0,"signal":"none","signalEvents":0},"nuisances":{"deltaModel":"delta.json","deltaModelHash":"0123456789abcdef","scaleSigma":0.15},"preset":"nplm","seed":4,"training":{"epochs":200,"historyEvery":50,"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.001}}}"#
        XCTAssertEqual(try NPLMJSON.decoder().decode(CampaignConfiguration.self, from: Data(old.utf8)).hash, hashes[0])
    }

    /// The combinations nplm does not train have no value: their JSON does not decode.
    func testImpossibleCombinationsDoNotDecode() throws {
        let pinned = Dictionary(uniqueKeysWithValues: Self.pinned.map { ($0.name, $0.json) })
        let kernel = #""kernel":{"cgMaxIterations":1000,"cgTolerance":0.001,"lambda":1e-06,"newtonSteps":1}"#
        let nuisances = #""nuisances":{"normalizationSigma":0.2}"#
        let impossible = [
            pinned["Gaussian mixture"]!.replacingOccurrences(of: #""mixture""#, with: kernel + #","mixture""#),
            pinned["Gaussian mixture"]!.replacingOccurrences(of: #""mixture""#, with: nuisances + #","mixture""#),
            pinned["kernel"]!.replacingOccurrences(of: #""kernel""#, with: nuisances + #","kernel""#),
            pinned["symmetric"]!.replacingOccurrences(of: #""preset""#, with: kernel + #","preset""#),
            pinned["symmetric"]!.replacingOccurrences(of: #""preset":"symmetric""#, with: #""preset":"nplm""#),
            pinned["plain 1-D"]!.replacingOccurrences(of: #""preset":"nplm""#, with: #""preset":"symmetric""#),
            pinned["plain 1-D"]!.replacingOccurrences(of: #""benchmark""#, with: #""notBenchmark""#),
        ]
        for json in impossible {
            XCTAssertThrowsError(try NPLMJSON.decoder().decode(CampaignConfiguration.self, from: Data(json.utf8)), json)
        }
    }

    /// The three axes as the enums name them.
    func testTheTestOfEachKind() throws {
        let kinds = Dictionary(uniqueKeysWithValues: try kinds())
        guard case .nplm(.oneD(_, .network))? = kinds["plain 1-D"]?.test,
              case .nplm(.oneD(_, .networkWithNuisances))? = kinds["nuisances"]?.test,
              case .nplm(.oneD(_, .kernel))? = kinds["kernel"]?.test,
              case .nplm(.gaussianMixture)? = kinds["Gaussian mixture"]?.test,
              case .twoSample(_, .crossEntropy)? = kinds["cross-entropy signal"]?.test else {
            return XCTFail("a kind of campaign is not the test it should be")
        }
        XCTAssertEqual(kinds["kernel"]?.degreesOfFreedom, 0)
        XCTAssertEqual(kinds["plain 1-D"]?.degreesOfFreedom, 13)
        XCTAssertEqual(kinds["symmetric"]?.degreesOfFreedom, 12)
    }
}
