import ArgumentParser
import Foundation
import NPLM

/// The options of `nplm fit` with nuisance parameters (the same spelling as `nplm toys`).
struct FitNuisanceOptions: ParsableArguments {
    @Option(help: "Fit nuisance parameters: scale (the shape nuisance: learned δ̂ of --delta-model, or the benchmark's exact x → e^nu·x), norm (normalisation), or scale,norm; t = tau - Delta, dof = P.")
    var nuisances: String?

    @Option(help: "Sigma of each nuisance's auxiliary Gaussian: one value for all, or one per nuisance (default 0.15).")
    var nuisanceSigma: String?

    @Option(help: "The auxiliary measurements nu-hat (central values, in the units of nu): one value for all, or one per nuisance (default 0).")
    var nuisanceCentral: String?

    @Option(help: "Order 1-4 of the exact Taylor expansion of the benchmark's scale nuisance (default 2; 1-D data only).")
    var shapeOrder: Int?

    @Option(help: "Learned delta networks of the shape nuisance (a model file of `nplm nuisance train`).")
    var deltaModel: String?

    var anyGiven: Bool { nuisances != nil || nuisanceSigma != nil || nuisanceCentral != nil || shapeOrder != nil || deltaModel != nil }
}

extension FitCommand {
    /// What `nplm fit --nuisances …` prints: τ, Δ, t = τ − Δ and every nuisance's fitted values.
    func printNuisance(_ result: NuisanceFit.Result, settings: NuisanceSettings, run: FitRun) {
        let (record, nu) = (result.record, result.record.nuisances!)
        let shape = settings.deltaModel.map { "learned δ̂ of \($0)" } ?? settings.shapeOrder.map { "exact scale effect, order \($0)" }
        print("nuisances: \(nu.names.joined(separator: ", ")) (σ = \(nu.sigmas.map(Format.number).joined(separator: ", ")); ν̂ = \(nu.central.map(Format.number).joined(separator: ", "))\(shape.map { "; shape: \($0)" } ?? ""))")
        print("tau = \(Format.number(nu.tau))\(nu.tauDiverged ? " (diverged)" : ""), Delta = \(Format.number(nu.delta))\(nu.deltaDiverged ? " (diverged)" : ""), t = tau - Delta = \(Format.number(record.t))")
        for (j, name) in nu.names.enumerated() {
            print("  \(name): tau fit ν = \(Format.number(nu.tauNuisances[j])) (pull \(Format.number(nu.tauPulls[j]))), Delta fit ν = \(Format.number(nu.deltaNuisances[j])) (pull \(Format.number(nu.deltaPulls[j])))")
        }
        print("dof = \(result.dof) (t ~ χ²_\(result.dof); tau alone ~ χ²_\(result.dof + nu.names.count), Delta ~ χ²_\(nu.names.count) when ν* = ν̂ = 0), p = \(Format.number(record.p)), Z = \(Format.number(record.z ?? .nan))")
        print("data events: \(run.events.first), reference events: \(run.events.second), epochs: \(training.epochs), backend: \(result.backendName)")
    }
}
