import NPLMCore

/// The gradient source of the coefficient networks δ̂_1 … δ̂_order of one shape nuisance (d'Agnolo,
/// Grosso, Pierini, Wulzer, Zanetti, "Learning new physics from an imperfect machine", eq. 17):
/// one fit whose order × P parameters are the networks one after the other (`DeltaNetworks`), its
/// loss `DeltaLoss` over every sample of every point. Weight clipping clamps every network alike.
final class DeltaGradients: GradientSource {
    let data: ShapeTrainingData
    let architecture: Architecture
    let order: Int
    let threads: Int
    var name: String { "δ̂ networks" }
    var fitCount: Int { 1 }
    var parameterStride: Int { order * architecture.parameterCount }
    var lossEngine: LossEngine? { nil }

    init(data: ShapeTrainingData, architecture: Architecture, order: Int, threads: Int) {
        precondition(data.inputDimension == architecture.inputDimension)
        self.data = data
        self.architecture = architecture
        self.order = order
        self.threads = threads
    }

    func clippingMask(_ clipping: WeightClipping) -> [Bool] {
        (0..<order).flatMap { _ in clipping.mask(for: architecture) }
    }

    /// The loss and its gradient; a loss whose gradient has a non-finite component is reported as
    /// NaN, so that the step is not taken and the training stops there as diverged.
    func lossAndGradient(parameters: [Double], active: [Bool]?, loss: inout [Double], gradient: inout [Double]) throws {
        guard active?[0] ?? true else { return }
        let (value, networkGradient) = DeltaLoss.evaluate(architecture: architecture, order: order, parameters: parameters,
                                                          data: data, gradient: true, threads: threads)
        loss[0] = networkGradient.allSatisfy(\.isFinite) ? value : .nan
        gradient = networkGradient
    }

    func loss(parameters: [Double]) throws -> [Double] {
        [DeltaLoss.evaluate(architecture: architecture, order: order, parameters: parameters, data: data,
                            gradient: false, threads: threads).value]
    }
}
