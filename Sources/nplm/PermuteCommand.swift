import ArgumentParser
import Foundation
import NPLM

struct PermuteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "permute",
        abstract: "Permutation null distribution of the two-sample test (Bressler et al., Symmetrized Approach, §III E).",
        discussion: """
        Pools A and B, relabels the pooled events K times keeping the sizes N_A and N_B (relabelling \
        k drawn from (seed, k)), trains the observed labelling and every relabelling as one batch (or \
        batches of --batch) \
        over the pool stored once (only the per-event coefficients differ), and reports the observed \
        t with its empirical p-value (1 + #{t_perm >= t_obs}) / (1 + K) and Z. The observed t equals \
        that of nplm fit --a A --b B with the same seed and training options.
        """)

    @Option(name: .customLong("a"), help: "Sample A (.npy, .csv or file.h5:/dataset).")
    var sampleA: String

    @Option(name: .customLong("b"), help: "Sample B (.npy, .csv or file.h5:/dataset).")
    var sampleB: String

    @Option(help: "K: number of relabellings.")
    var permutations: Int

    @Option(help: "symmetrized (t_f + t_g) or crossentropy (t^delta).")
    var statistic: TwoSampleStatistic = .symmetrized

    @Option(help: "Seed of the relabellings and of the initial network parameters.")
    var seed: UInt64 = 1

    @Option(help: "Labellings trained together (default: all in one batch); smaller batches bound memory, the results are the same.")
    var batch: Int?

    @Option(help: "Write the result (observed t, every permutation's t, p, Z) as JSON to this file.")
    var output: String?

    @Option(help: "Feature preprocessing fitted on the pool A+B and applied to both: none, standardize, mean, auto (as nplm fit).")
    var preprocess: Preprocessing = .none

    @OptionGroup var training: TrainingOptionGroup

    /// The options as the library takes them (`PermuteRequest`: its checks, its run).
    var request: PermuteRequest {
        var request = PermuteRequest()
        request.a = .file(sampleA, parameter: .a)
        request.b = .file(sampleB, parameter: .b)
        request.permutations = permutations
        request.statistic = statistic
        request.seed = seed
        request.batch = batch
        request.output = output
        request.preprocess = preprocess
        request.training = training.request
        return request
    }

    func validate() throws { try flagged { try request.validate() } }

    func run() throws {
        let result = try request.run(notice: note)
        let record = result.record
        print("observed t = \(Format.number(record.observedT))\(result.observed.diverged ? " (diverged)" : "") (\(statistic.rawValue); asymptotic chi2_\(record.dof) p = \(Format.number(record.asymptoticP)))")
        print("permutations: \(permutations), t_perm >= t_obs: \(record.atLeastObserved)\(record.divergedPermutations > 0 ? " (\(record.divergedPermutations) diverged, counted as >=)" : "")")
        print("empirical p = \(Format.number(record.p)), Z = \(Format.number(record.z))\(result.isBound ? " (a bound: t_obs is above every permutation; largest Z with K = \(permutations): \(Format.number(record.maxZ)))" : "")")
        print("A events: \(record.aEvents), B events: \(record.bEvents), epochs: \(record.epochs), backend: \(result.backendName)")
    }
}
