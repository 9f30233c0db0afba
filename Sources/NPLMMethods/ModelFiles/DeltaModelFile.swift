import Foundation
import NPLMCore

/// How a δ̂ model was trained, recorded in its file so that it can be reproduced.
public struct DeltaTrainingSettings: Codable, Sendable, Equatable {
    /// "builtin-scale" (the 1-D scale nuisance) or "files".
    public var source: String
    /// The sample files, S₀ then S₁ of every point in order (source "files").
    public var files: [String]?
    /// Events in S₀ and S₁ of every point, in the order of the points.
    public var variedEvents: [Int]
    public var centralEvents: [Int]
    /// The sum of the weights of S₀ and S₁ of every point (the expected counts).
    public var variedTotals: [Double]
    public var centralTotals: [Double]
    public var epochs: Int
    public var optimizer: Adam
    public var clipping: WeightClipping?
    /// The seed of the network initialisation (and of the built-in samples).
    public var seed: UInt64
    public var initialLoss: Double
    public var finalLoss: Double
    public var history: [HistoryPoint]

    public init(source: String, files: [String]?, data: ShapeTrainingData, options: TrainingOptions, seed: UInt64,
                result: DeltaTrainingResult) {
        self.source = source
        self.files = files
        variedEvents = data.points.map { data.samples[$0.varied].events.count }
        centralEvents = data.points.map { data.samples[$0.central].events.count }
        variedTotals = data.points.map { data.samples[$0.varied].total }
        centralTotals = data.points.map { data.samples[$0.central].total }
        epochs = options.epochs
        optimizer = options.optimizer
        clipping = options.clipping
        self.seed = seed
        initialLoss = result.initialLoss
        finalLoss = result.finalLoss
        history = result.history
    }
}

/// The file `nplm nuisance train` writes and the fits with nuisances read (JSON; the shape-effect
/// kind of the model-file family, `ModelKind.shapeEffect`): the coefficient networks δ̂_1 … δ̂_order
/// of one shape nuisance, their architecture, order and input dimension, the nuisance points they
/// were trained at and the training settings. Running them on events is `LearnedShapeEffect`'s.
public struct DeltaModelFile: ModelFileBody, Equatable {
    public static let kind = ModelKind.shapeEffect
    public static let formatName = kind.rawValue
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    /// Layer widths of every coefficient network, input first.
    public var architecture: [Int]
    public var order: Int
    public var inputDimension: Int
    /// The nuisance points ν_i of the training.
    public var points: [Double]
    public var training: DeltaTrainingSettings
    /// parameters[k − 1]: the flat parameters of δ̂_k.
    public var parameters: [[Double]]

    public init(networks: DeltaNetworks, points: [Double], training: DeltaTrainingSettings) {
        format = Self.formatName
        version = Self.currentVersion
        architecture = networks.architecture.layers
        order = networks.order
        inputDimension = networks.inputDimension
        self.points = points
        self.training = training
        parameters = (1...networks.order).map { Array(networks.parameters(ofCoefficient: $0)) }
    }

    /// Checks that the file is complete and consistent (one line naming `label` otherwise).
    public func check(label: ErrorText) throws {
        func fail(_ message: ErrorText) -> NPLMError { .invalidInput(file: label, message) }
        guard format == Self.formatName else { throw fail(Self.kind.otherFile) }
        guard version == Self.currentVersion else {
            throw fail("has δ̂ model format version \(version); this nplm reads version \(Self.currentVersion)")
        }
        let network: Architecture
        do { network = try Architecture(architecture) } catch { throw fail("\(error)") }
        guard DeltaNetworks.orders.contains(order) else { throw fail("has order \(order); a shape effect has order 1 to 4") }
        guard inputDimension == network.inputDimension else {
            throw fail("says input dimension \(inputDimension) but its architecture \(network) takes \(network.inputDimension)")
        }
        guard parameters.count == order else { throw fail("holds \(parameters.count) coefficient networks for order \(order)") }
        for (index, p) in parameters.enumerated() {
            guard p.count == network.parameterCount else {
                throw fail("network δ̂_\(index + 1) holds \(p.count) parameters; architecture \(network) has \(network.parameterCount)")
            }
            guard p.allSatisfy(\.isFinite) else { throw fail("network δ̂_\(index + 1) holds non-finite parameters") }
        }
        do {
            try ShapeTrainingData.checkPoints(points)
            try DeltaNetworks.checkOrder(order, points: points)
        } catch { throw fail("\(error)") }
    }

    public var networks: DeltaNetworks {
        // Checked on load and on creation.
        try! DeltaNetworks(architecture: try! Architecture(architecture), order: order, parameters: parameters.flatMap { $0 })
    }
}
