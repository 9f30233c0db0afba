import Foundation
import NPLMCore
import NPLMEngines

/// The options of the kernel model (Letizia et al., "Learning new physics efficiently with
/// nonparametric methods", Eur. Phys. J. C 82 (2022) 879, built on the logistic Falkon solver of
/// Meanti et al., "Kernel methods through the roof", NeurIPS 2020). Every value that changes a
/// result is here, and it is part of a campaign's configuration (and its hash). The defaults are
/// those of the authors' code as shipped (one Newton step, CG tolerance √1e-7, float64 with
/// Falkon's jitter 1e-13), except where a doc comment says otherwise.
public struct KernelOptions: Hashable, Codable, Sendable {
    /// Gaussian widths σ, trained in one batch on the same centres; nil: one width chosen from the
    /// reference sample (`GaussianKernel.defaultWidth`).
    public var widths: [Double]?
    /// M, the number of Nyström centres; nil: `defaultCentres(events:)`.
    public var centres: Int?
    /// λ of the penalty: the objective is (1/n)Σ_i ℓ_i(f_i) + (λ/2)·cᵀ(K_MM + εM·I)c over the n
    /// pooled events, as the logistic Falkon solver of Meanti et al. minimises it (the authors'
    /// code passes λ as Falkon's `penalty_list = [λ]`; their default 1e-6, the paper's 1-D
    /// example 1e-10).
    public var lambda: Double
    /// Newton steps from f = 0. The authors' code does one (one entry in Falkon's `penalty_list`;
    /// the paper: "we choose k = 1"); more steps approach the minimiser (one step leaves t up to
    /// ≈ 10 % below it at λ = 1e-10).
    public var newtonSteps: Int
    /// Conjugate gradient stops when the preconditioned residual's norm is below this (absolute,
    /// as the logistic Falkon solver): the authors' code sets Falkon's `cg_tolerance` to √1e-7.
    public var cgTolerance: Double
    /// At most this many conjugate-gradient iterations per Newton step. The authors' code passes
    /// 1 000 000 (`iter_list`), i.e. no limit: the tolerance ends the CG (≈ 10 iterations). 1000
    /// here only bounds the time a CG that stalls can take.
    public var cgMaxIterations: Int
    /// The precision of the kernel values on the fast engines and the jitter that goes with it
    /// (`KernelPrecision`). The reference engine computes every kernel value in Double whatever
    /// this says; it uses the precision's jitter.
    public var precision: KernelPrecision
    /// ε of the jitter εM·I on K_MM, which the objective contains (see `lambda`); nil: the
    /// precision's, Falkon's value for the authors' float64 data (1e-13) by default. Where K_MM +
    /// εM·I is not numerically positive definite, the solver retries with 10ε, 100ε, … (Falkon
    /// would stop with an error) and records the ε it used.
    public var jitter: Double?

    public static let defaultLambda = 1e-6
    /// One Newton step from f = 0, as Letizia et al.
    public static let defaultNewtonSteps = 1
    public static let defaultCGTolerance = 1e-7.squareRoot()
    public static let defaultCGMaxIterations = 1000

    public init(widths: [Double]? = nil, centres: Int? = nil, lambda: Double = defaultLambda, newtonSteps: Int = defaultNewtonSteps,
                cgTolerance: Double = defaultCGTolerance, cgMaxIterations: Int = defaultCGMaxIterations,
                precision: KernelPrecision = .float64, jitter: Double? = nil) {
        self.widths = widths
        self.centres = centres
        self.lambda = lambda
        self.newtonSteps = newtonSteps
        self.cgTolerance = cgTolerance
        self.cgMaxIterations = cgMaxIterations
        self.precision = precision
        self.jitter = jitter
    }

    /// The ε the solver starts from: `jitter`, or the precision's.
    public var effectiveJitter: Double { jitter ?? precision.defaultJitter }

    private enum CodingKeys: String, CodingKey {
        case widths, centres, lambda, newtonSteps, cgTolerance, cgMaxIterations, precision, jitter
    }

