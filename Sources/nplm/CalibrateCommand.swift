import ArgumentParser
import Foundation
import NPLM

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Select the weight clipping W so that null toys follow chi2_dof (D'Agnolo et al., Imperfect Machine, §3.1).",
        discussion: """
        Null toys of a built-in benchmark (the 1-D one, or --benchmark gauss in d dimensions), or of your own reference sample (--reference), at several W: bracket W between --low and --high (widened \
        if <t> - dof does not change sign), bisect on <t> = dof with --root-toys toys until the mean is \
        compatible with dof, then scan --points values of W inside the window with each toy count of \
        --toys, keeping the largest Kolmogorov-Smirnov p-value against chi2_dof. Prints a table like \
        D'Agnolo et al., Imperfect Machine, Table 1 and the chosen W. Every W uses the same toys. Reduced sizes run in minutes \
        (--expected 200 --reference-size 2000 --epochs 20000: about 5 minutes on one core), but W means something only with the \
        training of the fits it is for: too few epochs leave <t> below dof at every W (at 2000 epochs t is about 2 against dof 13).
        """)

    @Option(help: "Built-in benchmark whose null toys are trained: 1d (e^-x) or gauss (a correlated Gaussian mixture in d dimensions).")
    var benchmark: ToyBenchmarkKind = .oneD

    @Option(help: "Features d = 4..30 of --benchmark gauss (default: the architecture's input width).")
    var dimension: Int?

    @Option(help: "Campaign seed.")
    var seed: UInt64 = 1

    @Option(help: "N(R0): expected background events in a data sample (default \(Format.number(Benchmark1D.defaultExpectedBackground)); required with --reference unless --reference-weights).")
    var expected: Double?

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

    @Option(help: "Reference sample of the null toys: campaign (one for every toy, from (seed, 0)) or toy (each toy its own, from (seed, toy)), as nplm toys --reference-sample.")
    var referenceSample: ReferenceSample = .campaign

    @Option(help: "Null toys of your own reference sample (.npy, .csv or file.h5:/dataset) instead of a built-in benchmark, as nplm toys --reference: W calibrated for fits against these events.")
    var reference: String?

    @Option(help: "With --reference: one weight per reference event; N(R0) is their sum (no --expected).")
    var referenceWeights: String?

    @Option(help: "With --reference: events of the reference hypothesis apart from the reference, which the toys' data are drawn from (only when many times larger than the reference).")
    var pool: String?

    @Option(help: "With --pool: one weight per pool event (0 or positive), which the toys' data are drawn in proportion to.")
    var poolWeights: String?

    @OptionGroup var training: TrainingOptionGroup

    /// The options as the library takes them (`CalibrationRequest`: its checks, the calibration it runs).
    var request: CalibrationRequest {
        var request = CalibrationRequest()
        request.benchmark = benchmark
        request.dimension = dimension
        request.seed = seed
        request.expected = expected
        request.referenceSize = referenceSize
        request.low = low
        request.high = high
        request.rootToys = rootToys
        request.rootSteps = rootSteps
        request.toys = toys
        request.points = points
        request.batch = batch
        request.calibrateBiases = calibrateBiases
        request.referenceSample = referenceSample
        request.reference = reference.map { .file($0, parameter: .reference) }
        request.referenceWeights = referenceWeights.map { .file($0, parameter: .referenceWeights) }
        request.pool = pool.map { .file($0, parameter: .pool) }
        request.poolWeights = poolWeights.map { .file($0, parameter: .poolWeights) }
        request.training = training.request
        return request
    }

    func validate() throws { try flagged { try request.validate() } }

    func run() throws {
        let result = try request.run(log: note)
        if json {
            print(String(decoding: try NPLMJSON.encoder(pretty: true).encode(result), as: UTF8.self))
        } else {
            print(ClippingCalibration.table(result))
        }
    }
}
