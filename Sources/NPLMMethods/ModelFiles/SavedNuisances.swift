import Foundation
import NPLMCore
import NPLMEngines

/// The nuisance part of a model saved by `nplm fit --nuisances --save-model` (model format
/// version 3): the nuisance set-up (σ, the shape effect: exact order, or the δ̂ model file with the
/// hash of its bytes), the auxiliary measurements ν̂, and the fitted ν of the τ and Δ fits. The
/// model's one parameter set is the τ fit's network; the Δ fit's is f ≡ 0 (d'Agnolo et al.,
/// "Learning new physics from an imperfect machine", eq. 18 and 24–25).
public struct SavedNuisances: Codable, Sendable, Equatable {
    public var settings: NuisanceSettings
    /// ν̂, one per nuisance (in the order of `settings.names`).
    public var central: [Double]
    public var tauNuisances: [Double]
    public var deltaNuisances: [Double]
    /// τ and Δ as the fit computed them.
    public var tau: Double
    public var delta: Double

    public init(settings: NuisanceSettings, outcome: NuisanceTest.Outcome) {
        self.settings = settings
        central = outcome.central
        tauNuisances = outcome.tauNuisances
        deltaNuisances = outcome.deltaNuisances
        tau = outcome.tau.t
        delta = outcome.delta.t
    }

    /// What `SavedModel.check` asks of the block: one ν̂ and one fitted ν per nuisance, all finite.
    func problem() -> String? {
        let n = settings.count
        guard n > 0, [central, tauNuisances, deltaNuisances].allSatisfy({ $0.count == n }) else {
            return "has a nuisances block that does not give one ν̂ and one fitted ν per nuisance (\(settings.names.joined(separator: ",")))"
        }
        guard (central + tauNuisances + deltaNuisances + [tau, delta]).allSatisfy(\.isFinite) else {
            return "has non-finite nuisance values (a fit diverged)"
        }
        return nil
    }

    /// The nuisance model, with the δ̂ model file at `deltaModel` (default: the path the fit used),
    /// which must be the file the fit read (same bytes). `label` names the saved model in errors.
    public func model(deltaModel override: String? = nil, label: String) throws -> NuisanceModel {
        var settings = self.settings
        if override != nil && settings.deltaModel == nil {
            throw NPLMError.invalidArgument("--delta-model: \(label) was fitted with the exact scale effect, not with a δ̂ model")
        }
        if let path = override ?? settings.deltaModel {
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw NPLMError.invalidInput(file: label, "was fitted with the δ̂ model \(path), which cannot be read here: give its path with --delta-model")
            }
            guard FNV1a64.hex(bytes) == settings.deltaModelHash else {
                throw NPLMError.invalidInput(file: label, "was fitted with another δ̂ model than \(path) (hash mismatch): give the file the fit used")
            }
            settings.deltaModel = path
        }
        return try settings.model()
    }
}

extension SavedModel {
    /// NPLM with nuisances: τ, Δ and t = τ − Δ at the saved parameters (τ: the network and ν_τ; Δ:
    /// f ≡ 0 and ν_Δ), over `data` against `reference` with `weights`, by the reference engine
    /// (plain Double). `deltaModel` overrides the path of the δ̂ model file.
    public func nuisanceStatistic(data: EventSet, reference: EventSet, weights: [Float], deltaModel: String? = nil,
                                  label: String, dataLabel: String, referenceLabel: String) throws -> (tau: Double, delta: Double, t: Double) {
        guard let nuisances else { preconditionFailure("not a model with nuisances") }
        let model = try nuisances.model(deltaModel: deltaModel, label: label)
        let batch = try NuisanceTest.batch(architecture: network, model: model, reference: reference, referenceWeights: weights,
                                           referenceBasis: try model.basis(for: reference, source: referenceLabel), data: [data],
                                           dataSource: { _ in dataLabel })
        let loop = NuisanceTrainingLoop(engine: ReferenceEngine(batch: batch), model: model,
                                        centrals: [nuisances.central, nuisances.central],
                                        trainsNetwork: NuisanceTest.trainsNetwork(tests: 1), clipping: nil)
        let network = parameters[0]
        let losses = try loop.lossAndGradient(parameters: network + nuisances.tauNuisances
                                              + Array(repeating: 0, count: network.count) + nuisances.deltaNuisances).loss
        let tau = TestStatistic.t(loss: losses[0]), delta = TestStatistic.t(loss: losses[1])
        return (tau, delta, tau - delta)
    }
}
