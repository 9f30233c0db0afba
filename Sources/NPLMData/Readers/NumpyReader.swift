import Foundation
import NPLMCore

/// Reads NumPy `.npy` files holding float32 or float64 arrays of shape (N,) or (N, d).
///
/// Hand-written because no Swift package available here reads `.npy`, and the format is small
/// (numpy's `numpy/lib/format.py` documents it): the magic bytes `\x93NUMPY`, a major and minor
/// version byte, the header length (2 bytes little-endian in version 1, 4 bytes in versions 2 and 3),
/// a header that is a Python dict literal such as
///
///     {'descr': '<f8', 'fortran_order': False, 'shape': (2000, 5), }
///
/// padded with spaces and a newline, then the raw array data. Only what nplm can use is accepted:
/// little- or big-endian float32/float64 (`<f4`, `<f8`, `>f4`, `>f8`, `=f4`, `=f8`), C order (or
/// any order for one-dimensional arrays, where the two coincide), one or two dimensions. Anything
/// else is rejected with a message that says how to save the array so that it can be read.
public enum NumpyReader {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// The array in the file at `url`; errors name the file as `label`.
    public static func read(_ url: URL, label: ErrorText) throws -> NumericTable {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw NPLMError.invalidInput(file: label, "cannot be read (\(error.localizedDescription))")
        }
        return try parse(data, label: label)
    }

    /// The array in `data` (the bytes of a `.npy` file).
    public static func parse(_ data: Data, label: ErrorText) throws -> NumericTable {
        let bytes = [UInt8](data)
        func fail(_ message: ErrorText) -> NPLMError { .invalidInput(file: label, message) }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("is not a NumPy .npy file (it does not start with \\x93NUMPY); save arrays with numpy.save")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("is truncated inside its header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw fail(".npy format version \(major).\(bytes[7]) is not supported (versions 1, 2 and 3 are)")
        }
        guard bytes.count >= headerStart + headerLength else { throw fail("is truncated inside its header") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        let fields = try Header(parsing: header, fail: fail)

        var count = 1
        for n in fields.shape + [fields.itemSize] {
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow, product <= bytes.count else {
                throw fail("declares shape \(fields.shapeText), larger than the file: the file is truncated or damaged")
            }
            count = product
        }
        count /= fields.itemSize
        let dataStart = headerStart + headerLength
        let expectedBytes = count * fields.itemSize
        let actualBytes = bytes.count - dataStart
        guard actualBytes == expectedBytes else {
            throw fail("holds \(actualBytes) bytes of data but shape \(fields.shapeText) of '\(fields.descr)' needs \(expectedBytes): the file is truncated or damaged")
        }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for i in 0..<count {
                let offset = dataStart + i * fields.itemSize
                if fields.itemSize == 8 {
                    var bits = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    bits = fields.bigEndian ? UInt64(bigEndian: bits) : UInt64(littleEndian: bits)
                    values[i] = Double(bitPattern: bits)
                } else {
                    var bits = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                    bits = fields.bigEndian ? UInt32(bigEndian: bits) : UInt32(littleEndian: bits)
                    values[i] = Double(Float(bitPattern: bits))
                }
            }
        }
        let rows = fields.shape[0]
        let columns = fields.shape.count == 2 ? fields.shape[1] : 1
        return NumericTable(rows: rows, columns: columns, values: values, source: .npy(vector: fields.shape.count == 1))
    }

    /// The three entries of the header dict that matter.
    struct Header {
        var descr: String
        var itemSize: Int
        var bigEndian: Bool
        var shape: [Int]
        var shapeText: String { shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")" }

        init(parsing header: String, fail: (ErrorText) -> NPLMError) throws {
            guard Self.isDictionary(header) else {
                throw fail("has a damaged header (not the dict literal numpy.save writes, {'descr': …, 'fortran_order': …, 'shape': (…), } padded with spaces): the file is damaged or not written by numpy")
            }
            guard let descr = Self.value(of: "descr", in: header).flatMap(Self.quoted) else {
                throw fail("has no readable 'descr' (dtype) in its header")
            }
            guard let order = Self.value(of: "fortran_order", in: header) else {
                throw fail("has no 'fortran_order' in its header")
            }
            guard let shapeText = Self.value(of: "shape", in: header), let shape = Self.tuple(shapeText) else {
                throw fail("has no readable 'shape' in its header")
            }
            self.descr = descr
            switch descr {
            case "<f4", "=f4": (itemSize, bigEndian) = (4, false)
            case "<f8", "=f8": (itemSize, bigEndian) = (8, false)
            case ">f4": (itemSize, bigEndian) = (4, true)
            case ">f8": (itemSize, bigEndian) = (8, true)
            default:
                throw fail("holds dtype '\(descr)'; nplm reads float32 or float64 arrays: save it with numpy.save(path, a.astype(numpy.float64))")
            }
            self.shape = shape
            guard shape.count == 1 || shape.count == 2 else {
                throw fail("holds an array of shape \(self.shapeText); nplm needs shape (N,) or (N, d): one row per event")
            }
            if shape.count == 2 && shape[1] == 0 {
                throw fail("holds an array of shape \(self.shapeText): events with no features")
            }
            if order.hasPrefix("True") && shape.count == 2 {
                throw fail("is stored in Fortran (column-major) order; save it in C order: numpy.save(path, numpy.ascontiguousarray(a))")
            }
            guard order.hasPrefix("True") || order.hasPrefix("False") else {
                throw fail("has an unreadable 'fortran_order' in its header")
            }
        }

        /// Whether `header` is what numpy writes: one dict literal of exactly the keys 'descr',
        /// 'fortran_order' and 'shape' (each once, in any order, the last comma optional), then
        /// only spaces and one newline (or NUL padding from older writers). Junk inside or after
        /// the dict is refused rather than skipped.
        static func isDictionary(_ header: String) -> Bool {
            var text = Substring(header)
            while let last = text.last, last == " " || last == "\n" || last == "\0" { text = text.dropLast() }
            guard text.first == "{", text.last == "}" else { return false }
            var body = text.dropFirst().dropLast()[...]
            var keys: [String] = []
            while true {
                body = body.drop { $0 == " " }
                if body.isEmpty { break }
                guard let key = quoted(body) else { return false }
                body = body.dropFirst(key.count + 2).drop { $0 == " " }
                guard body.first == ":" else { return false }
                body = body.dropFirst().drop { $0 == " " }
                // The value: a quoted string, a tuple, or a word (True/False).
                let valueEnd: Substring.Index
                if let string = quoted(body) {
                    valueEnd = body.index(body.startIndex, offsetBy: string.count + 2)
                } else if body.first == "(" {
                    guard let close = body.firstIndex(of: ")") else { return false }
                    valueEnd = body.index(after: close)
                } else {
                    valueEnd = body.firstIndex { $0 == "," || $0 == " " } ?? body.endIndex
                }
                let value = body[..<valueEnd]
                guard !value.isEmpty else { return false }
                keys.append(key)
                body = body[valueEnd...].drop { $0 == " " }
                if body.first == "," { body = body.dropFirst() } else if !body.isEmpty { return false }
            }
            return keys.sorted() == ["descr", "fortran_order", "shape"]
        }

        /// The text after `'key':` up to the end of the header (callers read only its start).
        static func value(of key: String, in header: String) -> Substring? {
            for quote in ["'", "\""] {
                if let range = header.range(of: quote + key + quote) {
                    var rest = header[range.upperBound...].drop { $0 == " " }
                    guard rest.first == ":" else { return nil }
                    rest = rest.dropFirst().drop { $0 == " " }
                    return rest
                }
            }
            return nil
        }

        /// 'text' or "text" at the start of `s`.
        static func quoted(_ s: Substring) -> String? {
            guard let quote = s.first, quote == "'" || quote == "\"" else { return nil }
            let body = s.dropFirst()
            guard let end = body.firstIndex(of: quote) else { return nil }
            return String(body[..<end])
        }

        /// (a,) or (a, b, …) or () at the start of `s`.
        static func tuple(_ s: Substring) -> [Int]? {
            guard s.first == "(", let end = s.firstIndex(of: ")") else { return nil }
            let body = s[s.index(after: s.startIndex)..<end]
            var values: [Int] = []
            for part in body.split(separator: ",") {
                let text = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
                if text.isEmpty { continue }
                guard let value = Int(text), value >= 0 else { return nil }
                values.append(value)
            }
            return values
        }
    }
}
