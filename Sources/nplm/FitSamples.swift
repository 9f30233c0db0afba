import Foundation
import NPLM

extension FitCommand {
    /// What `nplm fit` of several samples (several --data, an HDF5 group, or --null) prints: one
    /// line per sample, with --null each t's empirical p-value.
    func printSamples(_ result: NPLMFitMany.Result, run: FitRun) {
        let count = result.samples.count
        print("NPLM fits of \(count) sample\(count == 1 ? "" : "s"): dof = \(result.dof) (normalisation: \(normalisation(run))), reference events: \(run.events.second), epochs: \(training.epochs), backend: \(result.backendName)")
        if let campaign = result.null, let null {
            print("null campaign \(campaign.campaign) (\(null)): \(campaign.toys) toys, empirical p = (1 + #{t_null >= t}) / (1 + \(campaign.toys))")
        }
        for sample in result.samples {
            let record = sample.record
            var line = "\(record.sample): t = \(Format.number(record.fit.t)), p = \(Format.number(record.fit.p)), Z = \(Format.number(record.fit.z ?? .nan))"
            if let p = record.null {
                line += "; empirical p = \(Format.number(p.p)) (\(p.atLeast) of \(p.toys) null toys with t >= \(Format.number(record.fit.t))), Z = \(Format.number(p.z))\(p.isBound ? " (a bound)" : "")"
            }
            line += "; \(record.fit.dataEvents ?? 0) events"
            if let epoch = sample.outcome.divergedAt { line += " (diverged at epoch \(epoch))" }
            print(line)
        }
    }
}
