import Foundation
import NPLM
import CNPLM

// nplm_fit_many: `nplm fit` with several data samples (FitCommand.runSamples): every sample against
// one reference in one batched launch (NPLMFitMany), with a null campaign each t's empirical p-value.

/// The answer of nplm_fit_many.
struct FitManyResponse: Encodable {
    struct Sample: Encodable {
        /// The line `--output` writes for this sample (`SampleFitRecord`).
        var record: SampleFitRecord
        /// The model of this sample's fit; nil when it diverged.
        var model: SavedModel?
    }
    var results: [Sample]
    var backend: String
    var dof: Int
    /// The null campaign's hash and toys, when one was given.
    var nullCampaign: String?
    var nullToys: Int?
}

@_cdecl("nplm_fit_many")
public func nplmFitMany(_ optionsText: UnsafePointer<CChar>?, _ samplesPointer: UnsafePointer<nplm_sample>?, _ count: Int64,
                        _ referenceSample: UnsafePointer<nplm_sample>?, _ weightsSample: UnsafePointer<nplm_sample>?,
                        _ message: nplm_message_fn?, _ context: UnsafeMutableRawPointer?,
                        _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        let messenger = Messenger(function: message, context: context)
        let arguments = try options(FitArguments.self, optionsText)
        let training = try options(TrainingArguments.self, optionsText)
        let kernel = try options(KernelArguments.self, optionsText)
        guard let samplesPointer, count >= 1 else { throw InterfaceError("samples: no data sample given: give at least one") }
        let given = (0..<Int(count)).map { k in
            SampleArgument(samplesPointer + k, parameter: .data, keyword: "samples[\(k)]")!
        }
        let reference = try required(referenceSample, parameter: .reference, keyword: "reference")
        let weights = SampleArgument(weightsSample, parameter: .referenceWeights, keyword: "reference_weights")
        let method = try preprocessing(arguments.preprocess)

        // FitCommand.validate and validateSamples, for the network's NPLM fits.
        try training.validate()
        if try ModelFamily(arguments.model) != .network {
            throw InterfaceError("several \(Parameter.data) samples are fitted with the network model: fit them one at a time with \(Parameter.model) kernel")
        }
        if arguments.nuisanceGiven { throw InterfaceError("\(Parameter.nuisances) fits one \(Parameter.data) sample: give one") }
        if kernel.anyGiven { throw InterfaceError(KernelOptions.belongToKernelModel()) }
        if let expected = arguments.expected { try checkSampleSize(expected, parameter: .expected) }
        if arguments.expected != nil && weights != nil {
            throw InterfaceError("\(Parameter.expected) and \(Parameter.referenceWeights) both set the normalisation: give one of them")
        }

        // The samples: arrays, files, and the datasets of HDF5 groups.
        var samples: [(name: String, load: () throws -> EventSet, label: ErrorText)] = []
        for sample in given {
            if let path = sample.path {
                for member in try SampleFile.samplePaths([path], parameter: .data) {
                    samples.append((member, { try SampleFile.events(path: member, parameter: .data) },
                                    SampleFile.label(parameter: .data, path: member)))
                }
            } else {
                samples.append(("\(sample.label)", sample.events, sample.label))
            }
        }
        if samples.count > 1, arguments.saveModel != nil {
            throw InterfaceError("\(Parameter.saveModel) saves the model of one fit: give one \(Parameter.data) (the fit of a sample alone gives its record of the batch, bit for bit)")
        }
        try NPLMFitMany.checkNormalisation(normalised: arguments.expected != nil || weights != nil, samples: samples.count,
                                           null: arguments.null != nil)
        let files = ResultFiles(output: arguments.output, model: arguments.saveModel,
                                inputs: (given.map(\.input) + [reference.input, weights?.input,
                                                                arguments.null.map { ("\(Parameter.null)", $0) }]).compactMap { $0 })
        try files.check()

        // FitCommand.runSamples.
        let architecture = try training.parsedArchitecture()
        // The data samples, then the reference, as the CLI loads them.
        let events = try SampleFile.load(samples.map { ($0.label, $0.load) } + [(reference.label, reference.events)],
                                         architecture: architecture,
                                         network: "\(Parameter.architecture) \(training.architectureText)", fromOptions: true)
        let (transform, prepared) = try FeatureTransform.prepare(
            method, fitOn: events[events.count - 1], label: reference.label,
            samples: zip(events, samples.map(\.label) + [reference.label]).map { ($0, $1) })
        let referenceEvents = prepared[prepared.count - 1]
        let perEvent = try weights.map { try $0.weights(count: referenceEvents.count, sampleLabel: reference.label) }
        let referenceWeights = ReferenceWeights.choose(perEvent: perEvent, expected: arguments.expected, dataCount: prepared[0].count,
                                                       referenceCount: referenceEvents.count)
        var fits = NPLMFitMany(architecture: architecture, samples: zip(samples, prepared.dropLast()).map { ($0.name, $1) },
                               reference: referenceEvents, weights: referenceWeights, training: training.trainingOptions,
                               seed: arguments.seed ?? 1, backend: try training.backendRequest())
        fits.preprocessing = transform
        if let transform { messenger.notice("preprocessing \(transform.summary)") }
        let nullRecords = try arguments.null.map { (records: try CampaignFile.read($0), file: $0) }
        let outcome = try fits.run(null: nullRecords, notice: messenger.notice)
        try files.write(records: outcome.samples.map(\.record), model: outcome.samples.first?.model)
        return try json(FitManyResponse(results: outcome.samples.map { .init(record: $0.record, model: $0.model) },
                                        backend: outcome.backendName, dof: outcome.dof,
                                        nullCampaign: outcome.null?.campaign, nullToys: outcome.null?.toys))
    }
}
