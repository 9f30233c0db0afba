import Foundation
import NPLMCore

/// How a nuisance parameter ν changes the reference density (d'Agnolo et al., "Learning new
/// physics from an imperfect machine", eq. 14 and 31).
public enum NuisanceKind: Sendable {
    /// The expected count scales by e^{ν}: log r = ν, the same at every event (analytic).
    case normalization
    /// log r(x; ν) = Σ_{k=1..order} ν^k/k! · δ_k(x), with δ_k from a `ShapeEffect` (exact or learned).
    case shape(any ShapeEffect)
}

/// One nuisance parameter with its Gaussian auxiliary likelihood of width σ.
public struct Nuisance: Sendable {
    public let name: String
    public let kind: NuisanceKind
    /// σ of the auxiliary Gaussian, in the units of ν.
    public let sigma: Double

    public init(name: String, kind: NuisanceKind, sigma: Double) throws {
        guard sigma.isFinite && sigma > 0 else {
            throw NPLMError.invalidArgument("nuisance '\(name)': σ must be a positive number, got \(sigma)")
        }
        if case .shape(let effect) = kind, !(1...4).contains(effect.order) {
            throw NPLMError.invalidArgument("nuisance '\(name)': the order of a shape effect is 1 to 4, got \(effect.order)")
        }
        self.name = name
        self.kind = kind
        self.sigma = sigma
    }

    public var isShape: Bool {
        if case .shape = kind { return true }
        return false
    }
}

/// The nuisance parameters ν_1 … ν_n of a fit, and how they enter the exp-linear loss
/// (d'Agnolo et al., "Learning new physics from an imperfect machine", eq. 24–27):
///
///     o_i(ν) = Σ_{normalisation j} ν_j + Σ_{shape j} Σ_{k=1..order_j} ν_j^k/k! · δ_{jk}(x_i)
///     A(ν)   = ½ Σ_j [((ν̂_j − ν_j)/σ_j)² − (ν̂_j/σ_j)²]
///
/// The δ_{jk}(x_i) are evaluated once per event (the offset basis of `EventTerms`, one column per
/// (shape nuisance j, order k), in nuisance order then k); at every epoch only the coefficients
/// c_0 = Σ_{normalisation} ν_j and c_{jk} = ν_j^k/k! change. The chain rule turns the engine's
/// ∂L/∂c into ∂L/∂ν_j = Σ_k ν_j^{k−1}/(k−1)! · ∂L/∂c_{jk} (shape) or ∂L/∂c_0 (normalisation).
public struct NuisanceModel: Sendable {
    public let nuisances: [Nuisance]
    /// The (nuisance, order k) of every basis column.
    public let columns: [(nuisance: Int, order: Int)]

    public init(_ nuisances: [Nuisance]) throws {
        guard !nuisances.isEmpty else { throw NPLMError.invalidArgument("a nuisance model needs at least one nuisance") }
        var names = Set<String>()
        for nuisance in nuisances where !names.insert(nuisance.name).inserted {
            throw NPLMError.invalidArgument("nuisance '\(nuisance.name)' is given twice")
        }
        var columns: [(Int, Int)] = []
        for (j, nuisance) in nuisances.enumerated() {
            if case .shape(let effect) = nuisance.kind { columns += (1...effect.order).map { (j, $0) } }
        }
        self.nuisances = nuisances
        self.columns = columns
    }

    /// n, the number of nuisance parameters.
    public var count: Int { nuisances.count }
    /// M, the number of offset-basis columns.
    public var basisCount: Int { columns.count }
    public var sigmas: [Double] { nuisances.map(\.sigma) }
    public var names: [String] { nuisances.map(\.name) }

    /// The input dimension every shape effect takes (nil when there is no shape nuisance).
    public var inputDimension: Int? {
        for nuisance in nuisances { if case .shape(let effect) = nuisance.kind { return effect.inputDimension } }
        return nil
    }

