/// The precision of the kernel values K_nM on the fast engines, with the jitter that goes with it:
/// the authors' code (Letizia et al. 2022, on Falkon) turns the events into float64, and Falkon
/// (Meanti et al., "Kernel methods through the roof", NeurIPS 2020) picks the jitter εM·I it adds
/// to K_MM by the data type, 1e-13 for float64 and 1e-5 for float32 (`pc_epsilon_64`,
/// `pc_epsilon_32` of its options). The jitter is part of the objective: Falkon solves in
/// β = T·c with TᵀT = K_MM + εM·I and penalises (λ/2)‖β‖² = (λ/2)cᵀ(K_MM + εM·I)c.
///
/// The two have to go together. In β the model is f = K_nM·T⁻¹β, and ‖T⁻¹‖ reaches 1/√(εM): with
/// float32 kernel values (rounding ≈ 3e-7 relative) and ε = 1e-13, M = 3000, the rounding of K_nM
/// becomes features of amplitude ≈ 0.1 that cost the penalty almost nothing, and a small-λ fit
/// learns them (t of 200 where the exact minimiser has 35, on a 1-D toy of 4000 reference events,
/// M = 200, σ = 0.3, λ = 1e-10). float64 kernel values keep that noise ≈ 1e-10; float32 ones need
/// Falkon's float32 jitter, which moves t by 1–20 % from the float64 objective at small λ.
public enum KernelPrecision: String, Codable, Sendable, CaseIterable {
    /// float64 kernel values and jitter 1e-13: the authors' code as shipped (the default).
    case float64
    /// float32 kernel values and jitter 1e-5, Falkon's float32 setting: products ≈ 2× cheaper on
    /// the fast CPU engine, but the objective is the one with the larger jitter.
    case float32

    /// Falkon's jitter ε for this precision.
    public var defaultJitter: Double {
        switch self {
        case .float64: return 1e-13
        case .float32: return 1e-5
        }
    }
}
