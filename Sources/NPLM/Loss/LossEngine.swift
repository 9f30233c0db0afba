/// Computes the exp-linear loss and its gradient for every fit of a batch. Every backend (the
/// reference, the fast CPU path, OpenCL) implements this protocol; the trainer does not know which
/// one it drives.
public protocol LossEngine: AnyObject {
    /// The batch this engine was built for (its events were prepared, or uploaded, once).
    var batch: FitBatch { get }

    /// A short name for logs and reports ("reference", "cpu", "opencl: <device>").
    var name: String { get }

    /// Loss and gradient of every fit at `parameters` (T × P, fit-major, the layout of
    /// `Architecture`).
    ///
    /// - Parameters:
    ///   - active: fits to compute; for inactive fits `loss` and `gradient` are left untouched.
    ///     `nil` means every fit.
    ///   - loss: T values, written for active fits.
    ///   - gradient: T × P values, written for active fits.
    func lossAndGradient(parameters: [Double], active: [Bool]?, loss: inout [Double], gradient: inout [Double]) throws

    /// Loss of every fit at `parameters` (no gradient).
    func loss(parameters: [Double]) throws -> [Double]
}

extension LossEngine {
    /// Default: computes the gradient too and drops it.
    public func loss(parameters: [Double]) throws -> [Double] {
        var loss = [Double](repeating: 0, count: batch.fitCount)
        var gradient = [Double](repeating: 0, count: batch.fitCount * batch.parameterCount)
        try lossAndGradient(parameters: parameters, active: nil, loss: &loss, gradient: &gradient)
        return loss
    }
}
