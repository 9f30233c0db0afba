import Foundation
import NPLMCore

/// A shape effect whose coefficients are learned networks δ̂_k, read from a `DeltaModelFile`.
public struct LearnedShapeEffect: ShapeEffect, Sendable {
    public let model: DeltaModelFile
    public let networks: DeltaNetworks
    /// How errors name the model ("delta-model delta.json"; the CLI shows its flag).
    public let label: ErrorText

    /// Reads and checks the model file at `url`.
    public init(contentsOf url: URL) throws {
        try self.init(path: url.path, label: "\(url.path)")
    }

    /// Reads and checks the model file at `path`, named `label` in errors.
    public init(path: String, label: ErrorText) throws {
        try self.init(model: try DeltaModelFile.load(path: path, label: label), label: label)
    }

    public init(model: DeltaModelFile, label: ErrorText = "the δ̂ model") throws {
        try model.check(label: label)
        self.model = model
        networks = model.networks
        self.label = label
    }

    public var order: Int { networks.order }
    public var inputDimension: Int { networks.inputDimension }
    public var architecture: Architecture { networks.architecture }
    public var points: [Double] { model.points }

    /// Refuses, in one line, a model that does not have what the caller needs (nil: anything).
    public func require(inputDimension dimension: Int? = nil, order requiredOrder: Int? = nil,
                        architecture required: Architecture? = nil) throws {
        if let dimension, dimension != inputDimension {
            throw NPLMError.invalidInput(file: label,
                "takes events of \(inputDimension) feature(s) (architecture \(architecture)) but the samples have \(dimension): give a δ̂ model trained on these features")
        }
        if let requiredOrder, requiredOrder != order {
            throw NPLMError.invalidInput(file: label, "has order \(order), not the order \(requiredOrder) asked for: train a model of order \(requiredOrder)")
        }
        if let required, required != architecture {
            throw NPLMError.invalidInput(file: label, "has architecture \(architecture), not \(required)")
        }
    }

    public func coefficients(for events: EventSet) throws -> [[Double]] {
        try require(inputDimension: events.dimension)
        return networks.coefficients(for: events)
    }

    /// log r̂(x_i; ν) at every event.
    public func logRatio(for events: EventSet, nu: Double) throws -> [Double] {
        DeltaNetworks.logRatio(coefficients: try coefficients(for: events), nu: nu)
    }
}
