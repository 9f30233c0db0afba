import CFastLoss

/// How closely a fast backend (the fast CPU engine, OpenCL) must agree with the Double reference
/// engine, and the comparisons that measure it: the one definition the tests, `nplm crossval` and
/// the README use.
///
/// - **Loss**, relative to |L_reference|: every fast engine evaluates each event's term in float32
///   (a few roundings and a ≤ 2 ulp exponential) and adds the terms of a chunk in float32 lanes, a
///   lane adding at most n terms in sequence before the lanes and chunks are combined in Double.
///   Rounding then bounds the error by (n + 16)·ε₃₂·Σ|ℓ_i| (16 ulps for a term), ε₃₂ = 2⁻²³; the
///   tolerance is that bound, and at least 1e-5 so that a batch whose loss partly cancels
///   (Σ|ℓ_i| a few times |L|) still passes. n = 2048/32 = 64 for the fast CPU engine (bound 9.5e-6);
///   chunk/(VW·WG) for OpenCL (256 on PoCL: 3.2e-5; 16 on a GPU).
/// - **Gradient**, each component relative to the fit's largest: the parameters are rounded to
///   float32 and each event's backward pass is float32; no simple bound (the chain of layers
///   amplifies differently per shape), 1e-4 named, ≈ 1e-6 measured.
/// - **t after training**, relative (absolute where |t| < 1): the per-epoch float32 gradient error
///   (≈ 1e-7) carried through the Adam steps, whose normalised step amplifies it in near-zero
///   components; 1e-4 named, ≈ 1e-6 measured over 1000 epochs.
/// - **Final parameters**, relative to the fit's largest: the same, 1e-3 named.
public struct BackendTolerances: Sendable, Equatable, Codable {
    public var loss: Double
    public var gradient: Double
    public var t: Double
    public var parameters: Double
    /// Terms a float32 lane adds in sequence (the n of the loss bound).
    public var floatSummands: Int

    public init(loss: Double, gradient: Double = 1e-4, t: Double = 1e-4, parameters: Double = 1e-3, floatSummands: Int = 0) {
        self.loss = loss
        self.gradient = gradient
        self.t = t
        self.parameters = parameters
        self.floatSummands = floatSummands
    }

    /// float32 machine epsilon 2⁻²³.
    public static let float32Epsilon = Double(Float.ulpOfOne)
    /// The loss tolerance never goes below this (see the type's description).
    public static let lossFloor = 1e-5

    /// (n + 16)·ε₃₂: the rounding bound of a float32 lane of n terms, relative to Σ|ℓ_i|.
    public static func lossBound(floatSummands n: Int) -> Double { Double(n + 16) * float32Epsilon }

    /// The tolerances of an engine whose lanes add `floatSummands` terms in float32.
    public static func forEngine(floatSummands n: Int) -> BackendTolerances {
        BackendTolerances(loss: max(lossFloor, lossBound(floatSummands: n)), floatSummands: n)
    }

    /// The fast CPU engine: chunks of 2048 events in 32 lanes.
    public static let fastCPU = forEngine(floatSummands: FastCPUEngine.chunkSize / Int(NPLM_LANES))

    /// An OpenCL layout: a lane adds chunk/(VW·WG) events.
    public static func openCL(_ variant: OpenCLVariant) -> BackendTolerances {
        forEngine(floatSummands: variant.chunkEvents / (variant.vectorWidth * variant.workGroupSize))
    }

    // MARK: - Comparisons

    /// |x − reference| / |reference| (the loss).
    public static func relativeDifference(_ x: Double, _ reference: Double) -> Double {
        abs(x - reference) / max(abs(reference), .leastNormalMagnitude)
    }

    /// |x − reference| / max(|reference|, 1) (t: relative, absolute below 1).
    public static func statisticDifference(_ x: Double, _ reference: Double) -> Double {
        abs(x - reference) / max(abs(reference), 1)
    }

    /// Largest |x_k − y_k| relative to the largest |y_k| (a gradient or the parameters of one
    /// fit); absolute when y is all zeros.
    public static func largestDifference<X: Collection, Y: Collection>(_ x: X, _ y: Y) -> Double
    where X.Element == Double, Y.Element == Double {
        let scale = y.map(abs).max() ?? 0
        let differences = zip(x, y).map { abs($0 - $1) }
        guard scale > 0 else { return differences.max() ?? 0 }
        return (differences.max() ?? 0) / scale
    }

    /// A line for logs and `nplm crossval`: each tolerance and where it comes from.
    public var description: String {
        let bound = floatSummands > 0
            ? "max(1e-5, (\(floatSummands) + 16)·ε₃₂ = \(String(format: "%.2g", Self.lossBound(floatSummands: floatSummands))))"
            : "named"
        return "loss \(String(format: "%.3g", loss)) (\(bound)), gradient \(String(format: "%.3g", gradient)), t \(String(format: "%.3g", t)), parameters \(String(format: "%.3g", parameters))"
    }
}
