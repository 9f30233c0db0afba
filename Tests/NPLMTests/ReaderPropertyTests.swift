import Foundation
import PropertyBased
import XCTest
@testable import NPLMCore
@testable import NPLMData

/// Every reader on random files: a correct table, or one line naming the file — never a crash, a
/// table of another shape, or a value that is not the one written. (`PropertyRun`: fixed seed,
/// `NPLM_PROPERTY_CASES` for a longer run.)
final class ReaderPropertyTests: XCTestCase {
    /// An error as the readers must give it: an `NPLMError` on one line that starts with the label.
    static func problem(with error: Error, label: String) -> String? {
        guard error is NPLMError else { return "not an NPLMError: \(error)" }
        let message = "\(error)"
        if message.contains("\n") { return "more than one line: \(message)" }
        if !message.hasPrefix(label + ": ") { return "does not start with '\(label): ': \(message)" }
        return nil
    }

    // MARK: - .npy

    struct NpyCase: CustomStringConvertible {
        var version: UInt8
        var descr: String
        var fortran: String
        var shape: [Int]
        var junk: Int  // 0: none; 1: after the dict; 2: before it; 3: an extra key
        var extraBytes: Int  // data bytes beyond (or short of) what the shape needs
        var values: [Double]

        var description: String { "v\(version) \(descr) fortran \(fortran) shape \(shape) junk \(junk) extra \(extraBytes)" }

        var itemSize: Int? {
            switch descr {
            case "<f8", ">f8", "=f8": return 8
            case "<f4", ">f4", "=f4": return 4
            default: return nil
            }
        }

        /// Whether numpy could have written this, and nplm must read it.
        var isValid: Bool {
            guard [1, 2, 3].contains(version), itemSize != nil, junk == 0, extraBytes == 0,
                  shape.count == 1 || shape.count == 2 else { return false }
            if shape.count == 2 && (shape[1] == 0 || fortran == "True") { return false }
            return fortran == "True" || fortran == "False"
        }

        var bytes: Data {
            let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
            var header = "{'descr': '\(descr)', 'fortran_order': \(fortran), 'shape': \(shapeText), }"
            switch junk {
            case 1: header += " x=1"
            case 2: header = "# " + header
            case 3: header = header.replacingOccurrences(of: "}", with: "'extra': 2, }")
            default: break
            }
            var data = NpyTestFile.bytes(header: header, values: values, descr: descr, version: version)
            if extraBytes > 0 { data.append(Data(repeating: 0x41, count: extraBytes)) }
            if extraBytes < 0 { data.removeLast(min(-extraBytes, data.count)) }
            return data
        }
    }

    static let dimensions = [0, 1, 2, 3, 5, 7, 1 << 31, 1 << 40, Int.max / 4]

    /// The number of elements of a shape, Int.max when that overflows.
    static func product(_ shape: [Int]) -> Int {
        shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
    }

    /// One of `values`, each as likely (repeat a value to weight it).
    static func pick<Value: Sendable>(_ values: [Value]) -> Generator<Value, some Sequence> {
        Gen.int(in: 0...(values.count - 1)).map { values[$0] }
    }

    static var npyCases: Generator<NpyCase, some Sequence> {
        zip(zip(pick([1, 1, 2, 3, 0, 4] as [UInt8]),
                pick(["<f8", "<f8", "<f4", ">f8", ">f4", "=f8", "<i8", "|u1", "<c16", "", "<f8'"]),
                pick(["False", "False", "True", "1", "None"])),
            zip(Gen.int(in: 0...3), pick(dimensions).array(of: 4)),
            pick([0, 0, 0, 0, 1, 2, 3]),
            pick([0, 0, 0, 0, -8, -1, 1, 8]),
            Gen.double(in: -1e6...1e6).array(of: 64))
            .map { head, shape, junk, extra, pool in
                let (version, descr, fortran) = head
                let dims = Array(shape.1.prefix(shape.0))
                // Values for the shape when it is small; a huge shape gets a few (the file is then short).
                let product = product(dims)
                let values = Array(pool.prefix(product <= 64 ? product : 3))
                return NpyCase(version: version, descr: descr, fortran: fortran, shape: dims, junk: junk, extraBytes: extra, values: values)
            }
    }

    func testNumpyFilesGiveTheirArrayOrOneLine() {
        PropertyRun.check("npy", standard: 400, salt: 1, Self.npyCases) { npy in
            let label = "--data f.npy"
            do {
                let table = try NumpyReader.parse(npy.bytes, label: "\(label)")
                guard npy.isValid else { return "read although invalid: \(table.rows) × \(table.columns)" }
                guard table.rows == npy.shape[0], table.columns == (npy.shape.count == 2 ? npy.shape[1] : 1) else {
                    return "shape \(table.rows) × \(table.columns)"
                }
                let expected = npy.itemSize == 4 ? npy.values.map { Double(Float($0)) } : npy.values
                return table.values == expected ? nil : "values \(table.values.prefix(4)) instead of \(expected.prefix(4))"
            } catch {
                let product = Self.product(npy.shape)
                if npy.isValid && product <= 64 { return "refused a valid file: \(error)" }
                return Self.problem(with: error, label: label)
            }
        }
    }

    // MARK: - CSV