    /// The offset basis of `events`: M columns, δ_{jk}(x_i) in float (the events' precision).
    /// `source` names the events in an error message.
    public func basis(for events: EventSet, source: ErrorText) throws -> [[Float]] {
        var basis: [[Float]] = []
        for nuisance in nuisances {
            guard case .shape(let effect) = nuisance.kind else { continue }
            let origin = (effect as? LearnedShapeEffect).map { "the δ̂ model \($0.label)" } ?? "its shape effect"
            guard effect.inputDimension == events.dimension else {
                throw NPLMError.invalidArgument("nuisance '\(nuisance.name)': \(origin) takes \(effect.inputDimension)-dimensional events, but \(source) has \(events.dimension) features: give a δ̂ model trained on these features")
            }
            let deltas = try effect.coefficients(for: events)
            guard deltas.count == effect.order, deltas.allSatisfy({ $0.count == events.count }) else {
                throw NPLMError.invalidArgument("nuisance '\(nuisance.name)': its shape effect returned \(deltas.count) coefficients for order \(effect.order)")
            }
            for (k, column) in deltas.enumerated() {
                if let i = column.firstIndex(where: { !$0.isFinite || abs($0) > Double(Float.greatestFiniteMagnitude) }) {
                    let x = (0..<events.dimension).map { "\(events.value(event: i, feature: $0))" }.joined(separator: ", ")
                    throw NPLMError.invalidArgument("nuisance '\(nuisance.name)': δ_\(k + 1) of \(origin) is \(column[i]) at event \(i) of \(source) (x = \(x)), beyond the float32 range: the event lies far outside what the shape effect describes; check the events' scale (and the δ̂ model, if it was trained on other features)")
                }
                basis.append(column.map { Float($0) })
            }
        }
        return basis
    }

    /// The offset coefficients c_0 … c_M at ν (n values) into `out` (M + 1 values).
    public func offsetCoefficients(nu: ArraySlice<Double>, into out: inout ArraySlice<Double>) {
        let base = nu.startIndex, o = out.startIndex
        var shift = 0.0
        for (j, nuisance) in nuisances.enumerated() where !nuisance.isShape { shift += nu[base + j] }
        out[o] = shift
        for (m, column) in columns.enumerated() {
            out[o + 1 + m] = Self.power(nu[base + column.nuisance], column.order)
        }
    }

    public func offsetCoefficients(nu: [Double]) -> [Double] {
        var out = ArraySlice([Double](repeating: 0, count: basisCount + 1))
        offsetCoefficients(nu: nu[...], into: &out)
        return Array(out)
    }

    /// ∂L/∂ν_j from the engine's ∂L/∂c_0 (`shiftGradient`) and ∂L/∂c_m (`basisGradient`, M values),
    /// into `out` (n values); the auxiliary term is not included.
    public func nuisanceGradient(nu: ArraySlice<Double>, shiftGradient: Double, basisGradient: ArraySlice<Double>,
                                 into out: inout ArraySlice<Double>) {
        let base = nu.startIndex, o = out.startIndex, g = basisGradient.startIndex
        for (j, nuisance) in nuisances.enumerated() { out[o + j] = nuisance.isShape ? 0 : shiftGradient }
        for (m, column) in columns.enumerated() {
            // d/dν (ν^k/k!) = ν^{k−1}/(k−1)!
            out[o + column.nuisance] += Self.power(nu[base + column.nuisance], column.order - 1) * basisGradient[g + m]
        }
    }

    /// The auxiliary term A(ν) for the central values ν̂ (eq. 27): zero at ν = 0, minimal at ν = ν̂.
    public func auxiliary(nu: ArraySlice<Double>, central: [Double]) -> Double {
        var sum = 0.0
        for j in 0..<count {
            let sigma = nuisances[j].sigma
            let pull = (central[j] - nu[nu.startIndex + j]) / sigma, offset = central[j] / sigma
            sum += pull * pull - offset * offset
        }
        return 0.5 * sum
    }

    /// ∂A/∂ν_j = (ν_j − ν̂_j)/σ_j², added to `out`.
    public func addAuxiliaryGradient(nu: ArraySlice<Double>, central: [Double], into out: inout ArraySlice<Double>) {
        for j in 0..<count {
            let sigma = nuisances[j].sigma
            out[out.startIndex + j] += (nu[nu.startIndex + j] - central[j]) / (sigma * sigma)
        }
    }

    /// log r̂(x; ν) of one event from its basis row (M values): the offset the fits use.
    public func logRatio(nu: [Double], basisRow: [Double]) -> Double {
        let c = offsetCoefficients(nu: nu)
        return c[0] + zip(c.dropFirst(), basisRow).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// ν^k/k!.
    static func power(_ nu: Double, _ k: Int) -> Double {
        var value = 1.0
        if k > 0 { for q in 1...k { value *= nu / Double(q) } }
        return value
    }
}
