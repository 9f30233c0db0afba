/// How closely the kernel model's fast engines (the fast CPU engine, OpenCL) must agree with the
/// reference engine: the one definition the tests use, beside `BackendTolerances` for the networks.
public enum KernelTolerances {
    /// Kernel products K·v, Kᵀw, Kᵀ(d∘Kv), relative to Σ|k·v| (the size of the sum before
    /// cancellation), with float32 kernel values (`KernelPrecision.float32`: e^x within 2 ulp, the
    /// squared distance rounded once more), ≈ 3e-7 relative each; the products and sums are Double.
    public static let product = 2e-6
    /// The same with float64 kernel values (the default): e^x within 1 ulp and the squared
    /// distance as the reference's, so the sums' rounding, ≈ n·2⁻⁵³ ≈ 1e-13 for n = 1000.
    public static let doubleProduct = 1e-12
    /// t of a converged fit (CG tolerance 1e-10), relative: with float32 kernel values the fast
    /// engine solves the same problem with a perturbation of ≈ 3e-7 relative in K that the solve
    /// carries into f and t, ≈ 1e-6 in practice; with float64 ones (the default) ≈ 1e-10.
    public static let statistic = 1e-4
    /// f at the events (the model, not its coefficients: with many centres the coefficients are
    /// ill-determined along K_MM's small eigenvectors, f is not), relative to max |f|.
    public static let model = 1e-4
    /// The coefficients β of a small converged fit (8 centres, λ = 1e-3), relative to the largest:
    /// K_MM's condition number (≈ 1e3 there) amplifies the float32 kernel values' ≈ 3e-7 in β
    /// (≈ 4e-4 in practice), while f = Kβ stays within `model`.
    public static let coefficient = 2e-3
    /// t at the default CG tolerance, relative (absolute below 1): the networks' t tolerance
    /// (`BackendTolerances.t`). Float64 kernel values differ from the reference's by ≈ 1 ulp (e^x),
    /// which moves where CG crosses its tolerance by a few iterations at small λ, and t by what
    /// those iterations change (≈ 1e-5; up to 3e-4 between cpu and opencl at n = 202 000,
    /// M = 3000, where one toy stopped at 12 against 11 iterations).
    public static let engineStatistic = BackendTolerances(loss: BackendTolerances.lossFloor).t
    /// t at CG tolerance 1e-10 (≤ 2e-7 measured; the remaining difference is the ulp-level one of
    /// the kernel values carried through the ill-conditioned small-λ solve).
    public static let convergedEngineStatistic = 1e-6
}
