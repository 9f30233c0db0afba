import NPLM

/// The one table from the library's parameters to this command line's flags. The library's error
/// messages name `Parameter`s; the command line shows each as the flag that sets it
/// (`ParameterFlagsTests` checks that every parameter has a flag that `--help` lists).
enum ParameterFlags {
    static let table: [Parameter: String] = [
        .a: "--a",
        .alpha: "--alpha",
        .alsoNplm: "--also-nplm",
        .architecture: "--architecture",
        .b: "--b",
        .backend: "--backend",
        .batch: "--batch",
        .benchmark: "--benchmark",
        .beta1: "--beta1",
        .beta2: "--beta2",
        .bins: "--bins",
        .cLoop: "--c-loop",
        .central: "--central",
        .centralWeights: "--central-weights",
        .centres: "--centres",
        .cgMaxIterations: "--cg-max-iterations",
        .cgTolerance: "--cg-tolerance",
        .clip: "--clip",
        .data: "--data",
        .deltaModel: "--delta-model",
        .device: "--device",
        .dimension: "--dimension",
        .epochs: "--epochs",
        .epsilon: "--epsilon",
        .expected: "--expected",
        .feature: "--feature",
        .fits: "--fits",
        .historyEvery: "--history-every",
        .jitter: "--jitter",
        .json: "--json",
        .kernelReferenceSizes: "--kernel-reference-sizes",
        .kernelToys: "--kernel-toys",
        .kernelPrecision: "--kernel-precision",
        .lambda: "--lambda",
        .learningRate: "--learning-rate",
        .model: "--model",
        .newtonSteps: "--newton-steps",
        .nuisanceCentral: "--nuisance-central",
        .nuisanceSigma: "--nuisance-sigma",
        .nuisanceTruth: "--nuisance-truth",
        .nuisances: "--nuisances",
        .null: "--null",
        .order: "--order",
        .output: "--output",
        .permutations: "--permutations",
        .plots: "--plots",
        .points: "--points",
        .preprocess: "--preprocess",
        .recordCentres: "--record-centres",
        .reference: "--reference",
        .referenceSize: "--reference-size",
        .referenceSizes: "--reference-sizes",
        .referenceWeights: "--reference-weights",
        .repeats: "--repeats",
        .rootToys: "--root-toys",
        .saveModel: "--save-model",
        .seconds: "--seconds",
        .seed: "--seed",
        .shapeOrder: "--shape-order",
        .shard: "--shard",
        .signal: "--signal",
        .signalEvents: "--signal-events",
        .signalStrength: "--signal-strength",
        .sizeA: "--size-a",
        .sizeB: "--size-b",
        .threads: "--threads",
        .toys: "--toys",
        .varied: "--varied",
        .variedWeights: "--varied-weights",
        .warmup: "--warmup",
        .widths: "--widths",
    ]

    /// The flag of `parameter` ("--reference-size" for `.referenceSize`).
    @Sendable static func flag(_ parameter: Parameter) -> String { table[parameter] ?? parameter.name }

    /// An error's message as the command line shows it: parameters as flags.
    static func message(_ error: Error) -> String {
        if let error = error as? NPLMError { return error.message(naming: flag) }
        return "\(error)"
    }
}
