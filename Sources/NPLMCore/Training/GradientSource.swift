/// What the host training loop (`HostTrainingLoop`) trains: T fits of S parameters each, their
/// loss and gradient at any parameters, and which parameters the weight clipping clamps.
///
/// Three kinds of fit are trained by the one loop through this protocol:
/// - the networks of a batch (every `LossEngine` is a source: S = P, clipping by `WeightClipping.mask`);
/// - a network and its nuisance parameters ν (d'Agnolo et al., "Learning new physics from an
///   imperfect machine", eq. 24–25: S = P + n, ν never clipped), over an engine with offsets;
/// - the coefficient networks δ̂_1 … δ̂_order of a shape nuisance (the same paper, eq. 17: one fit
///   of order × P parameters, every network clipped alike).
public protocol GradientSource: AnyObject {
    /// A short name for logs and reports (the engine's name where there is one).
    var name: String { get }

    /// T, the fits trained together.
    var fitCount: Int { get }

    /// S, the parameters of one fit: the stride of `TrainingState`'s fit-major arrays.
    var parameterStride: Int { get }

    /// Loss and gradient of every active fit at `parameters` (T × S, fit-major).
    ///
    /// - Parameters:
    ///   - parameters: T × S values, fit-major.
    ///   - active: fits to compute; for inactive fits `loss` and `gradient` are left untouched.
    ///     `nil` means every fit.
    ///   - loss: T values, written for active fits. A fit whose step cannot be taken reports a
    ///     non-finite loss: the loop then marks it diverged at this epoch and freezes it.
    ///   - gradient: T × S values, written for active fits.
    func lossAndGradient(parameters: [Double], active: [Bool]?, loss: inout [Double], gradient: inout [Double]) throws

    /// Loss of every fit at `parameters` (T × S), the values `lossAndGradient` reports.
    func loss(parameters: [Double]) throws -> [Double]

    /// Which of the T × S parameters `clipping` clamps after every step (fit-major, like the
    /// parameters).
    func clippingMask(_ clipping: WeightClipping) -> [Bool]

    /// The loss engine whose events this source fits, when there is one (nil for a source that
    /// computes its loss itself): what the bench measures and profiles.
    var lossEngine: LossEngine? { get }
}

/// Every loss engine is a gradient source: its fits are the batch's networks.
extension LossEngine {
    public var fitCount: Int { batch.fitCount }
    public var parameterStride: Int { batch.parameterCount }
    public var lossEngine: LossEngine? { self }

    /// The clipping mask of the batch's architecture, once per fit.
    public func clippingMask(_ clipping: WeightClipping) -> [Bool] {
        let mask = clipping.mask(for: batch.architecture)
        return Array((0..<batch.fitCount).map { _ in mask }.joined())
    }
}
