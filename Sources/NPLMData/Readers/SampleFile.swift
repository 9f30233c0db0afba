import Foundation
import NPLMCore

/// Loads the samples a user gives nplm (events, reference weights) from `.npy`, `.csv` or HDF5
/// files (`file.h5:/group/dataset`) and
/// checks them, so that every later step can trust its input. Every error is one line naming the
/// option and the file, the place (CSV line, .npy row) and what to do.
public enum SampleFile {
    /// The file formats nplm reads samples from.
    public enum Format: String, Sendable {
        case npy, csv, hdf5
    }

    /// The format of `path`, from its extension.
    public static func format(of path: String, label: ErrorText) throws -> Format {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "npy": return .npy
        case "csv": return .csv
        default:
            if HDF5Reader.split(path) != nil { return .hdf5 }
            throw NPLMError.invalidInput(file: label, "has an unknown extension: give a .npy (numpy.save) file, a .csv file with a header row, or an HDF5 dataset as file.h5:/group/name")
        }
    }

    /// "--data file.csv": how messages name a file given through an option.
    public static func label(parameter: Parameter, path: String) -> ErrorText { "\(parameter) \(path)" }

    /// The numbers in the file at `path`, after checking that it exists and is a file.
    public static func table(path: String, parameter: Parameter) throws -> NumericTable {
        let label = label(parameter: parameter, path: path)
        if let (file, dataset) = HDF5Reader.split(path) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) else {
                throw NPLMError.invalidInput(file: label, "no such file \(file)")
            }
            guard !isFolder.boolValue else { throw NPLMError.invalidInput(file: label, "\(file) is a folder, not a file") }
            guard let dataset else {
                throw NPLMError.invalidInput(file: label, "name the dataset inside the HDF5 file: \(file):/group/name")
            }
            return try HDF5Reader.read(file: file, dataset: dataset, label: label)
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            // An HDF5 file whose name has another extension, with its dataset: `events.dat:/x`.
            if let colon = path.range(of: ":", options: .backwards), HDF5Reader.isHDF5(String(path[..<colon.lowerBound])) {
                let file = String(path[..<colon.lowerBound])
                let dataset = String(path[colon.upperBound...])
                return try HDF5Reader.read(file: file, dataset: dataset.hasPrefix("/") ? dataset : "/" + dataset, label: label)
            }
            throw NPLMError.invalidInput(file: label, "no such file")
        }
        guard !isFolder.boolValue else { throw NPLMError.invalidInput(file: label, "is a folder, not a file") }
        if HDF5Reader.isHDF5(path) {
            throw NPLMError.invalidInput(file: label, "is an HDF5 file: name the dataset inside it, as \(path):/group/name")
        }
        let url = URL(fileURLWithPath: path)
        switch try format(of: path, label: label) {
        case .npy: return try NumpyReader.read(url, label: label)
        case .csv: return try CSVTableReader.read(url, label: label)
        case .hdf5: preconditionFailure("HDF5 paths are read above")
        }
    }

    /// Events from the file at `path`: at least one, every value finite and within float32 range
    /// (the precision the fits store events in).
    public static func events(path: String, parameter: Parameter) throws -> EventSet {
        try events(from: try table(path: path, parameter: parameter), label: label(parameter: parameter, path: path))
    }

    /// Events from an already-read table (one row per event).
    public static func events(from table: NumericTable, label: ErrorText) throws -> EventSet {
        guard table.rows > 0 else {
            throw NPLMError.invalidInput(file: label, "holds no events (shape \(table.shapeDescription)): a sample needs at least one event")
        }
        let largest = Double(Float.greatestFiniteMagnitude)
        var features = [Float](repeating: 0, count: table.values.count)
        for i in 0..<table.rows {
            for k in 0..<table.columns {
                let value = table[row: i, column: k]
                guard value.isFinite else {
                    throw NPLMError.invalidInput(file: label, "\(table.place(row: i, column: k)) is \(value.isNaN ? "NaN" : "infinite"): remove or fix the event")
                }
                guard abs(value) <= largest else {
                    throw NPLMError.invalidInput(file: label, "\(table.place(row: i, column: k)) = \(value) is outside the float32 range the fits use")
                }
                features[k * table.rows + i] = Float(value)
            }
        }
        return EventSet(dimension: table.columns, count: table.rows, features: features)
    }

    /// Per-event weights from the file at `path` (one column): one per event of a sample of
    /// `count` events (named `sampleLabel` in messages), each finite and ≥ 0, with a positive sum.
    public static func weights(path: String, parameter: Parameter, count: Int, sampleLabel: ErrorText) throws -> [Double] {
        let label = label(parameter: parameter, path: path)
        return try weights(from: try table(path: path, parameter: parameter), label: label, count: count, sampleLabel: sampleLabel)
    }

    public static func weights(from table: NumericTable, label: ErrorText, count: Int, sampleLabel: ErrorText) throws -> [Double] {
        guard table.columns == 1 else {
            throw NPLMError.invalidInput(file: label, "holds \(table.columns) columns (shape \(table.shapeDescription)); weights need one value per event: shape (N,) or one column")
        }
        guard table.rows == count else {
            throw NPLMError.invalidInput(file: label, "holds \(table.rows) weights for the \(count) events of \(sampleLabel): give one weight per event")
        }
        for i in 0..<table.rows {
            let w = table.values[i]
            guard w.isFinite else { throw NPLMError.invalidInput(file: label, "\(table.place(row: i, column: 0)) is \(w.isNaN ? "NaN" : "infinite"): weights must be finite") }
            guard w >= 0 else { throw NPLMError.invalidInput(file: label, "\(table.place(row: i, column: 0)) = \(w) is negative: weights must be 0 or positive") }
        }
        let sum = table.values.reduce(0, +)
        guard sum > 0 else {
            throw NPLMError.invalidInput(file: label, "every weight is 0: the weights must have a positive sum")
        }
        // The sum is the expected count the weights stand for (N(R0) of a reference).
        guard sum <= SampleSize.largest else {
            throw NPLMError.invalidInput(file: label, "the weights sum to \(sum) expected events (at most 1e8): are they in the right units?")
        }
        return table.values
    }
}

