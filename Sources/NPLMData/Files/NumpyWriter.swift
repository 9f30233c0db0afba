import Foundation
import NPLMCore

/// Writes events as a NumPy `.npy` file (format 1.0: little-endian float32, C order, shape (N,)
/// for one feature and (N, d) otherwise), the format `NumpyReader` and `numpy.load` read.
/// Written here because no SwiftPM package writes `.npy`; the format is a short header and the
/// raw values (numpy.lib.format, "The .npy format").
public enum NumpyWriter {
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
        // EventSet stores the features feature-major; .npy in C order is row-major.
        var values = [UInt32](repeating: 0, count: events.features.count)
        for i in 0..<events.count {
            for k in 0..<events.dimension { values[i * events.dimension + k] = events.features[k * events.count + i].bitPattern.littleEndian }
        }
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }
}
