import Foundation
import NPLMCore
import NPLMData
import NPLMEngines
import NPLMMethods

/// `nplm permute` as a front end takes it (the command line's options, the C interface's
/// keywords and samples), with its checks and its run: the permutation null distribution of the
/// two-sample test (Bressler et al., Symmetrized Approach).
public struct PermuteRequest {
    public var a: SampleSource?
    public var b: SampleSource?
    /// K, the relabellings (required).
    public var permutations: Int?
    public var statistic = TwoSampleStatistic.symmetrized
    /// The seed of the relabellings and of the initial network parameters.
    public var seed: UInt64 = 1
    /// Labellings trained together (nil: all in one batch).
    public var batch: Int?
    public var output: String?
    public var preprocess = Preprocessing.none
    public var training = TrainingRequest()

    public init() {}

    /// Refuses options out of range, naming them, before any work.
    public func validate() throws {
        try training.validate()
        guard let permutations else { throw NPLMError.invalidArgument("Missing expected argument '\(Parameter.permutations) <permutations>'") }
        guard permutations >= 1 else { throw NPLMError.invalidArgument("\(Parameter.permutations) must be at least 1, got \(permutations)") }
        guard permutations < Int(UInt32.max) else { throw NPLMError.invalidArgument("\(Parameter.permutations) must be below 2^32") }
        if let batch, batch < 1 { throw NPLMError.invalidArgument("\(Parameter.batch) must be at least 1, got \(batch)") }
        guard a != nil, b != nil else { throw NPLMError.invalidArgument("the permutation test needs both \(Parameter.a) and \(Parameter.b)") }
    }

    /// Checks the options, the output and the samples, runs the test and writes its record.
    public func run(notice: (String) -> Void = { _ in }) throws -> PermutationTest.Result {
        try validate()
        let files = ResultFiles(output: output, model: nil, inputs: [a!.input, b!.input])
        try files.check()
        let (transform, prepared) = try TwoSamples.load(a: a!, b: b!, preprocess: preprocess, training: training)
        var test = PermutationTest(architecture: try training.parsedArchitecture(), a: prepared.a, b: prepared.b,
                                   permutations: permutations!, statistic: statistic, training: training.trainingOptions, seed: seed,
                                   backend: training.backendRequest, batch: batch)
        test.preprocessing = transform
        let result = try test.run(notice: notice)
        try files.write(record: result.record, model: nil)
        return result
    }
}

/// The samples A and B of a two-sample test, loaded, checked against the network, and
/// preprocessed with a transform fitted on their pool.
enum TwoSamples {
    static func load(a: SampleSource, b: SampleSource, preprocess: Preprocessing,
                     training: TrainingRequest) throws -> (FeatureTransform?, (a: EventSet, b: EventSet)) {
        let samples = try SampleFile.load([(a.label, a.events), (b.label, b.events)], architecture: try training.parsedArchitecture(),
                                          network: "\(Parameter.architecture) \(training.architecture)", fromOptions: true)
        let (transform, prepared) = try FeatureTransform.prepare(
            preprocess, fitOn: samples[0].appending(samples[1]), label: "the pool of \(a.label) and \(b.label)",
            samples: [(samples[0], a.label), (samples[1], b.label)])
        return (transform, (prepared[0], prepared[1]))
    }
}
