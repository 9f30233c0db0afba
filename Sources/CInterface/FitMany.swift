import Foundation
import NPLM
import CNPLM

// nplm_fit_many: `nplm fit` with several data samples (`FitRequest` of kind `.samples`, as the CLI
// runs several data samples): every sample against one reference in one batched launch (NPLMFitMany), with
// a null campaign each t's empirical p-value.

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
        var request = try options(FitArguments.self, optionsText).request(training: try options(TrainingArguments.self, optionsText),
                                                                           kernel: try options(KernelArguments.self, optionsText))
        guard let samplesPointer, count >= 1 else { throw InterfaceError("samples: no data sample given: give at least one") }
        request.data = (0..<Int(count)).map { k in
            SampleArgument(samplesPointer + k, parameter: .data, keyword: "samples[\(k)]")!.source
        }
        request.reference = try required(referenceSample, parameter: .reference, keyword: "reference").source
        request.referenceWeights = SampleArgument(weightsSample, parameter: .referenceWeights, keyword: "reference_weights")?.source
        request.asSamples = true
        let run = try request.run(notice: messenger.notice)
        if let transform = run.preprocessing { messenger.notice("preprocessing \(transform.summary)") }
        try run.write()
        guard case .samples(let outcome) = run.result else { preconditionFailure("a batch of samples makes NPLMFitMany's fits") }
        return try json(FitManyResponse(results: outcome.samples.map { .init(record: $0.record, model: $0.model) },
                                        backend: outcome.backendName, dof: outcome.dof,
                                        nullCampaign: outcome.null?.campaign, nullToys: outcome.null?.toys))
    }
}
