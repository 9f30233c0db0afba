import Foundation
import XCTest
import NPLM

/// `SampleBuffer` (the samples of the C interface and the Python package) reads a row-major
/// float32/float64 buffer into the same events as `SampleFile` reads from the same .npy array,
/// with the same checks and messages.
final class SampleBufferTests: XCTestCase {
    let values: [Double] = [0.25, -1.5, 3.0, 1e-3, 7.75, 2.5]

    func testBuffersGiveTheEventsOfTheNpyFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nplm-samplebuffer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (descr, type) in [("<f8", SampleBuffer.ValueType.float64), ("<f4", .float32)] {
            let file = folder.appendingPathComponent("x\(descr.dropFirst()).npy")
            try NpyTestFile.write(values, shape: [3, 2], to: file, descr: descr)
            let fromFile = try SampleFile.events(path: file.path, parameter: .data)
            let fromBuffer: EventSet
            if type == .float64 {
                fromBuffer = try values.withUnsafeBytes {
                    try SampleBuffer.events($0.baseAddress, type: type, rows: 3, columns: 2, vector: false, label: "data")
                }
            } else {
                fromBuffer = try values.map(Float.init).withUnsafeBytes {
                    try SampleBuffer.events($0.baseAddress, type: type, rows: 3, columns: 2, vector: false, label: "data")
                }
            }
            XCTAssertEqual(fromBuffer, fromFile, descr)
            XCTAssertEqual(fromBuffer.dimension, 2)
            XCTAssertEqual(fromBuffer.value(event: 2, feature: 1), 2.5)
        }
    }

    func testBadBuffersAreRefusedWithSampleFilesMessages() {
        func message(_ values: [Double], rows: Int, columns: Int, vector: Bool) -> String {
            do {
                _ = try values.withUnsafeBytes {
                    try SampleBuffer.events($0.baseAddress, type: .float64, rows: rows, columns: columns, vector: vector, label: "data")
                }
                return "no error"
            } catch { return "\(error)" }
        }
        XCTAssertEqual(message([1, .nan], rows: 2, columns: 1, vector: true), "data: entry [1] is NaN: remove or fix the event")
        XCTAssertEqual(message([1, 2, .infinity, 4], rows: 2, columns: 2, vector: false),
                       "data: entry [1, 0] is infinite: remove or fix the event")
        XCTAssertEqual(message([1e39], rows: 1, columns: 1, vector: true),
                       "data: entry [0] = 1e+39 is outside the float32 range the fits use")
        XCTAssertEqual(message([], rows: 0, columns: 1, vector: true),
                       "data: holds no events (shape (0,)): a sample needs at least one event")
        XCTAssertEqual(message([], rows: 3, columns: 0, vector: false),
                       "data: has shape (3, 0): give an array of shape (N,) or (N, d) with d ≥ 1")
    }

    func testWeightsAreCheckedAsWeightFiles() throws {
        let weights: [Double] = [0.5, 0.25, 0.25]
        let read = try weights.withUnsafeBytes {
            try SampleBuffer.weights($0.baseAddress, type: .float64, rows: 3, columns: 1, vector: true, label: "reference_weights",
                                     count: 3, sampleLabel: "reference")
        }
        XCTAssertEqual(read, weights)
        XCTAssertThrowsError(try weights.withUnsafeBytes {
            try SampleBuffer.weights($0.baseAddress, type: .float64, rows: 3, columns: 1, vector: true, label: "reference_weights",
                                     count: 4, sampleLabel: "reference")
        }) { error in
            XCTAssertEqual("\(error)", "reference_weights: holds 3 weights for the 4 events of reference: give one weight per event")
        }
    }
}
