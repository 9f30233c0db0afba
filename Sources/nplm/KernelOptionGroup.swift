import ArgumentParser
import Foundation
import NPLM

/// The model family a command fits.
enum ModelFamily: String, ExpressibleByArgument, CaseIterable {
    /// The neural network of the NPLM papers (`--architecture`, epochs, Adam).
    case network
    /// The Gaussian-kernel model with Nyström centres (Letizia et al. 2022), Falkon-style solver.
    case kernel
}

/// Options of the kernel model (`--model kernel`).
struct KernelOptionGroup: ParsableArguments {
    @Option(help: "Kernel model: Gaussian widths σ1,σ2,… trained in one batch (default: the 90th percentile of the reference's pairwise distances).")
    var widths: String?

    @Option(help: "Kernel model: M, the Nyström centres (default: floor(sqrt(N)), at least 300, at most N).")
    var centres: Int?

    @Option(help: "Kernel model: λ of the penalty (λ/2)‖f‖².")
    var lambda: Double = KernelOptions.defaultLambda

    @Option(help: "Kernel model: Newton steps from f = 0.")
    var newtonSteps: Int = KernelOptions.defaultNewtonSteps

    @Option(help: "Kernel model: conjugate-gradient tolerance on the preconditioned residual.")
    var cgTolerance: Double = KernelOptions.defaultCGTolerance

    @Option(help: "Kernel model: at most this many conjugate-gradient iterations per Newton step.")
    var cgMaxIterations: Int = KernelOptions.defaultCGMaxIterations

    /// Whether any kernel option was given (they need --model kernel).
    var anyGiven: Bool {
        widths != nil || centres != nil || lambda != KernelOptions.defaultLambda || newtonSteps != KernelOptions.defaultNewtonSteps
            || cgTolerance != KernelOptions.defaultCGTolerance || cgMaxIterations != KernelOptions.defaultCGMaxIterations
    }

    func options() throws -> KernelOptions {
        var parsed: [Double]?
        if let widths {
            parsed = try widths.split(separator: ",", omittingEmptySubsequences: false).map { part in
                guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--widths: '\(part)' is not a number (give σ1,σ2,…)")
                }
                return value
            }
        }
        let options = KernelOptions(widths: parsed, centres: centres, lambda: lambda, newtonSteps: newtonSteps,
                                    cgTolerance: cgTolerance, cgMaxIterations: cgMaxIterations)
        do { try options.validate() } catch { throw ValidationError(ParameterFlags.message(error)) }
        return options
    }

    func validate() throws { _ = try options() }
}
