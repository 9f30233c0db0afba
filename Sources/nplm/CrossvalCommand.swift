import ArgumentParser
import Foundation
import NPLM

struct CrossvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crossval",
        abstract: "Validate an OpenCL device: train the same toys with the reference engine and with OpenCL, and compare.",
        discussion: """
        Builds toys of the 1-D benchmark, compares the loss and gradient of the two engines at the \
        initial parameters, trains both for --epochs and compares the final t and parameters. \
        Prints the largest relative differences and exits non-zero when one exceeds its tolerance. \
        Run it on every new GPU node.
        """)

    @Option(help: "Number of toys.")
    var toys: Int = 8

    @Option(help: "Seed of the toys.")
    var seed: UInt64 = 1

    @Option(help: "N(R0): expected background events in a data sample.")
    var expected: Double = 200

    @Option(help: "N_R: events in the reference sample.")
    var referenceSize: Int = 5000

    @Option(help: "Network layer widths (input width 1: the 1-D benchmark).")
    var architecture: String = "1,4,1"

    @Option(help: "Training epochs of both engines.")
    var epochs: Int = 1000

    @Option(help: "Clip weights to [-W, W] after every step (0: no clipping).")
    var clip: Double = 9

    @Option(help: "Adam learning rate.")
    var learningRate: Double = 1e-3

    @Option(help: "OpenCL device index, as `nplm devices` lists them (default: the first GPU, else the first device).")
    var device: Int?

    @Option(help: "Largest relative difference of the loss at the initial parameters (default: derived from the device's float32 lanes, see BackendTolerances).")
    var lossTolerance: Double?

    @Option(help: "Largest difference of a gradient component, relative to the fit's largest component (default 1e-4).")
    var gradientTolerance: Double?

    @Option(help: "Largest difference of the final t: relative, or absolute where |t| < 1 (default 1e-4).")
    var tTolerance: Double?

    @Option(help: "Largest difference of a final parameter, relative to the fit's largest parameter (default 1e-3).")
    var parameterTolerance: Double?

    func validate() throws {
        guard toys >= 1 else { throw ValidationError("--toys must be at least 1, got \(toys)") }
        try flagged {
            try SampleSize.checkExpected(expected, parameter: .expected)
            try SampleSize.check(Double(referenceSize), parameter: .referenceSize)
        }
        guard clip >= 0, clip.isFinite else { throw ValidationError("--clip must be 0 (no clipping) or a positive number, got \(clip)") }
        do {
            try TrainingOptions(epochs: epochs, optimizer: Adam(learningRate: learningRate)).validate()
        } catch { throw ValidationError(ParameterFlags.message(error)) }
        for (name, value) in [("--loss-tolerance", lossTolerance), ("--gradient-tolerance", gradientTolerance),
                              ("--t-tolerance", tTolerance), ("--parameter-tolerance", parameterTolerance)] {
            if let value, !(value > 0 && value.isFinite) { throw ValidationError("\(name) must be a positive number, got \(value)") }
        }
        let parsed: Architecture
        do { parsed = try Architecture(parsing: architecture) } catch { throw ValidationError("--architecture: \(ParameterFlags.message(error))") }
        guard parsed.inputDimension == 1 else {
            throw ValidationError("--architecture: crossval trains the 1-D benchmark, so the input width must be 1, got \(parsed)")
        }
    }

    func run() throws {
        let architecture = try Architecture(parsing: architecture)
        let crossval = try OpenCLCrossValidation(benchmark: Benchmark1D(expectedBackground: expected, referenceSize: referenceSize),
                                                 architecture: architecture, toys: toys, seed: seed, device: device)
        let engine = crossval.engine
        print("device: \(engine.device) (\(engine.variant))")
        print("toys: \(toys) of the 1-D benchmark (N(R0) = \(expected), N_R = \(referenceSize)), architecture \(architecture), \(epochs) epochs")

        var tolerances = crossval.tolerances
        if let lossTolerance { tolerances.loss = lossTolerance }
        if let gradientTolerance { tolerances.gradient = gradientTolerance }
        if let tTolerance { tolerances.t = tTolerance }
        if let parameterTolerance { tolerances.parameters = parameterTolerance }
        print("tolerances: \(tolerances.description)")
        let options = TrainingOptions(epochs: epochs, optimizer: Adam(learningRate: learningRate),
                                      clipping: clip > 0 ? WeightClipping(bound: clip) : nil)
        let agreement = try crossval.measure(options: options, tolerances: tolerances)
        print("largest differences, OpenCL against the reference:")
        for row in agreement.rows {
            print("  \(row.name.padding(toLength: 46, withPad: " ", startingAt: 0)) \(String(format: "%.3g", row.difference))  (tolerance \(String(format: "%.3g", row.tolerance)))  \(row.passed ? "ok" : "FAILED")")
        }
        print(String(format: "training time: reference %.2f s, OpenCL %.2f s", agreement.referenceSeconds, agreement.candidateSeconds))
        if !agreement.passed {
            print("crossval FAILED: OpenCL on \(engine.device.name) differs from the reference beyond the tolerances")
            throw ExitCode(1)
        }
        print("crossval passed")
    }
}
