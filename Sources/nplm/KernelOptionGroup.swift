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

    @Option(help: "Kernel model: precision of the kernel values K_nM, with Falkon's jitter for it. float64 (default) reproduces the authors' code, which runs Falkon on float64 data: jitter 1e-13·M on K_MM. float32 is Falkon's float32 setting (jitter 1e-5·M, which is part of the objective and moves t by 1–20 % at small λ); it exists for comparison with float32 Falkon runs and because a pass over K_nM costs less (see nplm bench --workloads kernel).")
    var kernelPrecision: KernelPrecision = .float64

    @Option(help: "Kernel model: ε of the jitter εM·I on K_MM, which the objective contains (default: the precision's, 1e-13 for float64 as the authors' code, 1e-5 for float32). Another ε changes the statistic; it is for studies of that dependence.")
    var jitter: Double?

    /// Whether any kernel option was given (they need --model kernel).
    var anyGiven: Bool {
        widths != nil || centres != nil || lambda != KernelOptions.defaultLambda || newtonSteps != KernelOptions.defaultNewtonSteps
            || cgTolerance != KernelOptions.defaultCGTolerance || cgMaxIterations != KernelOptions.defaultCGMaxIterations
            || kernelPrecision != .float64 || jitter != nil
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
                                    cgTolerance: cgTolerance, cgMaxIterations: cgMaxIterations, precision: kernelPrecision,
                                    jitter: jitter)
        do { try options.validate() } catch { throw ValidationError(ParameterFlags.message(error)) }
        return options
    }

    func validate() throws { _ = try options() }
}

extension KernelPrecision: ExpressibleByArgument {}
