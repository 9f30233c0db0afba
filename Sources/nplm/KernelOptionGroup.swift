import ArgumentParser
import Foundation
import NPLM

extension ModelFamily: ExpressibleByArgument {}

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

    /// The options as the library takes them (`KernelRequest`).
    func request() throws -> KernelRequest {
        var request = KernelRequest()
        if let widths {
            request.widths = try widths.split(separator: ",", omittingEmptySubsequences: false).map { part in
                guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--widths: '\(part)' is not a number (give σ1,σ2,…)")
                }
                return value
            }
        }
        request.centres = centres
        request.lambda = lambda
        request.newtonSteps = newtonSteps
        request.cgTolerance = cgTolerance
        request.cgMaxIterations = cgMaxIterations
        request.precision = kernelPrecision
        request.jitter = jitter
        return request
    }

    /// Whether any kernel option was given (they need --model kernel).
    var anyGiven: Bool { (try? request().anyGiven) ?? true }

    func options() throws -> KernelOptions { try flagged { try request().options() } }

    func validate() throws { _ = try options() }
}

extension KernelPrecision: ExpressibleByArgument {}
