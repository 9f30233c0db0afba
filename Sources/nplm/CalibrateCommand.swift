import ArgumentParser
import Foundation
import NPLM

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Select the weight clipping W so that null toys follow chi2_dof (D'Agnolo et al., Imperfect Machine, §3.1).",
        discussion: """
        Null toys of a built-in benchmark (the 1-D one, or --benchmark gauss in d dimensions) at several W: bracket W between --low and --high (widened \
        if <t> - dof does not change sign), bisect on <t> = dof with --root-toys toys until the mean is \
        compatible with dof, then scan --points values of W inside the window with each toy count of \
        --toys, keeping the largest Kolmogorov-Smirnov p-value against chi2_dof. Prints a table like \
        D'Agnolo et al., Imperfect Machine, Table 1 and the chosen W. Every W uses the same toys. Reduced sizes run in minutes, \
        e.g. --expected 200 --reference-size 2000 --epochs 2000.
        """)

    @Option(help: "Built-in benchmark whose null toys are trained: 1d (e^-x) or gauss (a correlated Gaussian mixture in d dimensions).")
    var benchmark: ToyBenchmarkKind = .oneD

    @Option(help: "Features d = 4..30 of --benchmark gauss (default: the architecture's input width).")
    var dimension: Int?

    @Option(help: "Campaign seed.")
    var seed: UInt64 = 1

    @Option(help: "N(R0): expected background events in a data sample.")
    var expected: Double = Benchmark1D.defaultExpectedBackground

    @Option(help: "N_R: events in the reference sample (default \(Benchmark1D.defaultReferenceSize), \(GaussianMixtureBenchmark.defaultReferenceSize) with --benchmark gauss).")
    var referenceSize: Int?

    @Option(help: "Small W to start the bracket from.")
    var low: Double = 1

    @Option(help: "Large W to start the bracket from.")
    var high: Double = 100

    @Option(help: "Toys of the bracketing and root-finding steps.")
    var rootToys: Int = 20

    @Option(help: "Largest number of bisection steps.")
    var rootSteps: Int = 4

    @Option(help: "Toy counts of the KS scans, increasing, comma-separated.")
    var toys: String = "40,100"

    @Option(help: "W values per KS scan.")
    var points: Int = 5

    @Option(help: "Toys trained together in one batch.")
    var batch: Int = 64

    @Flag(help: "Clip the biases too at every W (--clip-biases needs --clip, which calibrate sets itself).")
    var calibrateBiases = false

    @Flag(help: "Print the table as JSON.")
    var json = false

    @OptionGroup var training: TrainingOptionGroup

    func scanCounts() throws -> [Int] {
        let counts = toys.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 2 }),
              zip(counts, counts.dropFirst()).allSatisfy({ $0! < $1! }) else {
            throw ValidationError("--toys '\(toys)': expected increasing toy counts of at least 2, such as 40,100")
        }
        return counts.map { $0! }
    }

    func validate() throws {
        guard training.clip == nil else { throw ValidationError("--clip: nplm calibrate chooses W itself; leave --clip out") }
        guard low > 0, high > low, high.isFinite else { throw ValidationError("--low and --high need 0 < low < high, got \(low) and \(high)") }
        guard rootToys >= 2 else { throw ValidationError("--root-toys must be at least 2, got \(rootToys)") }
        guard rootSteps >= 0 else { throw ValidationError("--root-steps must be 0 or positive, got \(rootSteps)") }
        guard points >= 2 else { throw ValidationError("--points must be at least 2, got \(points)") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
        try checkExpectedEvents(expected)
        if let referenceSize { try checkSampleSize(Double(referenceSize), parameter: .referenceSize) }
        _ = try scanCounts()
        let architecture = try training.parsedArchitecture()
        switch benchmark {
        case .oneD:
            if dimension != nil { throw ValidationError("--dimension belongs to --benchmark gauss") }
            try checkOneDimensional(architecture)
        case .gauss:
            _ = try mixtureBenchmark(architecture)
        }
    }

    /// The Gaussian mixture's null: d = --dimension (default: the architecture's input width), the
    /// library's default N_R unless given.
    func mixtureBenchmark(_ architecture: Architecture) throws -> GaussianMixtureBenchmark {
        try gaussianMixture(dimension: dimension, architecture: architecture, expected: expected,
                            referenceSize: referenceSize ?? GaussianMixtureBenchmark.defaultReferenceSize)
    }

    /// The null campaign whose clipping is calibrated (its own clipping is replaced at every W).
    func baseConfiguration() throws -> CampaignConfiguration {
        let architecture = try training.parsedArchitecture()
        switch benchmark {
        case .oneD:
            return CampaignConfiguration(seed: seed, architecture: architecture, training: training.trainingOptions,
                                         benchmark: Benchmark1D(expectedBackground: expected, referenceSize: referenceSize ?? Benchmark1D.defaultReferenceSize))
        case .gauss:
            return CampaignConfiguration(seed: seed, architecture: architecture, training: training.trainingOptions,
                                         mixture: try mixtureBenchmark(architecture))
        }
    }

    func run() throws {
        let calibration = ClippingCalibration(base: try baseConfiguration(), clipBiases: calibrateBiases, backend: training.backendRequest,
                                              batch: batch, log: note)
        let result = try calibration.run(low: low, high: high, rootToys: rootToys, rootSteps: rootSteps,
                                         scanToys: try scanCounts(), points: points)
        if json {
            print(String(decoding: try NPLMJSON.encoder(pretty: true).encode(result), as: UTF8.self))
        } else {
            print(ClippingCalibration.table(result))
        }
    }
}
