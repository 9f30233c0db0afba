import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// Builds .npy bytes the way numpy.save writes them (header padded with spaces to a multiple of
/// 64 bytes, ending in a newline), for tests.
enum NpyTestFile {
    static func bytes(_ values: [Double], shape: [Int], descr: String = "<f8", fortranOrder: Bool = false,
                      version: UInt8 = 1) -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        return bytes(header: "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }",
                     values: values, descr: descr, version: version)
    }

    /// A file with `header` as it is (padded as numpy pads), then `values` encoded as `descr`
    /// says (other dtypes: little-endian float64).
    static func bytes(header text: String, values: [Double], descr: String = "<f8", version: UInt8 = 1) -> Data {
        var header = text
        let preamble = version == 1 ? 10 : 12
        while (preamble + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0])
        let length = header.utf8.count
        data.append(contentsOf: version == 1 ? [UInt8(length & 0xFF), UInt8(length >> 8)]
                                             : (0..<4).map { UInt8((length >> (8 * $0)) & 0xFF) })
        data.append(Data(header.utf8))
        for value in values {
            switch descr {
            case ">f8": withUnsafeBytes(of: value.bitPattern.bigEndian) { data.append(contentsOf: $0) }
            case "<f4", "=f4": withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { data.append(contentsOf: $0) }
            case ">f4": withUnsafeBytes(of: Float(value).bitPattern.bigEndian) { data.append(contentsOf: $0) }
            case "<i8": withUnsafeBytes(of: Int64(value).littleEndian) { data.append(contentsOf: $0) }
            default: withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// Writes a row-major array to `url`.
    static func write(_ values: [Double], shape: [Int], to url: URL, descr: String = "<f8") throws {
        try bytes(values, shape: shape, descr: descr).write(to: url)
    }
}

final class IONumpyTests: XCTestCase {
    /// numpy.save(np.array([[1.5, -2.0], [3e-3, 4.25e10]])) as numpy 1.26 writes it: header, then data.
    static let numpyFloat64 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }"
    static let numpyFloat64Data = "000000000000f83f00000000000000c0fa7e6abc7493683f0000001265ca2342"

    /// A version-1 .npy file with `header` as it is (padded as numpy pads) and float64 `values`.
    static func withHeader(_ header: String, values: [Double]) -> Data {
        NpyTestFile.bytes(header: header, values: values)
    }

    static func hexBytes(_ hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map {
            let start = hex.index(hex.startIndex, offsetBy: $0)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
    }

    func testReadsWhatNumpyWrites() throws {
        // The file numpy wrote: 10-byte preamble, 118-byte header (0x76), 32 bytes of data.
        var header = Self.numpyFloat64
        while header.utf8.count < 117 { header += " " }
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0x76, 0])
        data.append(Data((header + "\n").utf8))
        data.append(contentsOf: Self.hexBytes(Self.numpyFloat64Data))
        XCTAssertEqual(data.count, 160)
        XCTAssertEqual(data, NpyTestFile.bytes([1.5, -2.0, 3e-3, 4.25e10], shape: [2, 2]), "the test helper writes as numpy does")
        let table = try NumpyReader.parse(data, label: "x.npy")
        XCTAssertEqual(table.rows, 2)
        XCTAssertEqual(table.columns, 2)
        XCTAssertEqual(table.values, [1.5, -2.0, 3e-3, 4.25e10])
        XCTAssertEqual(table.source, .npy(vector: false))
    }

    func testFloat32VectorAndByteOrders() throws {
        // numpy.save(np.array([1.5, -2.0, 0.1], dtype='<f4')): its data bytes.
        let numpyData = Self.hexBytes("0000c03f000000c0cdcccc3d")
        let helper = NpyTestFile.bytes([1.5, -2.0, 0.1], shape: [3], descr: "<f4")
        XCTAssertEqual(Array(helper.suffix(12)), numpyData)
        let vector = try NumpyReader.parse(helper, label: "v.npy")
        XCTAssertEqual(vector.values, [1.5, -2.0, Double(Float(0.1))])
        XCTAssertEqual(vector.columns, 1)
        XCTAssertEqual(vector.shapeDescription, "(3,)")

        for descr in [">f8", ">f4"] {
            let table = try NumpyReader.parse(NpyTestFile.bytes([1, 2.5, -3, 4], shape: [4, 1], descr: descr), label: "b.npy")
            XCTAssertEqual(table.values, [1, 2.5, -3, 4], descr)
        }
        // Version 2 headers have a 4-byte length.
        let v2 = try NumpyReader.parse(NpyTestFile.bytes([7, 8], shape: [2], version: 2), label: "v2.npy")
        XCTAssertEqual(v2.values, [7, 8])
    }

    func testRejectsWhatItCannotUseWithAReason() {
        let cases: [(Data, String)] = [
            (NpyTestFile.bytes([1, 2, 3, 4], shape: [2, 2], fortranOrder: true), "Fortran"),
            (NpyTestFile.bytes([1, 2, 3], shape: [3], descr: "<i8"), "float32 or float64"),
            (NpyTestFile.bytes([1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 2, 2]), "shape (N,) or (N, d)"),
            (NpyTestFile.bytes([1, 2, 3], shape: [2, 2]), "truncated"),
            (NpyTestFile.bytes([1, 2, 3, 4, 5], shape: [2, 2]), "holds 40 bytes"),
            (NpyTestFile.bytes([1], shape: [1_000_000_000_000, 1_000_000_000]), "larger than the file"),
            (Data("x,y\n1,2\n".utf8), "not a NumPy .npy file"),
            (Self.withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } junk", values: [1]), "damaged header"),
            (Self.withHeader("junk {'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", values: [1]), "damaged header"),
            (Self.withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", values: [1]), "damaged header"),
            (Self.withHeader("{'descr': '<f8', 'shape': (1,), 'descr': '<f8', 'fortran_order': False}", values: [1]), "damaged header"),
            (Data(), "not a NumPy .npy file"),
        ]
        for (data, expected) in cases {
            XCTAssertThrowsError(try NumpyReader.parse(data, label: "f.npy")) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("f.npy: "), message)
                XCTAssertTrue(message.contains(expected), "expected '\(expected)' in: \(message)")
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
        // A one-dimensional array is the same in either order.
        XCTAssertNoThrow(try NumpyReader.parse(NpyTestFile.bytes([1, 2], shape: [2], fortranOrder: true), label: "f.npy"))
    }
}
