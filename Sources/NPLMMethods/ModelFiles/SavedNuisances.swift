import NPLMCore

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

    /// What `SavedModel.check` asks of the block: a usable set-up (positive σ, the scale nuisance's
    /// exact order 1–4 or its δ̂ model with the hash of its bytes), one ν̂ and one fitted ν per
    /// nuisance, all finite, ν̂ in the range `nplm fit --nuisance-central` takes (`NuisanceRange`).
    func problem() -> String? {
        let n = settings.count
        for (name, sigma) in zip(settings.names, settings.sigmas) where !(sigma > 0 && sigma.isFinite) {
            return "has a nuisances block whose σ of \(name) is \(sigma); σ must be a positive number"
        }
        if settings.scaleSigma == nil {
            guard settings.shapeOrder == nil, settings.deltaModel == nil, settings.deltaModelHash == nil else {
                return "has a nuisances block with a shape effect (shapeOrder or deltaModel) but no scale nuisance (scaleSigma)"
            }
        } else {
            guard (settings.shapeOrder == nil) != (settings.deltaModel == nil) else {
                return "has a nuisances block whose scale nuisance needs either shapeOrder (1 to 4) or deltaModel, not \(settings.shapeOrder == nil ? "neither" : "both")"
            }
            if let order = settings.shapeOrder, !DeltaNetworks.orders.contains(order) {
                return "has a nuisances block with shapeOrder \(order); a shape effect has order 1 to 4"
            }
            if settings.deltaModel != nil && settings.deltaModelHash == nil {
                return "has a nuisances block that names the δ̂ model \(settings.deltaModel!) without the hash of its bytes (deltaModelHash)"
            }
        }
        guard n > 0, [central, tauNuisances, deltaNuisances].allSatisfy({ $0.count == n }) else {
            return "has a nuisances block that does not give one ν̂ and one fitted ν per nuisance (\(settings.names.joined(separator: ",")))"
        }
        guard (central + tauNuisances + deltaNuisances + [tau, delta]).allSatisfy(\.isFinite) else {
            return "has non-finite nuisance values (a fit diverged)"
        }
        do {
            try NuisanceRange.check(central, sigmas: settings.sigmas, names: settings.names, option: "its nuisances block", symbol: "ν̂",
                                    unitsOfSigma: false)
        } catch { return "\(error)" }
        return nil
    }
}