extension SampleFile {
    /// The events of samples fitted by one network, in order (`samples`: how messages name each and
    /// how to read it, from a file or a caller's buffer): all with the same number of features,
    /// the architecture's input width. `network` names where the architecture came from (the
    /// `Parameter.architecture` option with its value, or a saved model), `fromOptions` whether the
    /// user chose it (the message then says to change its first layer; else to give samples of the
    /// model's features).
    public static func load(_ samples: [(label: ErrorText, events: () throws -> EventSet)], architecture: Architecture,
                            network: ErrorText, fromOptions: Bool) throws -> [EventSet] {
        let loaded = try load(samples)
        if let first = loaded.first, architecture.inputDimension != first.dimension {
            let hint: ErrorText = fromOptions ? "make the first layer width \(first.dimension)" : "give samples with the model's features"
            throw NPLMError.invalidArgument(
                "\(network) takes \(architecture.inputDimension) input feature(s) but \(samples[0].label) has \(first.dimension) per event: \(hint)")
        }
        return loaded
    }

    /// The events of samples fitted together, in order, all with the same number of features.
    public static func load(_ samples: [(label: ErrorText, events: () throws -> EventSet)]) throws -> [EventSet] {
        var loaded: [EventSet] = []
        for sample in samples {
            let events = try sample.events()
            if let first = loaded.first, first.dimension != events.dimension {
                throw NPLMError.invalidInput(file: sample.label,
                    "has \(events.dimension) feature(s) per event but \(samples[0].label) has \(first.dimension): the samples must have the same columns")
            }
            loaded.append(events)
        }
        return loaded
    }
}
