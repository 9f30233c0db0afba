/// Numbers read from an input file: `rows` × `columns`, row-major, in Double, before any check
/// of what they mean (events, weights).
public struct NumericTable: Sendable, Equatable {
    /// The kind of file the numbers came from: how messages name an entry.
    public enum Source: Sendable, Equatable {
        /// A CSV file: row i is on line i + 2 (the header is line 1).
        case csv
        /// A .npy array; `vector` for shape (N,).
        case npy(vector: Bool)
        /// An HDF5 dataset; `vector` for shape (N,).
        case hdf5(vector: Bool)
    }

    public let rows: Int
    public let columns: Int
    /// Entry (i, k) at `values[i·columns + k]`.
    public let values: [Double]
    public let source: Source

    public init(rows: Int, columns: Int, values: [Double], source: Source) {
        precondition(values.count == rows * columns)
        self.rows = rows
        self.columns = columns
        self.values = values
        self.source = source
    }

    public subscript(row i: Int, column k: Int) -> Double { values[i * columns + k] }

    /// "(N,)" or "(N, d)", numpy's way of writing a shape.
    public var shapeDescription: String { isVector ? "(\(rows),)" : "(\(rows), \(columns))" }

    /// A one-dimensional array (shape (N,)).
    public var isVector: Bool { source == .npy(vector: true) || source == .hdf5(vector: true) }

    /// Where entry (i, k) is, for a message: "line 7, column 2" (CSV) or "entry [5, 1]" (.npy,
    /// numpy's 0-based indices).
    public func place(row i: Int, column k: Int) -> String {
        switch source {
        case .csv: return "line \(i + 2), column \(k + 1)"
        case .npy(vector: true), .hdf5(vector: true): return "entry [\(i)]"
        case .npy(vector: false), .hdf5(vector: false): return "entry [\(i), \(k)]"
        }
    }
}
