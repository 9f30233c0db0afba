import ArgumentParser
import Foundation
import NPLM

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Test a user's data against a reference sample (NPLM), or two samples against each other.",
        discussion: """
        NPLM: nplm fit --data D --reference R [--reference-weights W | --expected N]. The reference \
        weights are those of --reference-weights (one per reference row, finite, >= 0, positive sum), \
        else uniform N/N_R with N = --expected, else N = the observed number of data events. \
        Degrees of freedom of the asymptotic chi2: P (the network's parameter count) when the \
        normalisation is given (--expected or --reference-weights, seed 002), P - 1 when it is the \
        observed count (seed 000).

        Two samples: nplm fit --a A --b B [--statistic symmetrized|crossentropy] [--also-nplm]: the \
        symmetrized test t_{A+B} = t_f + t_g (two fits over the pool A+B; no clipping needed) or the \
        cross-entropy test t^delta (seed 000 eq. 34), dof = P - 1. --also-nplm adds the NPLM \
        statistic t_B(A): B as the reference with weights N_A/N_B, clipping as given.

        Files: .npy (float32 or float64, shape (N,) or (N, d), C order), .csv with a header row, or an \
        HDF5 dataset named file.h5:/group/name (float32 or float64, (N,) or (N, d)); \
        one row per event. Results: printed, and as JSON on --output (written whole or not at all).
        """)

    @Option(help: "NPLM: the data sample (.npy, .csv or file.h5:/dataset).")
    var data: String?

    @Option(help: "NPLM: the reference sample (.npy, .csv or file.h5:/dataset).")
    var reference: String?

    @Option(help: "NPLM: one weight per reference event (.npy, one-column .csv or file.h5:/dataset). dof = P.")
    var referenceWeights: String?

    @Option(help: "NPLM: N(R0), the expected data count; reference weights N(R0)/N_R, dof = P. Default: the observed data count, dof = P - 1.")
    var expected: Double?

    @Option(name: .customLong("a"), help: "Two-sample test: sample A (.npy, .csv or file.h5:/dataset).")
    var sampleA: String?

    @Option(name: .customLong("b"), help: "Two-sample test: sample B (.npy, .csv or file.h5:/dataset).")
    var sampleB: String?

    @Option(help: "Two-sample test: symmetrized (t_f + t_g) or crossentropy (t^delta).")
    var statistic: TwoSampleStatistic?

    @Flag(help: "Two-sample test: also compute the NPLM statistic t_B(A) (B as reference, weights N_A/N_B).")
    var alsoNplm = false

    @Option(help: "Seed of the initial network parameters.")
    var seed: UInt64 = 1

    @Option(help: "Write the result as JSON to this file.")
    var output: String?

    @Option(help: "Write the trained model (architecture, loss, parameters, normalisation) as JSON to this file, for nplm eval.")
    var saveModel: String?

    @Option(help: "Feature preprocessing fitted on the reference (on A+B for two samples) and applied to every sample: none, standardize ((x - mean)/std), mean (x / mean, positive features), auto (x / mean where the reference is >= 0, else standardize). Recorded in the result and the saved model.")
    var preprocess: Preprocessing = .none

    @Option(help: "Model: network or kernel (Gaussian kernel, Nyström centres; NPLM --data/--reference only).")
    var model: ModelFamily = .network

    @Option(help: "Kernel model: a null campaign of `nplm toys --model kernel` with the same widths, for empirical p-values.")
    var null: String?

    @OptionGroup var training: TrainingOptionGroup

    @OptionGroup var kernel: KernelOptionGroup

    func validate() throws {
        if model == .kernel {
            guard data != nil, reference != nil, sampleA == nil, sampleB == nil else {
                throw ValidationError("--model kernel fits --data against --reference (no two-sample test)")
            }
            if saveModel != nil { throw ValidationError("--save-model: saving a kernel model is not supported yet") }
            if preprocess != .none { throw ValidationError("--preprocess is not supported with --model kernel yet (give --widths in the features' units)") }
        } else if kernel.anyGiven || null != nil {
            throw ValidationError("--widths, --centres, --lambda, --newton-steps, --cg-* and --null belong to --model kernel")
        }
        let nplm = data != nil || reference != nil || referenceWeights != nil || expected != nil
        let twoSample = sampleA != nil || sampleB != nil || statistic != nil || alsoNplm
        if nplm && twoSample {
            throw ValidationError("give either --data and --reference (NPLM) or --a and --b (two-sample test), not both")
        }
        if twoSample {
            guard sampleA != nil, sampleB != nil else { throw ValidationError("the two-sample test needs both --a and --b") }
        } else {
            guard data != nil, reference != nil else {
                throw ValidationError("give --data and --reference (NPLM), or --a and --b (two-sample test)")
            }
        }
        if let expected, !(expected > 0 && expected.isFinite) {
            throw ValidationError("--expected must be a positive number, got \(expected)")
        }
        if expected != nil && referenceWeights != nil {
            throw ValidationError("--expected and --reference-weights both set the normalisation: give one of them")
        }
        if let output, let saveModel, output == saveModel {
            throw ValidationError("--output and --save-model name the same file \(output)")
        }
    }

    func run() throws {
        let architecture = try training.parsedArchitecture()
        // Everything that can be checked is checked before training: files, shapes, output folders.
        let results = ResultFiles(output: output, model: saveModel)
        try results.check()
        if model == .kernel, let data, let reference {
            try runKernel(dataPath: data, referencePath: reference, results: results)
        } else if let sampleA, let sampleB {
            try runTwoSample(architecture: architecture, pathA: sampleA, pathB: sampleB, results: results)
        } else if let data, let reference {
            try runNPLM(architecture: architecture, dataPath: data, referencePath: reference, results: results)
        }
    }

    // MARK: - NPLM

    func runNPLM(architecture: Architecture, dataPath: String, referencePath: String, results: ResultFiles) throws {
        let samples = try Samples.load([("--data", dataPath), ("--reference", referencePath)], architecture: architecture,
                                       network: "--architecture \(training.architecture)")
        let (transform, prepared) = try FeatureTransform.prepare(
            preprocess, fitOn: samples[1], label: "--reference \(referencePath)",
            samples: [(samples[0], "--data \(dataPath)"), (samples[1], "--reference \(referencePath)")])
        let (dataEvents, referenceEvents) = (prepared[0], prepared[1])
        let normalisation: Normalisation
        let weights: [Float]
        if let referenceWeights {
            normalisation = .weights
            weights = try SampleFile.weights(path: referenceWeights, option: "--reference-weights", count: referenceEvents.count,
                                             sampleLabel: "--reference \(referencePath)").map(Float.init)
        } else {
            normalisation = expected == nil ? .observed : .expected
            weights = Normalisation.uniformWeights(total: expected ?? Double(dataEvents.count), referenceCount: referenceEvents.count)
        }
        let dof = normalisation.degreesOfFreedom(architecture)
        let options = training.trainingOptions
        var (outcome, record, backendName) = try trainNPLM(architecture: architecture, data: dataEvents, reference: referenceEvents,
                                                           weights: weights, dof: dof)
        record.preprocessing = transform
        if let transform { print("preprocessing \(transform.summary)") }

        let convention: String
        switch normalisation {
        case .expected: convention = "expected N(R0) = \(Format.number(expected ?? 0))"
        case .observed: convention = "observed data count \(dataEvents.count)"
        case .weights: convention = "reference weights summing to \(Format.number(weights.reduce(0.0) { $0 + Double($1) }))"
        }
        print("NPLM t = \(Format.number(record.t))\(outcome.diverged ? " (diverged at epoch \(outcome.divergedAt!))" : "")")
        print("dof = \(dof) (normalisation: \(convention)), p = \(Format.number(record.p)), Z = \(Format.number(record.z!))")
        print("data events: \(dataEvents.count), reference events: \(referenceEvents.count), epochs: \(options.epochs), backend: \(backendName)")

        let model = SavedModel(test: .nplm, architecture: architecture, loss: .expLinear, normalisation: normalisation,
                               expectedEvents: expected, dof: dof, t: outcome.t, parameters: [outcome.finalParameters],
                               preprocessing: transform)
        try results.write(record: record, model: outcome.diverged ? nil : model)
    }

    /// Trains the NPLM fit t_reference(data) with the given reference weights (one fit, started from
    /// (seed, toy 0)): its outcome, its record with Z, and the backend's name.
    private func trainNPLM(architecture: Architecture, data: EventSet, reference: EventSet, weights: [Float],
                           dof: Int) throws -> (FitOutcome, FitRecord, String) {
        let options = training.trainingOptions
        let batch = FitBatch.nplm(architecture: architecture, reference: reference, referenceWeights: weights, data: [data])
        let backend = try BackendFactory.make(training.backendRequest, batch: batch, clipping: options.clipping, notice: note)
        let outcome = try Trainer.train(backend: backend, initialParameters: architecture.initialParameters(seed: seed, toy: 0),
                                        options: options)[0]
        var record = FitRecord(outcome: outcome, dof: dof, epochs: options.epochs, dataEvents: data.count,
                               referenceEvents: reference.count, seed: seed)
        record.z = Asymptotic.z(t: outcome.t, dof: dof)
        return (outcome, record, backend.name)
    }

    // MARK: - Two samples

    func runTwoSample(architecture: Architecture, pathA: String, pathB: String, results: ResultFiles) throws {
        let samples = try Samples.load([("--a", pathA), ("--b", pathB)], architecture: architecture,
                                       network: "--architecture \(training.architecture)")
        let (transform, prepared) = try FeatureTransform.prepare(
            preprocess, fitOn: samples[0].appending(samples[1]), label: "the pool of --a \(pathA) and --b \(pathB)",
            samples: [(samples[0], "--a \(pathA)"), (samples[1], "--b \(pathB)")])
        let (a, b) = (prepared[0], prepared[1])
        let statistic = statistic ?? .symmetrized
        let options = training.trainingOptions
        let dof = SymmetrizedTest.degreesOfFreedom(architecture)

        let batch = SymmetrizedTest.batch(architecture: architecture, pairs: [(a, b)], statistic: statistic)
        let backend = try BackendFactory.make(training.backendRequest, batch: batch, clipping: options.clipping, notice: note)
        let initial = SymmetrizedTest.initialParameters(architecture: architecture, seed: seed, pairs: 0..<1, statistic: statistic)
        let fits = try Trainer.train(backend: backend, initialParameters: initial, options: options)
        let test = SymmetrizedTest.outcomes(fits, statistic: statistic)[0]
        let fitRecords = fits.map { fit -> FitRecord in
            var record = FitRecord(outcome: fit, dof: dof, epochs: options.epochs, dataEvents: a.count + b.count,
                                   referenceEvents: a.count + b.count, seed: seed)
            record.p = .nan  // a single fit of the pair has no χ² of its own
            return record
        }
        var record = TwoSampleRecord(statistic: statistic, aEvents: a.count, bEvents: b.count, t: test.t, dof: dof,
                                     p: Asymptotic.p(t: test.t, dof: dof), z: Asymptotic.z(t: test.t, dof: dof),
                                     diverged: test.diverged, seed: seed, epochs: options.epochs, fits: fitRecords)
        record.preprocessing = transform
        if let transform { print("preprocessing \(transform.summary)") }

        switch statistic {
        case .symmetrized:
            print("symmetrized t_A+B = \(Format.number(test.t)) (t_f = \(Format.number(test.f.t)), t_g = \(Format.number(test.g!.t)))")
        case .crossEntropy:
            print("cross-entropy t^delta = \(Format.number(test.t))")
        }
        print("dof = \(dof), p = \(Format.number(record.p)), Z = \(Format.number(record.z))")
        print("A events: \(a.count), B events: \(b.count), epochs: \(options.epochs), backend: \(backend.name)")

        if alsoNplm {
            // t_B(A): B is the reference, weighted so that its total is the observed Ñ_A.
            let weights = Normalisation.uniformWeights(total: Double(a.count), referenceCount: b.count)
            let nplmDof = Normalisation.observed.degreesOfFreedom(architecture)
            let (outcome, nplm, _) = try trainNPLM(architecture: architecture, data: a, reference: b, weights: weights, dof: nplmDof)
            record.nplm = nplm
            print("NPLM t_B(A) = \(Format.number(nplm.t))\(outcome.diverged ? " (diverged)" : ""), dof = \(nplmDof), p = \(Format.number(nplm.p)), Z = \(Format.number(nplm.z!))")
        }

        let model = SavedModel(test: ModelTest(statistic), architecture: architecture, loss: statistic.loss, dof: dof,
                               t: test.t, parameters: fits.map(\.finalParameters), preprocessing: transform)
        try results.write(record: record, model: test.diverged ? nil : model)
    }
}

extension TwoSampleStatistic: ExpressibleByArgument {}
