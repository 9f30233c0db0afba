import ArgumentParser
import Foundation
import NPLM

struct NuisanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nuisance",
        abstract: "Learn the shape effect of a nuisance parameter (coefficient networks δ_k) and check it.",
        subcommands: [NuisanceTrainCommand.self, NuisanceCheckCommand.self])
}

/// Built-in nuisances with known samples (and exact log-ratio).
enum BuiltinNuisance: String, ExpressibleByArgument {
    /// The 1-D benchmark's scale nuisance x → e^ν·x on b₀(x) = e^{−x}.
    case scale
}

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

    /// The points of --points (one line naming the option otherwise).
    func parsedPoints() throws -> [Double]? {
        guard let pointsText else { return nil }
        var nus: [Double] = []
        for part in pointsText.split(separator: ",", omittingEmptySubsequences: false) {
            guard let nu = Double(part.trimmingCharacters(in: .whitespaces)) else {
                throw NPLMError.invalidArgument("--points '\(pointsText)' is not a comma-separated list of numbers such as 0.15,-0.15,0.3,-0.3")
            }
            nus.append(nu)
        }
        do { try ShapeTrainingData.checkPoints(nus) } catch { throw NPLMError.invalidArgument("--points: \(error)") }
        return nus
    }

    /// The samples at `nus`; the built-in nuisance draws them from `seed`.
    func load(nus: [Double], seed: UInt64) throws -> ShapeTrainingData {
        if let expected { try SampleSize.checkExpected(expected, parameter: .expected) }
        if let builtin {
            guard varied.isEmpty, central.isEmpty, variedWeights.isEmpty, centralWeights.isEmpty else {
                throw NPLMError.invalidArgument("--builtin \(builtin.rawValue) draws its own samples: give either --builtin or --varied/--central files, not both")
            }
            guard events >= 1, Double(events) <= largestSample else {
                throw NPLMError.invalidArgument("--events must be 1 to 1e8, got \(events)")
            }
            // S₀ and S₁ of every point, with their weights, values and coefficients (generously 48 B an event).
            try MemoryLimit.check(2 * Double(nus.count) * Double(events) * 48, for: "the built-in samples (2 × \(nus.count) points × \(events) events)",
                                  label: "--events \(events)", advice: "use fewer --events or --points")
            switch builtin {
            case .scale: return try ScaleNuisance1D.samples(nus: nus, events: events, expected: expected, seed: seed)
            }
        }
        guard !varied.isEmpty, !central.isEmpty else {
            throw NPLMError.invalidArgument("give the samples: --varied FILE per point and --central FILE (or --builtin scale)")
        }
        return try ShapeTrainingData.load(nus: nus, varied: varied, central: central,
                                          variedWeights: variedWeights.isEmpty ? nil : variedWeights,
                                          centralWeights: centralWeights.isEmpty ? nil : centralWeights, expected: expected)
    }

    /// Every input file with its option, which no output may be.
    var inputFiles: [(option: ErrorText, path: String)] {
        varied.map { ("--varied", $0) } + central.map { ("--central", $0) }
            + variedWeights.map { ("--varied-weights", $0) } + centralWeights.map { ("--central-weights", $0) }
    }

    /// The sample files in the order a model file records them.
    var files: [String]? { builtin == nil ? varied + central : nil }
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
        guard let nus = try samples.parsedPoints() else {
            throw NPLMError.invalidArgument("--points is required: the nuisance points in +/- pairs, e.g. --points 0.15,-0.15,0.3,-0.3")
        }
        try DeltaNetworks.checkOrder(order)
        try DeltaNetworks.checkOrder(order, points: nus)
        let network: Architecture
        do { network = try Architecture(parsing: architecture) } catch { throw NPLMError.invalidArgument("--architecture: \(error)") }
        let options = TrainingOptions(epochs: epochs, historyEvery: historyEvery, optimizer: Adam(learningRate: learningRate),
                                      clipping: clip.map { WeightClipping(bound: $0, includeBiases: clipBiases) })
        try options.validate()
        if clipBiases && clip == nil { throw NPLMError.invalidArgument("--clip-biases needs --clip W") }
        if let threads, threads < 1 { throw NPLMError.invalidArgument("--threads must be at least 1, got \(threads)") }
        try OutputTarget.refuseAliases(outputs: [try AtomicWrite.checkWritable(output, label: "--output \(output)")],
                                       inputs: samples.inputFiles)
        if samples.builtin != nil {
            // The built-in samples: S₀ and S₁ of --events each per point, drawn before training.
            try TrainingMemory.check(architecture: network, fits: order, events: 2 * nus.count * max(samples.events, 0), dimension: 1,
                                     options: options, batchHint: "fewer --events or --points")
        }
        let data = try samples.load(nus: nus, seed: seed)
        let start = Date()
        var reported = 0
        let model = try DeltaTraining.model(
            data: data, architecture: network, order: order, options: options, seed: seed,
            source: samples.builtin.map { "builtin-\($0.rawValue)" } ?? "files", files: samples.files,
            threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
            progress: { epoch in
                if epoch * 10 / epochs > reported {
                    reported = epoch * 10 / epochs
                    note("epoch \(epoch)/\(epochs)  \(Format.number(Date().timeIntervalSince(start))) s")
                }
            })
        try model.write(to: output, label: "--output \(output)")
        let events = zip(model.training.variedEvents, model.training.centralEvents).map { $0 + $1 }.reduce(0, +)
        print("shape nuisance: order \(order), architecture \(network), points \(nus.map { Format.number($0) }.joined(separator: ", ")), \(events) events")
        print("loss \(Format.number(model.training.initialLoss)) -> \(Format.number(model.training.finalLoss)) after \(epochs) epochs (\(Format.number(Date().timeIntervalSince(start))) s)")
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
        let effect = try LearnedShapeEffect(path: model, label: "--model \(model)")
        let nus = try samples.parsedPoints() ?? effect.points
        let outputs = try [(plot, "--plot"), (output, "--output")].compactMap { path, option in
            try path.map { try AtomicWrite.checkWritable($0, label: "\(option) \($0)") }
        }
        try OutputTarget.refuseAliases(outputs: outputs, inputs: [("--model", model)] + samples.inputFiles)
        let data = try samples.load(nus: nus, seed: seed ?? (effect.model.training.seed &+ 1))
        let exact: ((Double, Double) -> Double)? = samples.builtin == .scale ? { ScaleShapeEffect.exactLogRatio(x: $0, nu: $1) } : nil
        let report = try NuisanceCheck.run(effect: effect, data: data, exact: exact, bins: bins, feature: feature)
        print("model \(model): order \(effect.order), architecture \(effect.architecture), trained at \(effect.points.map { Format.number($0) }.joined(separator: ", "))")
        print(report.table())
        var items: [AtomicWrite.Item] = []
        if let plot {
            let title = "learned log-ratio, order \(effect.order) (solid); " + (exact == nil ? "binned samples (dots)" : "exact (dashed), binned samples (dots)")
            items.append(AtomicWrite.Item(Data(report.plot(title: title).utf8), to: plot, label: "--plot \(plot)"))
        }
        if let output { items.append(AtomicWrite.Item(try NPLMJSON.line(report), to: output, label: "--output \(output)")) }
        try AtomicWrite.writeAll(items)
        if let plot { print("plot written to \(plot)") }
    }
}
