import Foundation
import NPLMCore

/// The options of the kernel model (Letizia et al., "Learning new physics efficiently with
/// nonparametric methods", Eur. Phys. J. C 82 (2022) 879, built on the logistic Falkon solver of
/// Meanti et al., "Kernel methods through the roof", NeurIPS 2020). Every value that changes a
/// result is here, and it is part of a campaign's configuration (and its hash).
public struct KernelOptions: Hashable, Codable, Sendable {
    /// Gaussian widths σ, trained in one batch on the same centres; nil: one width chosen from the
    /// reference sample (`GaussianKernel.defaultWidth`).
    public var widths: [Double]?
    /// M, the number of Nyström centres; nil: `defaultCentres(events:)`.
    public var centres: Int?
    /// λ of the penalty (λ/2)·‖f‖² (the logistic Falkon objective of Meanti et al.).
    public var lambda: Double
    /// Newton steps from f = 0 (the references do one).
    public var newtonSteps: Int
    /// Conjugate gradient stops when the preconditioned residual's norm is below this (absolute,
    /// as the logistic Falkon solver; the references use √1e-7 ≈ 3.2e-4).
    public var cgTolerance: Double
    /// At most this many conjugate-gradient iterations per Newton step.
    public var cgMaxIterations: Int

    public static let defaultLambda = 1e-6
    /// One Newton step from f = 0, as Letizia et al.
    public static let defaultNewtonSteps = 1
    public static let defaultCGTolerance = 1e-7.squareRoot()
    public static let defaultCGMaxIterations = 1000

    public init(widths: [Double]? = nil, centres: Int? = nil, lambda: Double = defaultLambda, newtonSteps: Int = defaultNewtonSteps,
                cgTolerance: Double = defaultCGTolerance, cgMaxIterations: Int = defaultCGMaxIterations) {
        self.widths = widths
        self.centres = centres
        self.lambda = lambda
        self.newtonSteps = newtonSteps
        self.cgTolerance = cgTolerance
        self.cgMaxIterations = cgMaxIterations
    }

    /// M = ⌊√n⌋, at least 300 (the references' minimum scale), at most n.
    public static func defaultCentres(events n: Int) -> Int {
        min(n, max(Int(Double(n).squareRoot()), 300))
    }

    /// M for a problem of n pooled events, checked.
    public func centreCount(events n: Int) throws -> Int {
        let m = centres ?? Self.defaultCentres(events: n)
        guard m >= 1 else { throw NPLMError.invalidArgument("--centres must be at least 1, got \(m)") }
        guard m <= n else {
            throw NPLMError.invalidArgument("--centres \(m) is more than the \(n) events (data and reference) the centres are drawn from; use at most \(n)")
        }
        return m
    }

    /// Checks every value that does not depend on the events.
    public func validate() throws {
        if let widths {
            guard !widths.isEmpty else { throw NPLMError.invalidArgument("--widths needs at least one width σ") }
            for sigma in widths where !(sigma > 0 && sigma.isFinite) {
                throw NPLMError.invalidArgument("--widths: every kernel width σ must be a positive number, got \(sigma)")
            }
            // A width twice would be fitted twice and reported as two columns of one name (its
            // plots, t-sigma-σ.svg, would overwrite each other).
            for (k, sigma) in widths.enumerated() where widths[..<k].contains(sigma) {
                throw NPLMError.invalidArgument("--widths: σ = \(sigma) is given twice: give each width once")
            }
        }
        if let centres, centres < 1 { throw NPLMError.invalidArgument("--centres must be at least 1, got \(centres)") }
        guard lambda >= 0, lambda.isFinite else {
            throw NPLMError.invalidArgument("--lambda must be 0 or positive, got \(lambda)")
        }
        guard newtonSteps >= 1 else { throw NPLMError.invalidArgument("--newton-steps must be at least 1, got \(newtonSteps)") }
        guard cgTolerance > 0, cgTolerance.isFinite else {
            throw NPLMError.invalidArgument("--cg-tolerance must be a positive number, got \(cgTolerance)")
        }
        guard cgMaxIterations >= 1 else {
            throw NPLMError.invalidArgument("--cg-max-iterations must be at least 1, got \(cgMaxIterations)")
        }
    }
}
