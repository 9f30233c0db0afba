import Foundation
import NPLMCore

/// Writes events as a NumPy `.npy` file (format 1.0: little-endian float32, C order, shape (N,)
/// for one feature and (N, d) otherwise), the format `NumpyReader` and `numpy.load` read.
/// Written here because no SwiftPM package writes `.npy`; the format is a short header and the
/// raw values (numpy.lib.format, "The .npy format").
public enum NumpyWriter {
    /// About the bytes of `float32` for `events` events of `dimension` features (the header is
    /// 128 bytes for any shape nplm writes).
    public static func fileSize(events: Int, dimension: Int) -> Double { 128 + 4 * Double(events) * Double(dimension) }

    public static func float32(_ events: EventSet) -> Data {
        let shape = events.dimension == 1 ? "(\(events.count),)" : "(\(events.count), \(events.dimension))"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple
        // of 64 bytes and ended by a newline.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.append(contentsOf: littleEndianBytes(rowMajor(events)))
        return data
    }

    /// The features event by event (row-major, C order); `EventSet` stores them feature-major.
    static func rowMajor(_ events: EventSet) -> [Float] {
        var values = [Float](repeating: 0, count: events.features.count)
        for i in 0..<events.count {
            for k in 0..<events.dimension { values[i * events.dimension + k] = events.features[k * events.count + i] }
        }
        return values
    }

    /// The float32 values' little-endian bytes.
    static func littleEndianBytes(_ values: [Float]) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(4 * values.count)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        return bytes
    }
}
