/// A fully connected network `[d, h₁, …, h_k, 1]`: sigmoid hidden units, linear output.
///
/// ## Flat parameter layout
/// The parameters of one network are one flat array, layer after layer. Layer `l` maps
/// `n_in = layers[l]` inputs to `n_out = layers[l+1]` outputs and stores
///
///     weights  W_l[j][i]  at  offset_l + j·n_in + i      (j < n_out, i < n_in; row j feeds unit j)
///     biases   b_l[j]     at  offset_l + n_out·n_in + j
///
/// so `offset_{l+1} = offset_l + (n_in + 1)·n_out` and P = Σ_l (n_in + 1)·n_out (13 for [1,4,1]).
/// A batch of T networks stores fit t's parameters at `t·P ..< (t+1)·P`.
public struct Architecture: Hashable, Codable, Sendable, CustomStringConvertible {
    /// Layer widths, input first, the single output last.
    public let layers: [Int]

    public init(_ layers: [Int]) throws {
        guard layers.count >= 2 else {
            throw NPLMError.invalidArgument("architecture needs at least an input and an output layer, got \(layers)")
        }
        guard layers.allSatisfy({ $0 >= 1 }) else {
            throw NPLMError.invalidArgument("every layer of the architecture needs at least one unit, got \(layers)")
        }
        guard layers.last == 1 else {
            throw NPLMError.invalidArgument("the last layer must have one unit (f is a scalar), got \(layers)")
        }
        // P = Σ (n_in + 1)·n_out must be an Int; a network this large is refused by the memory check
        // (`TrainingMemory`) with the number, but must not trap here first.
        var total = 0
        for l in 0..<(layers.count - 1) {
            let (width, o1) = layers[l].addingReportingOverflow(1)
            let (count, o2) = width.multipliedReportingOverflow(by: layers[l + 1])
            let (sum, o3) = total.addingReportingOverflow(count)
            guard !(o1 || o2 || o3) else {
                throw NPLMError.invalidArgument("the architecture \(layers) has more parameters than a computer can hold: use narrower layers")
            }
            total = sum
        }
        self.layers = layers
    }

    /// Parses "1,4,1".
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        var widths: [Int] = []
        for part in parts {
            guard let width = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw NPLMError.invalidArgument("architecture '\(text)' is not a comma-separated list of layer widths such as 1,4,1")
            }
            widths.append(width)
        }
        try self.init(widths)
    }

    public var inputDimension: Int { layers[0] }
    public var layerCount: Int { layers.count - 1 }
    public var description: String { layers.map(String.init).joined(separator: ",") }

    /// Total number of parameters P.
    public var parameterCount: Int {
        (0..<layerCount).reduce(0) { $0 + (layers[$1] + 1) * layers[$1 + 1] }
    }

    /// Offset of layer `l`'s weights in the flat layout.
    public func weightOffset(layer l: Int) -> Int {
        (0..<l).reduce(0) { $0 + (layers[$1] + 1) * layers[$1 + 1] }
    }

    /// Offset of layer `l`'s biases in the flat layout.
    public func biasOffset(layer l: Int) -> Int {
        weightOffset(layer: l) + layers[l] * layers[l + 1]
    }

    /// For every parameter, whether it is a weight (true) or a bias (false).
    public var weightMask: [Bool] {
        var mask: [Bool] = []
        mask.reserveCapacity(parameterCount)
        for l in 0..<layerCount {
            mask += Array(repeating: true, count: layers[l] * layers[l + 1])
            mask += Array(repeating: false, count: layers[l + 1])
        }
        return mask
    }

    /// Widest layer, the size of the activation scratch a forward pass needs.
    public var widestLayer: Int { layers.max() ?? 1 }
}

import Foundation
