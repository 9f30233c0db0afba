import ArgumentParser
import Foundation
import NPLM

struct NuisanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nuisance",
        abstract: "Learn the shape effect of a nuisance parameter (coefficient networks δ_k) and check it.",
        subcommands: [NuisanceTrainCommand.self, NuisanceCheckCommand.self])
}

extension BuiltinNuisance: ExpressibleByArgument {}

/// Where the samples S₀(ν_i) and S₁(ν_i) come from: the user's files or a built-in nuisance.
struct NuisanceSampleOptions: ParsableArguments {
    @Option(name: .customLong("points"), parsing: .unconditional,
            help: "The nuisance points nu_i, comma-separated, in +/- pairs (e.g. 0.15,-0.15,0.3,-0.3).")
    var pointsText: String?

    @Option(help: "A built-in nuisance instead of sample files: scale (x -> e^nu x on e^-x).")
    var builtin: BuiltinNuisance?

    @Option(help: "Built-in nuisance: events in every sample S0 and S1.")
    var events: Int = 20_000

    @Option(help: "S0(nu_i) ~ R_nu_i: one sample file (.npy/.csv) per point, repeated in the order of --points.")
    var varied: [String] = []

    @Option(help: "S1 ~ R_0: one sample file shared by every point, or one per point (repeated).")
    var central: [String] = []

    @Option(help: "Per-event weights of the --varied samples, one file per sample (repeated).")
    var variedWeights: [String] = []

    @Option(help: "Per-event weights of the --central samples, one file per sample (repeated).")
    var centralWeights: [String] = []

    @Option(help: "Uniform weights of the samples without a weight file sum to this expected count (default: the size of the point's S1).")
    var expected: Double?

    /// The options as the library takes them (`ShapeSamplesRequest`).
    var request: ShapeSamplesRequest {
        var request = ShapeSamplesRequest()
        request.points = pointsText
        request.builtin = builtin
        request.events = events
        request.varied = varied
        request.central = central
        request.variedWeights = variedWeights
        request.centralWeights = centralWeights
        request.expected = expected
        return request
    }
}

struct NuisanceTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the coefficient networks delta_1 ... delta_order of a shape nuisance (002 eq. 17).",
        discussion: """
        log r(x; nu) = sum_k nu^k/k! delta_k(x) is learned from samples S0(nu_i) ~ R_nu_i and \
        S1(nu_i) ~ R_0 at the points nu_i (in +/- pairs) with the loss sum_i [sum_S0 w c^2 + \
        sum_S1 w (1 - c)^2], c = 1/(1 + r). One network [d, ..., 1] per coefficient (sigmoid \
        hidden units, linear output), full batch, Adam. Writes the model file (JSON) that nplm \
        nuisance check and the fits with nuisances read.
        """)

    @OptionGroup var samples: NuisanceSampleOptions

    @Option(help: "Order of the Taylor expansion of log r in nu (1 to 4).")
    var order: Int = 2

    @Option(help: "Layer widths of every coefficient network, input first, output (1) last.")
    var architecture: String = "1,4,1"

    @Option(help: "Full-batch training epochs (Adam steps).")
    var epochs: Int = 4000

    @Option(help: "Adam learning rate (beta1 0.9, beta2 0.999, epsilon 1e-7).")
    var learningRate: Double = 0.01

    @Option(help: "Clip weights to [-W, W] after every step (no clipping when absent).")
    var clip: Double?

    @Flag(help: "Clip biases too.")
    var clipBiases = false

    @Option(help: "Record the loss every K epochs in the model file (0: first and final loss only).")
    var historyEvery: Int = 0

    @Option(help: "Seed of the network initialisation and of the built-in samples.")
    var seed: UInt64 = 1

    @Option(help: "Worker threads (default: every core); the result does not depend on it.")
    var threads: Int?

    @Option(help: "The model file to write (JSON).")
    var output: String

    func run() throws {
        var request = NuisanceTrainRequest()
        request.samples = samples.request
        request.order = order
        request.architecture = architecture
        request.epochs = epochs
        request.learningRate = learningRate
        request.clip = clip
        request.clipBiases = clipBiases
        request.historyEvery = historyEvery
        request.seed = seed
        request.threads = threads
        request.output = output
        let start = Date()
        let run = try request.run { epoch in note("epoch \(epoch)/\(epochs)  \(Format.number(Date().timeIntervalSince(start))) s") }
        let training = run.model.training
        let events = zip(training.variedEvents, training.centralEvents).map { $0 + $1 }.reduce(0, +)
        print("shape nuisance: order \(order), architecture \(run.architecture), points \(run.points.map { Format.number($0) }.joined(separator: ", ")), \(events) events")
        print("loss \(Format.number(training.initialLoss)) -> \(Format.number(training.finalLoss)) after \(epochs) epochs (\(Format.number(Date().timeIntervalSince(start))) s)")
        print("model written to \(output)")
    }
}

struct NuisanceCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compare a learned shape effect with binned ratios of samples (and the exact log-ratio of a built-in nuisance).",
        discussion: """
        At every point nu_i (by default the model's), the learned log r(x; nu_i) is compared with \
        log(sum_S0 w / sum_S1 w) in equal-population bins of one feature over the bulk (the central \
        98 % of the S1 events) and, for --builtin scale, with the exact -x e^-nu + x - nu. Prints \
        the largest and mean deviations per point; --plot writes them against x as SVG. Give \
        samples that were not used for training: the built-in nuisance draws them from --seed \
        (default: the model's seed + 1).
        """)

    @Option(help: "The model file written by nplm nuisance train.")
    var model: String

    @OptionGroup var samples: NuisanceSampleOptions

    @Option(help: "Seed of the built-in samples (default: the model's seed + 1).")
    var seed: UInt64?

    @Option(help: "Equal-population bins over the bulk.")
    var bins: Int = 20

    @Option(help: "The feature that is binned and plotted (0-based).")
    var feature: Int = 0

    @Option(help: "Write the plot (SVG) to this file.")
    var plot: String?

    @Option(help: "Write the deviations and curves as JSON to this file.")
    var output: String?

    func run() throws {
        var request = NuisanceCheckRequest()
        request.model = model
        request.samples = samples.request
        request.seed = seed
        request.bins = bins
        request.feature = feature
        request.plot = plot
        request.output = output
        let run = try request.run()
        let effect = run.effect
        print("model \(model): order \(effect.order), architecture \(effect.architecture), trained at \(effect.points.map { Format.number($0) }.joined(separator: ", "))")
        print(run.report.table())
        if let plot { print("plot written to \(plot)") }
    }
}