    static let cells = ["1", "-2.5", "3e-3", "1e400", "nan", "inf", "-inf", "", " 4 ", "abc", "\"5\"", "\"6,7\"", "0x10", "1,"]

    static var csvFiles: Generator<String, some Sequence> {
        zip(Gen.bool, Gen.bool, Gen.int(in: 1...4),
            pick(cells).array(of: 0...5).array(of: 0...6))
            .map { header, crlf, columns, rows in
                var lines: [String] = header ? [(0..<columns).map { "x\($0)" }.joined(separator: ",")] : []
                lines += rows.map { $0.joined(separator: ",") }
                return lines.joined(separator: crlf ? "\r\n" : "\n")
            }
    }

    func testCSVFilesGiveATableOrOneLine() throws {
        let folder = try CLI.temporaryDirectory(self)
        let url = folder.appendingPathComponent("f.csv")
        PropertyRun.check("csv", standard: 300, salt: 2, Self.csvFiles) { text in
            try Data(text.utf8).write(to: url)
            let label = "--data f.csv"
            do {
                let table = try CSVTableReader.read(url, label: "\(label)")
                guard table.values.count == table.rows * table.columns, table.columns >= 1 else {
                    return "\(table.values.count) values for \(table.rows) × \(table.columns)"
                }
                return nil
            } catch {
                return Self.problem(with: error, label: label)
            }
        }
    }

    // MARK: - HDF5

    struct HDF5Case: CustomStringConvertible {
        var shape: [Int]
        var element: HDF5TestFile.Element
        var written: Bool
        var gzip: Bool
        var values: [Double]
        var description: String { "shape \(shape) \(element) written \(written) gzip \(gzip)" }
    }

    static var hdf5Cases: Generator<HDF5Case, some Sequence> {
        zip(Gen.int(in: 0...3), pick([0, 1, 2, 3, 6, 1 << 20, 1 << 33]).array(of: 3),
            pick([HDF5TestFile.Element.float64, .float32, .float64BigEndian, .int32]),
            zip(Gen.bool, Gen.bool), Gen.double(in: -1e3...1e3).array(of: 54))
            .map { rank, dims, element, flags, pool in
                let shape = Array(dims.prefix(rank))
                let product = product(shape)
                // Only small datasets are written; a large one is declared and left empty.
                let written = flags.0 && product <= 54
                return HDF5Case(shape: shape, element: element, written: written, gzip: flags.1 && rank > 0,
                                values: written ? Array(pool.prefix(product)) : [])
            }
    }

    func testHDF5DatasetsGiveTheirArrayOrOneLine() throws {
        let folder = try CLI.temporaryDirectory(self)
        let path = folder.appendingPathComponent("f.h5").path
        PropertyRun.check("hdf5", standard: 120, salt: 3, Self.hdf5Cases) { h5 in
            try HDF5TestFile.write(path, [.init(name: "/x", values: h5.values, shape: h5.shape, element: h5.element, gzip: h5.gzip)])
            let label = "--data f.h5:/x"
            let product = Self.product(h5.shape)
            do {
                let table = try HDF5Reader.read(file: path, dataset: "/x", label: "\(label)")
                let readable = (h5.shape.count == 1 || h5.shape.count == 2) && h5.element != .int32 && (h5.written || product == 0)
                guard readable else { return "read although it should not be: \(table.rows) × \(table.columns)" }
                guard table.rows == h5.shape[0], table.columns == (h5.shape.count == 2 ? h5.shape[1] : 1) else {
                    return "shape \(table.rows) × \(table.columns)"
                }
                let expected = h5.element == .float32 ? h5.values.map { Double(Float($0)) } : h5.values
                return table.values == expected ? nil : "values \(table.values.prefix(4)) instead of \(expected.prefix(4))"
            } catch {
                let readable = (h5.shape.count == 1 || h5.shape.count == 2) && h5.element != .int32 && h5.written
                    && !(h5.shape.count == 2 && h5.shape[1] == 0)
                if readable { return "refused a valid dataset: \(error)" }
                return Self.problem(with: error, label: label)
            }
        }
    }

    // MARK: - Events from a table

    static var tables: Generator<NumericTable, some Sequence> {
        zip(Gen.int(in: 0...5), Gen.int(in: 1...3),
            pick([1.5, -2, 0, 3e38, 4e38, -1e300, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, 1e-40]).array(of: 15))
            .map { rows, columns, pool in
                NumericTable(rows: rows, columns: columns, values: Array(pool.prefix(rows * columns)), source: .npy(vector: columns == 1))
            }
    }

    func testEventsAreTheTablesValuesOrOneLine() {
        PropertyRun.check("events", standard: 300, salt: 4, Self.tables) { table in
            let label = "--data f.npy"
            do {
                let events = try SampleFile.events(from: table, label: "\(label)")
                guard table.rows > 0, table.values.allSatisfy({ $0.isFinite && abs($0) <= Double(Float.greatestFiniteMagnitude) }) else {
                    return "accepted a table with no rows or a value outside float32"
                }
                for i in 0..<table.rows {
                    for k in 0..<table.columns where events.features[k * table.rows + i] != Float(table[row: i, column: k]) {
                        return "event \(i) feature \(k) is \(events.features[k * table.rows + i])"
                    }
                }
                return nil
            } catch {
                return Self.problem(with: error, label: label)
            }
        }
    }
}
