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

    /// The options as the library takes them (`EvalRequest`: its checks, its run).
    var request: EvalRequest {
        var request = EvalRequest()
        request.model = model
        request.data = data.map { .file($0, parameter: .data) }
        request.reference = reference.map { .file($0, parameter: .reference) }
        request.referenceWeights = referenceWeights.map { .file($0, parameter: .referenceWeights) }
        request.a = sampleA.map { .file($0, parameter: .a) }
        request.b = sampleB.map { .file($0, parameter: .b) }
        request.deltaModel = deltaModel
        request.backend = backend
        request.threads = threads
        request.device = device
        request.output = output
        return request
    }

    func validate() throws { try flagged { try request.validate() } }

    func run() throws {
        let run = try request.run(notice: note)
        let record = run.record
        switch run.model {
        case .kernel(let saved):
            let kernel = record.kernel!
            print("kernel model: M = \(saved.centres.count) centres, λ = \(Format.number(saved.options.lambda)), \(saved.options.precision.rawValue) kernel values, engine \(kernel.engine)")
            for w in kernel.widths.indices {
                print("σ = \(Format.number(kernel.widths[w])): t = \(Format.number(kernel.t[w])) (saved model: \(Format.number(kernel.savedT[w])))")
            }
            print("(no asymptotic χ² for the kernel t: calibrate it on a kernel null campaign)")
        case .network(let saved):
            if let tau = record.tau, let delta = record.delta, let nuisances = saved.nuisances {
                print("tau = \(Format.number(tau)), Delta = \(Format.number(delta)) (saved model: \(Format.number(nuisances.tau)), \(Format.number(nuisances.delta)))")
                print("\(saved.test.rawValue) with nuisances \(nuisances.settings.names.joined(separator: ",")): t = tau - Delta = \(Format.number(record.t)) (saved model: \(Format.number(saved.t)))")
            } else {
                print("\(saved.test.rawValue) t = \(Format.number(record.t)) (saved model: \(Format.number(saved.t)))")
            }
            print("dof = \(record.dof), p = \(Format.number(record.p)), Z = \(Format.number(record.z))")
        }
    }
}
