import Foundation
import NPLMCore
import NPLMData
import NPLMEngines

/// `nplm eval` as a front end takes it: a model saved by a fit (`SavedModel` or
/// `KernelModelFile`) and the samples to evaluate its t on, with the checks and the run; t is
/// computed at the saved parameters (nothing is refitted).
public struct EvalRequest {
    /// The model file (required).
    public var model: String?
    /// NPLM and kernel models: the data and the reference (and the reference weights of a model
    /// saved with them).
    public var data: SampleSource?
    public var reference: SampleSource?
    public var referenceWeights: SampleSource?
    /// Two-sample models: A and B.
    public var a: SampleSource?
    public var b: SampleSource?
    /// A model of a fit with nuisances: where its δ̂ model file is now.
    public var deltaModel: String?
    /// Kernel models: the engine of f (nil: the engine the fit ran on), its threads and device.
    public var backend: BackendKind?
    public var threads: Int?
    public var device: Int?
    public var output: String?

    public init() {}

    /// The evaluation: its record, and the model it evaluated.
    public struct Run {
        public enum Model {
            case network(SavedModel)
            case kernel(KernelModelFile)
        }
        public var record: EvalRecord
        public var model: Model
    }

    /// Refuses options out of range before any work.
    public func validate() throws {
        guard model != nil else { throw NPLMError.invalidArgument("Missing expected argument '\(Parameter.model) <model>'") }
        if let threads, threads < 1 { throw NPLMError.invalidArgument("\(Parameter.threads) must be at least 1, got \(threads)") }
    }

    /// Checks the options, the output, the model and the samples, evaluates t and writes the record.
    public func run(notice: (String) -> Void = { _ in }) throws -> Run {
        try validate()
        let path = model!
        let modelLabel: ErrorText = "\(Parameter.model) \(path)"
        let files = ResultFiles(output: output, model: nil,
                                inputs: [("\(Parameter.model)", path)] + [data, reference, referenceWeights, a, b].compactMap { $0?.input }
                                    + [("\(Parameter.deltaModel)", deltaModel)])
        if try ModelFile.kind(path: path, label: modelLabel) == .kernel {
            let run = try evaluateKernel(path: path, label: modelLabel, files: files, notice: notice)
            try files.write(record: run.record, model: nil)
            return run
        }
        if backend != nil || threads != nil || device != nil {
            throw NPLMError.invalidArgument("\(Parameter.backend), \(Parameter.threads) and \(Parameter.device) choose the engine of a kernel model; \(modelLabel) is evaluated by the reference engine")
        }
        let saved = try SavedModel.load(path: path, label: modelLabel)
        try files.check()
        let record = try evaluate(saved, label: modelLabel)
        try files.write(record: record, model: nil)
        return Run(record: record, model: .network(saved))
    }

