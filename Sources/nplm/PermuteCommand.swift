import ArgumentParser
import Foundation
import NPLM

struct PermuteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "permute",
        abstract: "Permutation null distribution of the two-sample test (seed 000 §III E).",
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

    func validate() throws {
        guard permutations >= 1 else { throw ValidationError("--permutations must be at least 1, got \(permutations)") }
        guard permutations < Int(UInt32.max) else { throw ValidationError("--permutations must be below 2^32") }
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch)") }
    }

    func run() throws {
        let architecture = try training.parsedArchitecture()
        let results = ResultFiles(output: output, model: nil)
        try results.check()
        let samples = try Samples.load([("--a", sampleA), ("--b", sampleB)], architecture: architecture,
                                       network: "--architecture \(training.architecture)")
        let (transform, prepared) = try FeatureTransform.prepare(
            preprocess, fitOn: samples[0].appending(samples[1]), label: "the pool of --a \(sampleA) and --b \(sampleB)",
            samples: [(samples[0], "--a \(sampleA)"), (samples[1], "--b \(sampleB)")])
        let (a, b) = (prepared[0], prepared[1])
        let (pool, observed) = SymmetrizedTest.pool(a: a, b: b)
        // Every labelling is held in memory (one flag per pooled event): refuse what cannot fit.
        guard Double(permutations + 1) * Double(pool.count) <= 4e9 else {
            throw NPLMError.invalidArgument("--permutations \(permutations): \(permutations + 1) labellings of \(pool.count) pooled events do not fit in memory; use at most \(Int(4e9 / Double(pool.count)) - 1)")
        }
        // Test 0 is the observed labelling; test k ≥ 1 is relabelling k, drawn from (seed, k).
        let labelings = [observed] + (1...permutations).map {
            Permutations.labeling(seed: seed, index: UInt32($0), count: pool.count, countA: a.count)
        }
        let options = training.trainingOptions
        var tests: [SymmetrizedTest.Outcome] = []
        var backendName = ""
        let size = batch ?? labelings.count
        for start in stride(from: 0, to: labelings.count, by: size) {
            let range = start..<min(start + size, labelings.count)
            let fitBatch = SymmetrizedTest.batch(architecture: architecture, pool: pool, labelings: Array(labelings[range]),
                                                 statistic: statistic)
            let backend = try BackendFactory.make(training.backendRequest, batch: fitBatch, clipping: options.clipping,
                                                  notice: start == 0 ? note : { _ in })
            backendName = backend.name
            let initial = SymmetrizedTest.initialParameters(architecture: architecture, seed: seed, pairs: range, statistic: statistic)
            tests += SymmetrizedTest.outcomes(try Trainer.train(backend: backend, initialParameters: initial, options: options),
                                              statistic: statistic)
            if range.upperBound < labelings.count { note("trained labellings \(range.upperBound)/\(labelings.count) on \(backendName)") }
        }
        let observedT = tests[0].t
        let null = tests.dropFirst().map(\.t)
        let dof = SymmetrizedTest.degreesOfFreedom(architecture)
        let empirical = EmpiricalPValue(null: null)
        var record = PermutationRecord(statistic: statistic, aEvents: a.count, bEvents: b.count, seed: seed, epochs: options.epochs,
                                       observedT: observedT, dof: dof, asymptoticP: Asymptotic.p(t: observedT, dof: dof),
                                       permutationT: Array(null), atLeastObserved: empirical.countAtOrAbove(observedT),
                                       p: empirical.pValue(observedT), z: empirical.z(observedT), maxZ: empirical.largestZ)
        record.preprocessing = transform

        print("observed t = \(Format.number(observedT))\(tests[0].diverged ? " (diverged)" : "") (\(statistic.rawValue); asymptotic chi2_\(dof) p = \(Format.number(record.asymptoticP)))")
        print("permutations: \(permutations), t_perm >= t_obs: \(record.atLeastObserved)\(record.divergedPermutations > 0 ? " (\(record.divergedPermutations) diverged, counted as >=)" : "")")
        print("empirical p = \(Format.number(record.p)), Z = \(Format.number(record.z))\(empirical.isBound(observedT) ? " (a bound: t_obs is above every permutation; largest Z with K = \(permutations): \(Format.number(record.maxZ)))" : "")")
        print("A events: \(a.count), B events: \(b.count), epochs: \(options.epochs), backend: \(backendName)")
        try results.write(record: record, model: nil)
    }
}
