/// A set of events in d dimensions, stored feature-major: feature k of event i at `features[k·count + i]`.
///
/// Feature-major storage gives consecutive events of one feature consecutive addresses: coalesced
/// loads on a GPU, contiguous SIMD loads on a CPU.
public struct EventSet: Sendable, Equatable {
    public let dimension: Int
    public let count: Int
    public let features: [Float]

    public init(dimension: Int, count: Int, features: [Float]) {
        precondition(dimension >= 1 && count >= 0 && features.count == dimension * count)
        self.dimension = dimension
        self.count = count
        self.features = features
    }

    /// One-dimensional events.
    public init(_ values: [Float]) {
        self.init(dimension: 1, count: values.count, features: values)
    }

    /// Events given row by row (`rows[i][k]`).
    public init(rows: [[Float]], dimension: Int) {
        var features = [Float](repeating: 0, count: dimension * rows.count)
        for (i, row) in rows.enumerated() {
            precondition(row.count == dimension)
            for k in 0..<dimension { features[k * rows.count + i] = row[k] }
        }
        self.init(dimension: dimension, count: rows.count, features: features)
    }

    public static func empty(dimension: Int) -> EventSet {
        EventSet(dimension: dimension, count: 0, features: [])
    }

    /// Feature k of event i.
    @inlinable
    public func value(event i: Int, feature k: Int) -> Float { features[k * count + i] }

    /// The events at `indices`, in that order.
    public func subset(_ indices: [Int]) -> EventSet {
        var out = [Float](repeating: 0, count: dimension * indices.count)
        for k in 0..<dimension {
            for (j, i) in indices.enumerated() { out[k * indices.count + j] = features[k * count + i] }
        }
        return EventSet(dimension: dimension, count: indices.count, features: out)
    }

    /// This set followed by `other`.
    public func appending(_ other: EventSet) -> EventSet {
        precondition(other.dimension == dimension)
        var out = [Float]()
        out.reserveCapacity(features.count + other.features.count)
        for k in 0..<dimension {
            out += features[(k * count)..<((k + 1) * count)]
            out += other.features[(k * other.count)..<((k + 1) * other.count)]
        }
        return EventSet(dimension: dimension, count: count + other.count, features: out)
    }
}

/// The per-event coefficients of one fit over one event set (the loss of `FitBatch`):
/// the loss adds `a_i·(exp(f_i + o_i) − 1) − b_i·(f_i + o_i)` for every event i.
///
/// With an offset basis (nuisance parameters), the offset also depends on per-fit coefficients
/// c_0 … c_M that change from epoch to epoch:
///
///     o_i = offset_i + c_0 + Σ_{m=1..M} c_m · basis[m − 1][i]
///
/// (d'Agnolo et al., "Learning new physics from an imperfect machine", eq. 14 and 31: the basis
/// holds the Taylor coefficients δ_k(x_i) of the shape nuisances, c_0 the normalisation nuisances).
public struct EventTerms: Sendable, Equatable {
    /// Reference weights a_i ≥ 0.
    public let a: [Float]
    /// Data weights b_i ≥ 0.
    public let b: [Float]
    /// Offsets o_i, or nil for zero offsets.
    public let offset: [Float]?
    /// M columns of `count` values each (empty without nuisances).
    public let basis: [[Float]]

    public init(a: [Float], b: [Float], offset: [Float]? = nil, basis: [[Float]] = []) {
        precondition(a.count == b.count && (offset == nil || offset!.count == a.count))
        precondition(basis.allSatisfy { $0.count == a.count })
        self.a = a
        self.b = b
        self.offset = offset
        self.basis = basis
    }

    /// The same coefficients with the offset basis `basis`.
    public func with(basis: [[Float]]) -> EventTerms {
        EventTerms(a: a, b: b, offset: offset, basis: basis)
    }

    public var count: Int { a.count }

    /// Every event a reference event of weight `weight` (a = weight, b = 0).
    public static func reference(count: Int, weight: Float) -> EventTerms {
        EventTerms(a: Array(repeating: weight, count: count), b: Array(repeating: 0, count: count))
    }

    /// Every event a data event (a = 0, b = 1).
    public static func data(count: Int) -> EventTerms {
        EventTerms(a: Array(repeating: 0, count: count), b: Array(repeating: 1, count: count))
    }
}