    /// A network model's t (with nuisances τ and Δ) on the samples, by the reference engine.
    private func evaluate(_ saved: SavedModel, label modelLabel: ErrorText) throws -> EvalRecord {
        let architecture = saved.network
        // A sample that the model's preprocessing sends out of range names the model too.
        let preprocessed: ErrorText = saved.preprocessing == nil ? "" : " (with the preprocessing of \(modelLabel))"
        let network: ErrorText = "\(modelLabel) (architecture \(architecture))"
        func load(_ sources: [SampleSource]) throws -> [EventSet] {
            try SampleFile.load(sources.map { ($0.label, $0.events) }, architecture: architecture, network: network, fromOptions: false)
                .enumerated().map { try saved.prepared($1, label: sources[$0].label + preprocessed) }
        }
        if deltaModel != nil && saved.nuisances == nil {
            throw NPLMError.invalidArgument("\(Parameter.deltaModel): \(modelLabel) is not a fit with nuisances")
        }
        let t: Double
        var tauDelta: (tau: Double, delta: Double)?
        let counts: [String: Int]
        if saved.test == .nplm {
            guard let data, let reference, a == nil, b == nil else {
                throw NPLMError.invalidArgument("\(modelLabel) is an NPLM model: give \(Parameter.data) and \(Parameter.reference) (not \(Parameter.a) and \(Parameter.b))")
            }
            let samples = try load([data, reference])
            let perEvent = try referenceWeights.map { try $0.weights(count: samples[1].count, sampleLabel: reference.label) }
            let weights = try ReferenceWeights.forModel(saved, modelLabel: modelLabel, perEvent: perEvent,
                                                        weightsLabel: "\(Parameter.referenceWeights)", dataCount: samples[0].count,
                                                        referenceCount: samples[1].count)
            try weights.validate()
            if saved.nuisances != nil {
                let statistic = try saved.nuisanceStatistic(data: samples[0], reference: samples[1], weights: weights.values,
                                                            deltaModel: deltaModel, label: modelLabel, dataLabel: data.label,
                                                            referenceLabel: reference.label)
                (t, tauDelta) = (statistic.t, (statistic.tau, statistic.delta))
            } else {
                t = try saved.nplmStatistic(data: samples[0], reference: samples[1], weights: weights.values)
            }
            counts = ["dataEvents": samples[0].count, "referenceEvents": samples[1].count]
        } else {
            guard let a, let b, data == nil, reference == nil, referenceWeights == nil else {
                throw NPLMError.invalidArgument("\(modelLabel) is a two-sample (\(saved.test.rawValue)) model: give \(Parameter.a) and \(Parameter.b)")
            }
            let samples = try load([a, b])
            t = try saved.twoSampleStatistic(a: samples[0], b: samples[1])
            counts = ["aEvents": samples[0].count, "bEvents": samples[1].count]
        }
        // A model whose values overflow on these samples (an absurd expectedEvents, ν or parameter) gives no t.
        guard t.isFinite, tauDelta.map({ $0.tau.isFinite && $0.delta.isFinite }) ?? true else {
            let parts = tauDelta.map { " (tau = \(String(format: "%.6g", $0.tau)), Delta = \(String(format: "%.6g", $0.delta)))" } ?? ""
            throw NPLMError.invalidInput(file: modelLabel, "gives t = \(String(format: "%.6g", t))\(parts) on these samples: its values (parameters, expectedEvents or ν) overflow on them; use the samples and model file of the fit")
        }
        var record = EvalRecord(test: saved.test, t: t, dof: saved.degreesOfFreedom, savedT: saved.t, events: counts)
        if let tauDelta { (record.tau, record.delta) = tauDelta }
        return record
    }

    /// A kernel model: every width's t at the saved f (`KernelModelFile.statistics`).
    private func evaluateKernel(path: String, label modelLabel: ErrorText, files: ResultFiles, notice: (String) -> Void) throws -> Run {
        let saved = try KernelModelFile.load(path: path, label: modelLabel)
        try files.check()
        guard let data, let reference, a == nil, b == nil, deltaModel == nil else {
            throw NPLMError.invalidArgument("\(modelLabel) is a kernel model: give \(Parameter.data) and \(Parameter.reference) (not \(Parameter.a), \(Parameter.b) or \(Parameter.deltaModel))")
        }
        let samples = try [data, reference].map { source in
            let events = try source.events()
            guard events.dimension == saved.dimension else {
                throw NPLMError.invalidInput(file: source.label,
                    "has \(events.dimension) feature(s) per event but \(modelLabel) (a kernel model) takes \(saved.dimension): give samples with the model's features")
            }
            return try saved.prepared(events, label: source.label)
        }
        let perEvent = try referenceWeights.map { try $0.weights(count: samples[1].count, sampleLabel: reference.label) }
        let weights = try ReferenceWeights.forModel(saved, modelLabel: modelLabel, perEvent: perEvent,
                                                    weightsLabel: "\(Parameter.referenceWeights)",
                                                    dataCount: samples[0].count, referenceCount: samples[1].count)
        let request = BackendRequest(kind: backend ?? saved.backend, threads: threads, device: device)
        let engine = try BackendFactory.kernelEngine(request, dimension: saved.dimension, notice: notice)
        let t = try saved.statistics(data: samples[0], reference: samples[1], weights: weights, engine: engine)
        let record = EvalRecord(kernel: .init(widths: saved.widths, t: t, savedT: saved.t, engine: engine.name),
                                events: ["dataEvents": samples[0].count, "referenceEvents": samples[1].count])
        return Run(record: record, model: .kernel(saved))
    }
}
