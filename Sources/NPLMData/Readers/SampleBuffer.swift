import NPLMCore

/// Samples handed over in memory instead of as a file: a C-contiguous (row-major) buffer of float32
/// or float64 values, as a NumPy array or a C caller holds them (the C interface of the NPLMC
/// product, the Python package). The values are read straight from the caller's buffer into the
/// feature-major float32 storage of `EventSet`, once, with the checks and messages of `SampleFile`
/// for `.npy` files: at least one event and one feature, every value finite and within float32 range.
public enum SampleBuffer {
    /// How the values are stored.
    public enum ValueType: Sendable {
        case float32, float64
    }

    /// Events from `rows` × `columns` values in row-major order at `values` (entry (i, k) at
    /// `values[i·columns + k]`). `vector`: the caller's array has shape (N,) (`columns` is then 1),
    /// which only changes how messages name an entry. Errors name the sample as `label`.
    public static func events(_ values: UnsafeRawPointer?, type: ValueType, rows: Int, columns: Int, vector: Bool,
                              label: ErrorText) throws -> EventSet {
        try checkShape(values, rows: rows, columns: columns, vector: vector, label: label)
        guard rows > 0 else {
            throw NPLMError.invalidInput(file: label, "holds no events (shape \(shape(rows, columns, vector))): a sample needs at least one event")
        }
        let largest = Double(Float.greatestFiniteMagnitude)
        var features = [Float](repeating: 0, count: rows * columns)
        try features.withUnsafeMutableBufferPointer { out in
            for i in 0..<rows {
                for k in 0..<columns {
                    let value = read(values!, type: type, index: i * columns + k)
                    guard value.isFinite else {
                        throw NPLMError.invalidInput(file: label, "\(place(i, k, vector)) is \(value.isNaN ? "NaN" : "infinite"): remove or fix the event")
                    }
                    guard abs(value) <= largest else {
                        throw NPLMError.invalidInput(file: label, "\(place(i, k, vector)) = \(value) is outside the float32 range the fits use")
                    }
                    out[k * rows + i] = Float(value)
                }
            }
        }
        return EventSet(dimension: columns, count: rows, features: features)
    }

    /// Per-event weights from a buffer of `rows` × `columns` values (one column): one per event of a
    /// sample of `count` events (named `sampleLabel`), checked by `SampleFile.weights`.
    public static func weights(_ values: UnsafeRawPointer?, type: ValueType, rows: Int, columns: Int, vector: Bool,
                               label: ErrorText, count: Int, sampleLabel: ErrorText) throws -> [Double] {
        try checkShape(values, rows: rows, columns: columns, vector: vector, label: label)
        let table = NumericTable(rows: rows, columns: columns,
                                 values: (0..<(rows * columns)).map { read(values!, type: type, index: $0) },
                                 source: .npy(vector: vector))
        return try SampleFile.weights(from: table, label: label, count: count, sampleLabel: sampleLabel)
    }

    static func checkShape(_ values: UnsafeRawPointer?, rows: Int, columns: Int, vector: Bool, label: ErrorText) throws {
        guard rows >= 0, columns >= 1, !vector || columns == 1 else {
            throw NPLMError.invalidInput(file: label, "has shape \(shape(rows, columns, vector)): give an array of shape (N,) or (N, d) with d ≥ 1")
        }
        guard rows.multipliedReportingOverflow(by: columns).overflow == false, rows == 0 || values != nil else {
            throw NPLMError.invalidInput(file: label, "has no values (a null buffer for shape \(shape(rows, columns, vector)))")
        }
    }

    @inline(__always)
    static func read(_ values: UnsafeRawPointer, type: ValueType, index: Int) -> Double {
        switch type {
        case .float32: return Double(values.loadUnaligned(fromByteOffset: index * 4, as: Float.self))
        case .float64: return values.loadUnaligned(fromByteOffset: index * 8, as: Double.self)
        }
    }

    /// numpy's spelling of a shape: "(N,)" or "(N, d)".
    static func shape(_ rows: Int, _ columns: Int, _ vector: Bool) -> String { vector ? "(\(rows),)" : "(\(rows), \(columns))" }

    /// "entry [5]" or "entry [5, 1]" (numpy's 0-based indices), as `NumericTable.place` names .npy entries.
    static func place(_ i: Int, _ k: Int, _ vector: Bool) -> String { vector ? "entry [\(i)]" : "entry [\(i), \(k)]" }
}
