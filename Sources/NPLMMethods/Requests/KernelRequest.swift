import NPLMCore
import NPLMEngines

/// The kernel model's options as a front end takes them (`--widths`, `--centres`, `--lambda`, …;
/// Python's keywords of the same names), with their defaults, in one place.
public struct KernelRequest: Sendable, Equatable {
    /// Gaussian widths σ (nil: the default width of the reference sample).
    public var widths: [Double]?
    /// M, the Nyström centres (nil: `KernelOptions.defaultCentres`).
    public var centres: Int?
    public var lambda = KernelOptions.defaultLambda
    public var newtonSteps = KernelOptions.defaultNewtonSteps
    public var cgTolerance = KernelOptions.defaultCGTolerance
    public var cgMaxIterations = KernelOptions.defaultCGMaxIterations
    public var precision = KernelPrecision.float64
    /// ε of the jitter εM·I on K_MM (nil: the precision's).
    public var jitter: Double?

    public init() {}

    /// Whether any kernel option was given a value other than its default (they need the kernel model).
    public var anyGiven: Bool { self != KernelRequest() }

    /// The options, checked (`KernelOptions.validate`).
    public func options() throws -> KernelOptions {
        let options = KernelOptions(widths: widths, centres: centres, lambda: lambda, newtonSteps: newtonSteps,
                                    cgTolerance: cgTolerance, cgMaxIterations: cgMaxIterations, precision: precision,
                                    jitter: jitter)
        try options.validate()
        return options
    }
}