    /// Options written before `precision` and `jitter` existed were computed with float32 kernel
    /// values and the jitter 1e-5·M (their records say so): they decode as `.float32`, so that such
    /// a campaign keeps describing what it computed and is not taken for one of the authors'
    /// objective (its hash differs from a new campaign's, and a null of it is refused for a new fit).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        widths = try container.decodeIfPresent([Double].self, forKey: .widths)
        centres = try container.decodeIfPresent(Int.self, forKey: .centres)
        lambda = try container.decode(Double.self, forKey: .lambda)
        newtonSteps = try container.decode(Int.self, forKey: .newtonSteps)
        cgTolerance = try container.decode(Double.self, forKey: .cgTolerance)
        cgMaxIterations = try container.decode(Int.self, forKey: .cgMaxIterations)
        precision = try container.decodeIfPresent(KernelPrecision.self, forKey: .precision) ?? .float32
        jitter = try container.decodeIfPresent(Double.self, forKey: .jitter)
    }

    /// M = ⌊√n⌋, at least 300 (the references' minimum scale), at most n.
    public static func defaultCentres(events n: Int) -> Int {
        min(n, max(Int(Double(n).squareRoot()), 300))
    }

    /// M for a problem of n pooled events, checked.
    public func centreCount(events n: Int) throws -> Int {
        let m = centres ?? Self.defaultCentres(events: n)
        guard m >= 1 else { throw NPLMError.invalidArgument("\(Parameter.centres) must be at least 1, got \(m)") }
        guard m <= n else {
            throw NPLMError.invalidArgument("\(Parameter.centres) \(m) is more than the \(n) events (data and reference) the centres are drawn from; use at most \(n)")
        }
        return m
    }

    /// Checks every value that does not depend on the events.
    public func validate() throws {
        if let widths {
            guard !widths.isEmpty else { throw NPLMError.invalidArgument("\(Parameter.widths) needs at least one width σ") }
            for sigma in widths where !(sigma > 0 && sigma.isFinite) {
                throw NPLMError.invalidArgument("\(Parameter.widths): every kernel width σ must be a positive number, got \(sigma)")
            }
            // A width twice would be fitted twice and reported as two columns of one name (its
            // plots, t-sigma-σ.svg, would overwrite each other).
            for (k, sigma) in widths.enumerated() where widths[..<k].contains(sigma) {
                throw NPLMError.invalidArgument("\(Parameter.widths): σ = \(sigma) is given twice: give each width once")
            }
        }
        if let centres, centres < 1 { throw NPLMError.invalidArgument("\(Parameter.centres) must be at least 1, got \(centres)") }
        guard lambda >= 0, lambda.isFinite else {
            throw NPLMError.invalidArgument("\(Parameter.lambda) must be 0 or positive, got \(lambda)")
        }
        guard newtonSteps >= 1 else { throw NPLMError.invalidArgument("\(Parameter.newtonSteps) must be at least 1, got \(newtonSteps)") }
        guard cgTolerance > 0, cgTolerance.isFinite else {
            throw NPLMError.invalidArgument("\(Parameter.cgTolerance) must be a positive number, got \(cgTolerance)")
        }
        guard cgMaxIterations >= 1 else {
            throw NPLMError.invalidArgument("\(Parameter.cgMaxIterations) must be at least 1, got \(cgMaxIterations)")
        }
        if let jitter, !(jitter > 0 && jitter <= FalkonNewtonSolver.maximumJitter) {
            throw NPLMError.invalidArgument("\(Parameter.jitter): the kernel jitter ε must be in (0, \(FalkonNewtonSolver.maximumJitter)], got \(jitter)")
        }
    }
}

extension KernelOptions {
    /// The kernel model's options, named when they come with the network model.
    public static let parameters: [Parameter] = [.widths, .centres, .lambda, .newtonSteps, .cgTolerance, .cgMaxIterations,
                                                 .kernelPrecision, .jitter]

    /// The refusal of kernel options (and `extra` ones) given with the network model, one text for
    /// the command line and the C interface.
    public static func belongToKernelModel(_ extra: [Parameter] = []) -> ErrorText {
        let list = parameters + extra
        var text: ErrorText = "\(list[0])"
        for parameter in list.dropFirst().dropLast() { text = text + ", \(parameter)" }
        return text + " and \(list.last!) belong to \(Parameter.model) kernel"
    }
}
