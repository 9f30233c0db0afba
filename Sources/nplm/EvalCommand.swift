import ArgumentParser
import Foundation
import NPLM

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Recompute t for a model saved by nplm fit --save-model.",
        discussion: """
        NPLM models: nplm eval --model M --data D --reference R [--reference-weights W]. The \
        reference weights follow the model's normalisation: N(R0)/N_R with the saved N(R0), N_D/N_R \
        with the observed data count, or the weights file (then --reference-weights is needed). \
        Two-sample models: nplm eval --model M --a A --b B. t = -2 L at the saved parameters, \
        computed by the reference engine (plain Double); on the samples of the fit it reproduces \
        the fit's t. Models of fits with nuisances (nplm fit --nuisances --save-model): tau, Delta and \
        t = tau - Delta at the saved network and nu, with the delta model file the fit used \
        (--delta-model gives its path if it moved; its bytes must be the same).

        Kernel models (nplm fit --model kernel --save-model): nplm eval --model M --data D --reference R \
        [--reference-weights W]. Every width's saved f is evaluated at the new events (after the saved \
        preprocessing) and t = 2 [sum_D f - sum_R w (e^f - 1)] with the saved normalisation's weights: \
        the formula the fit ends with, at the saved f (nothing is refitted). f is computed on the engine \
        the fit ran on unless --backend says otherwise, with the saved kernel-value precision: on the \
        fit's samples and machine this gives the fit's t bit for bit. The kernel t has no asymptotic \
        chi2: dof 0, p and Z nan.
        """)

    @Option(help: "The model file (JSON) written by nplm fit --save-model.")
    var model: String

    @Option(help: "NPLM model: the data sample (.npy, .csv or file.h5:/dataset).")
    var data: String?

    @Option(help: "NPLM model: the reference sample (.npy, .csv or file.h5:/dataset).")
    var reference: String?

    @Option(help: "NPLM model saved with reference weights: one weight per reference event.")
    var referenceWeights: String?

    @Option(name: .customLong("a"), help: "Two-sample model: sample A.")
    var sampleA: String?

    @Option(name: .customLong("b"), help: "Two-sample model: sample B.")
    var sampleB: String?

    @Option(help: "A model of a fit with nuisances: the path of the δ̂ model file the fit used, if it is no longer where the fit read it.")
    var deltaModel: String?

    @Option(help: "Kernel model: the engine that evaluates f — reference, cpu, opencl or auto (default: the engine the fit ran on, recorded in the model).")
    var backend: BackendKind?

    @Option(help: "Kernel model: worker threads of the cpu engine (default: every core; the result does not depend on it).")
    var threads: Int?

    @Option(help: "Kernel model: OpenCL device index, as `nplm devices` lists them.")
    var device: Int?

    @Option(help: "Write the result as JSON to this file.")
    var output: String?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        if try ModelFile.kind(path: model, label: "--model \(model)") == .kernel { return try runKernel() }
        if backend != nil || threads != nil || device != nil {
            throw NPLMError.invalidArgument("--backend, --threads and --device choose the engine of a kernel model; --model \(model) is evaluated by the reference engine")
        }
        let saved = try SavedModel.load(path: model, label: "--model \(model)")
        let architecture = saved.network
        // A sample that the model's preprocessing sends out of range names the model too.
        let preprocessed = saved.preprocessing == nil ? "" : " (with the preprocessing of --model \(model))"
        let results = ResultFiles(output: output, model: nil, inputs: [("--model", model), ("--data", data), ("--reference", reference),
                                                            ("--reference-weights", referenceWeights), ("--a", sampleA), ("--b", sampleB),
                                                            ("--delta-model", deltaModel)])
        try results.check()
        let t: Double
        var tauDelta: (tau: Double, delta: Double)?
        var counts: [String: Int] = [:]
        if deltaModel != nil && saved.nuisances == nil {
            throw NPLMError.invalidArgument("--delta-model: --model \(model) is not a fit with nuisances")
        }
        if saved.test == .nplm {
            guard let data, let reference, sampleA == nil, sampleB == nil else {
                throw NPLMError.invalidArgument("--model \(model) is an NPLM model: give --data and --reference (not --a and --b)")
            }
            let samples = try Samples.load([(.data, data), (.reference, reference)], architecture: architecture,
                                           network: "--model \(model) (architecture \(architecture))", fromOptions: false)
                .enumerated().map { try saved.prepared($1, label: ErrorText(verbatim: ($0 == 0 ? "--data \(data)" : "--reference \(reference)") + preprocessed)) }
            let perEvent = try referenceWeights.map {
                try SampleFile.weights(path: $0, parameter: .referenceWeights, count: samples[1].count,
                                       sampleLabel: "--reference \(reference)")
            }
            let weights = try ReferenceWeights.forModel(saved, modelLabel: "--model \(model)", perEvent: perEvent,
                                                        weightsLabel: "--reference-weights", dataCount: samples[0].count,
                                                        referenceCount: samples[1].count)
            try weights.validate()
            if saved.nuisances != nil {
                let statistic = try saved.nuisanceStatistic(data: samples[0], reference: samples[1], weights: weights.values, deltaModel: deltaModel,
                                                            label: "--model \(model)", dataLabel: "--data \(data)",
                                                            referenceLabel: "--reference \(reference)")
                (t, tauDelta) = (statistic.t, (statistic.tau, statistic.delta))
            } else {
                t = try saved.nplmStatistic(data: samples[0], reference: samples[1], weights: weights.values)
            }
            counts = ["dataEvents": samples[0].count, "referenceEvents": samples[1].count]
        } else {
            guard let sampleA, let sampleB, data == nil, reference == nil, referenceWeights == nil else {
                throw NPLMError.invalidArgument("--model \(model) is a two-sample (\(saved.test.rawValue)) model: give --a and --b")
            }
            let samples = try Samples.load([(.a, sampleA), (.b, sampleB)], architecture: architecture,
                                           network: "--model \(model) (architecture \(architecture))", fromOptions: false)
                .enumerated().map { try saved.prepared($1, label: ErrorText(verbatim: ($0 == 0 ? "--a \(sampleA)" : "--b \(sampleB)") + preprocessed)) }
            t = try saved.twoSampleStatistic(a: samples[0], b: samples[1])
            counts = ["aEvents": samples[0].count, "bEvents": samples[1].count]
        }
        // A model whose values overflow on these samples (an absurd expectedEvents, ν or parameter) gives no t.
        guard t.isFinite, tauDelta.map({ $0.tau.isFinite && $0.delta.isFinite }) ?? true else {
            throw NPLMError.invalidInput(file: "--model \(model)", "gives t = \(Format.number(t))\(tauDelta.map { " (tau = \(Format.number($0.tau)), Delta = \(Format.number($0.delta)))" } ?? "") on these samples: its values (parameters, expectedEvents or ν) overflow on them; use the samples and model file of the fit")
        }
        var record = EvalRecord(test: saved.test, t: t, dof: saved.degreesOfFreedom, savedT: saved.t, events: counts)
        if let tauDelta, let nuisances = saved.nuisances {
            (record.tau, record.delta) = tauDelta
            print("tau = \(Format.number(tauDelta.tau)), Delta = \(Format.number(tauDelta.delta)) (saved model: \(Format.number(nuisances.tau)), \(Format.number(nuisances.delta)))")
            print("\(saved.test.rawValue) with nuisances \(nuisances.settings.names.joined(separator: ",")): t = tau - Delta = \(Format.number(t)) (saved model: \(Format.number(saved.t)))")
        } else {
            print("\(saved.test.rawValue) t = \(Format.number(t)) (saved model: \(Format.number(saved.t)))")
        }
        print("dof = \(record.dof), p = \(Format.number(record.p)), Z = \(Format.number(record.z))")
        try results.write(record: record, model: nil)
    }

    /// A kernel model: every width's t at the saved f (`KernelModelFile.statistics`).
    func runKernel() throws {
        let modelLabel: ErrorText = "--model \(model)"
        let saved = try KernelModelFile.load(path: model, label: modelLabel)
        let results = ResultFiles(output: output, model: nil, inputs: [("--model", model), ("--data", data), ("--reference", reference),
                                                                   ("--reference-weights", referenceWeights)])
        try results.check()
        guard let data, let reference, sampleA == nil, sampleB == nil, deltaModel == nil else {
            throw NPLMError.invalidArgument("--model \(model) is a kernel model: give --data and --reference (not --a, --b or --delta-model)")
        }
        var samples: [EventSet] = []
        for (parameter, path) in [(Parameter.data, data), (.reference, reference)] {
            let events = try SampleFile.events(path: path, parameter: parameter)
            guard events.dimension == saved.dimension else {
                throw NPLMError.invalidInput(file: "\(parameter) \(path)",
                    "has \(events.dimension) feature(s) per event but --model \(model) (a kernel model) takes \(saved.dimension): give samples with the model's features")
            }
            samples.append(try saved.prepared(events, label: "\(parameter) \(path)"))
        }
        let perEvent = try referenceWeights.map {
            try SampleFile.weights(path: $0, parameter: .referenceWeights, count: samples[1].count, sampleLabel: "--reference \(reference)")
        }
        let weights = try ReferenceWeights.forModel(saved, modelLabel: modelLabel, perEvent: perEvent, weightsLabel: "--reference-weights",
                                                    dataCount: samples[0].count, referenceCount: samples[1].count)
        let request = BackendRequest(kind: backend ?? saved.backend, threads: threads, device: device)
        let engine = try BackendFactory.kernelEngine(request, dimension: saved.dimension, notice: note)
        let t = try saved.statistics(data: samples[0], reference: samples[1], weights: weights, engine: engine)
        let record = EvalRecord(kernel: .init(widths: saved.widths, t: t, savedT: saved.t, engine: engine.name),
                                events: ["dataEvents": samples[0].count, "referenceEvents": samples[1].count])
        print("kernel model: M = \(saved.centres.count) centres, λ = \(Format.number(saved.options.lambda)), \(saved.options.precision.rawValue) kernel values, engine \(engine.name)")
        for w in saved.widths.indices {
            print("σ = \(Format.number(saved.widths[w])): t = \(Format.number(t[w])) (saved model: \(Format.number(saved.t[w])))")
        }
        print("(no asymptotic χ² for the kernel t: calibrate it on a kernel null campaign)")
        try results.write(record: record, model: nil)
    }
}
