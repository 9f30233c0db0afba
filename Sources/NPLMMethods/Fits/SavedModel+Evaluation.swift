import Foundation
import NPLMCore
import NPLMEngines

/// Running a saved network model on events (`nplm eval`): t at the saved parameters, computed by
/// the reference engine (plain Double), so that on the samples of the fit it reproduces the fit's t
/// where the fit itself ran on the reference engine.
extension SavedModel {
    /// NPLM: t = −2·L at the saved parameters, over `data` against `reference` with `weights`.
    public func nplmStatistic(data: EventSet, reference: EventSet, weights: [Float]) throws -> Double {
        let batch = FitBatch.nplm(architecture: network, reference: reference, referenceWeights: weights, data: [data])
        return TestStatistic.t(loss: try ReferenceEngine(batch: batch).loss(parameters: flatParameters)[0])
    }

    /// Two-sample tests: t = Σ_fits −2·L at the saved parameters over the pool A∪B.
    public func twoSampleStatistic(a: EventSet, b: EventSet) throws -> Double {
        guard let statistic = test.twoSampleStatistic else { preconditionFailure("not a two-sample model") }
        let batch = TwoSampleTest.batch(architecture: network, pairs: [(a, b)], statistic: statistic)
        return try ReferenceEngine(batch: batch).loss(parameters: flatParameters).reduce(0) { $0 + TestStatistic.t(loss: $1) }
    }

    /// NPLM with nuisances: τ, Δ and t = τ − Δ at the saved parameters (τ: the network and ν_τ; Δ:
    /// f ≡ 0 and ν_Δ), over `data` against `reference` with `weights` (d'Agnolo et al., "Learning
    /// new physics from an imperfect machine", eq. 13 and 24–25). `deltaModel` overrides the path of
    /// the δ̂ model file.
    public func nuisanceStatistic(data: EventSet, reference: EventSet, weights: [Float], deltaModel: String? = nil,
                                  label: ErrorText, dataLabel: ErrorText, referenceLabel: ErrorText) throws -> (tau: Double, delta: Double, t: Double) {
        guard let nuisances else { preconditionFailure("not a model with nuisances") }
        let model = try nuisances.model(deltaModel: deltaModel, label: label)
        let batch: FitBatch
        do {
            batch = try NuisanceTest.batch(architecture: network, model: model, reference: reference, referenceWeights: weights,
                                           referenceBasis: try model.basis(for: reference, source: referenceLabel), data: [data],
                                           dataSource: { _ in dataLabel })
        } catch let error as NPLMError {
            // The shape effect of the model's nuisance block on these events: name the model file.
            throw NPLMError.invalidInput(file: label, "its nuisances block: \(error)")
        }
        let gradients = NuisanceGradients(engine: ReferenceEngine(batch: batch), model: model,
                                          centrals: [nuisances.central, nuisances.central],
                                          trainsNetwork: NuisanceTest.trainsNetwork(tests: 1))
        let network = parameters[0]
        let losses = try gradients.loss(parameters: network + nuisances.tauNuisances
                                        + Array(repeating: 0, count: network.count) + nuisances.deltaNuisances)
        let tau = TestStatistic.t(loss: losses[0]), delta = TestStatistic.t(loss: losses[1])
        return (tau, delta, TestStatistic.t(tau: tau, delta: delta))
    }
}

extension SavedNuisances {
    /// The nuisance model of the fit, with the δ̂ model file at `deltaModel` (default: the path the
    /// fit used), which must be the file the fit read (same bytes). `label` names the saved model
    /// in errors.
    public func model(deltaModel override: String? = nil, label: ErrorText) throws -> NuisanceModel {
        var settings = self.settings
        if override != nil && settings.deltaModel == nil {
            throw NPLMError.invalidArgument("\(Parameter.deltaModel): \(label) was fitted with the exact scale effect, not with a δ̂ model")
        }
        if let path = override ?? settings.deltaModel {
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw NPLMError.invalidInput(file: label, "was fitted with the δ̂ model \(path), which cannot be read here: give its path with \(Parameter.deltaModel)")
            }
            guard FNV1a64.hex(bytes) == settings.deltaModelHash else {
                throw NPLMError.invalidInput(file: label, "was fitted with another δ̂ model than \(path) (hash mismatch): give the file the fit used")
            }
            settings.deltaModel = path
        }
        do { return try settings.model() } catch let error as NPLMError {
            throw NPLMError.invalidInput(file: label, "its nuisances block cannot be used: \(error)")
        }
    }
}
