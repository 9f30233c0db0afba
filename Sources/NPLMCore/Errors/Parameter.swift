import Foundation

/// A parameter of a library call, as messages name it. Its `name` is the keyword the Python package
/// uses (snake_case); the command line shows it as its flag (one table in the `nplm` executable
/// maps each parameter to its flag). An `NPLMError` keeps the parameters it names
/// (`ErrorText`), so each reader renders them in its own words (`NPLMError.message(naming:)`);
/// text the library writes for people (reports, notes, logs) names them through `naming`, which a
/// front end sets once, before any work.
public struct Parameter: Hashable, Sendable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    /// How this process names parameters in text: the library's names unless a front end (the
    /// command line) set its own.
    public static var naming: @Sendable (Parameter) -> String {
        get { namingLock.withLock { currentNaming } }
        set { namingLock.withLock { currentNaming = newValue } }
    }

    private static let namingLock = NSLock()
    nonisolated(unsafe) private static var currentNaming: @Sendable (Parameter) -> String = { $0.name }

    /// The parameter as this process names it (`naming`).
    public var description: String { Self.naming(self) }

    public static let a = Parameter("a")
    public static let alpha = Parameter("alpha")
    public static let alsoNplm = Parameter("also_nplm")
    public static let architecture = Parameter("architecture")
    public static let b = Parameter("b")
    public static let backend = Parameter("backend")
    public static let batch = Parameter("batch")
    public static let benchmark = Parameter("benchmark")
    public static let beta1 = Parameter("beta1")
    public static let beta2 = Parameter("beta2")
    public static let bins = Parameter("bins")
    public static let builtin = Parameter("builtin")
    public static let cLoop = Parameter("c_loop")
    public static let central = Parameter("central")
    public static let centralWeights = Parameter("central_weights")
    public static let centres = Parameter("centres")
    public static let cgMaxIterations = Parameter("cg_max_iterations")
    public static let cgTolerance = Parameter("cg_tolerance")
    public static let clip = Parameter("clip")
    public static let clipBiases = Parameter("clip_biases")
    public static let data = Parameter("data")
    public static let deltaModel = Parameter("delta_model")
    public static let device = Parameter("device")
    public static let dimension = Parameter("dimension")
    public static let epochs = Parameter("epochs")
    public static let epsilon = Parameter("epsilon")
    public static let events = Parameter("events")
    public static let expected = Parameter("expected")
    public static let feature = Parameter("feature")
    public static let fits = Parameter("fits")
    public static let high = Parameter("high")
    public static let historyEvery = Parameter("history_every")
    public static let jitter = Parameter("jitter")
    public static let json = Parameter("json")
    public static let kernelPrecision = Parameter("kernel_precision")
    public static let kernelReferenceSizes = Parameter("kernel_reference_sizes")
    public static let kernelToys = Parameter("kernel_toys")
    public static let lambda = Parameter("lambda")
    public static let learningRate = Parameter("learning_rate")
    public static let low = Parameter("low")
    public static let model = Parameter("model")
    public static let newtonSteps = Parameter("newton_steps")
    public static let nuisanceCentral = Parameter("nuisance_central")
    public static let nuisanceSigma = Parameter("nuisance_sigma")
    public static let nuisanceTruth = Parameter("nuisance_truth")
    public static let nuisances = Parameter("nuisances")
    public static let null = Parameter("null")
    public static let order = Parameter("order")
    public static let output = Parameter("output")
    public static let permutations = Parameter("permutations")
    public static let plot = Parameter("plot")
    public static let plots = Parameter("plots")
    public static let points = Parameter("points")
    public static let pool = Parameter("pool")
    public static let poolWeights = Parameter("pool_weights")
    public static let preprocess = Parameter("preprocess")
    public static let preset = Parameter("preset")
    public static let recordCentres = Parameter("record_centres")
    public static let reference = Parameter("reference")
    public static let referenceSample = Parameter("reference_sample")
    public static let referenceSize = Parameter("reference_size")
    public static let referenceSizes = Parameter("reference_sizes")
    public static let referenceWeights = Parameter("reference_weights")
    public static let repeats = Parameter("repeats")
    public static let rootSteps = Parameter("root_steps")
    public static let rootToys = Parameter("root_toys")
    public static let saveModel = Parameter("save_model")
    public static let seconds = Parameter("seconds")
    public static let seed = Parameter("seed")
    public static let shapeOrder = Parameter("shape_order")
    public static let shard = Parameter("shard")
    public static let signal = Parameter("signal")
    public static let signalEvents = Parameter("signal_events")
    public static let signalStrength = Parameter("signal_strength")
    public static let sizeA = Parameter("size_a")
    public static let sizeB = Parameter("size_b")
    public static let statistic = Parameter("statistic")
    public static let threads = Parameter("threads")
    public static let toys = Parameter("toys")
    public static let truncate = Parameter("truncate")
    public static let varied = Parameter("varied")
    public static let variedWeights = Parameter("varied_weights")
    public static let warmup = Parameter("warmup")
    public static let widths = Parameter("widths")
    public static let writeSamples = Parameter("write_samples")

    /// Every parameter the library names in its messages.
    public static let all: [Parameter] = [
        a, alpha, alsoNplm, architecture, b, backend, batch, benchmark, beta1, beta2, bins, builtin, cLoop, central,
        centralWeights, centres, cgMaxIterations, cgTolerance, clip, clipBiases, data, deltaModel, device,
        dimension, epochs, epsilon, events, expected, feature, fits, high, historyEvery, jitter, json,
        kernelPrecision, kernelReferenceSizes, kernelToys, lambda, learningRate, low, model, newtonSteps,
        nuisanceCentral, nuisanceSigma, nuisanceTruth, nuisances, null, order, output, permutations, plot, plots,
        points, pool, poolWeights, preprocess, preset, recordCentres, reference, referenceSample, referenceSize, referenceSizes,
        referenceWeights, repeats, rootSteps, rootToys, saveModel, seconds, seed, shapeOrder, shard, signal,
        signalEvents, signalStrength, sizeA, sizeB, statistic, threads, toys, truncate, varied, variedWeights, warmup,
        widths, writeSamples,
    ]
}

