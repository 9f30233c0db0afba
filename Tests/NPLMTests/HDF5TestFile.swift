import CHDF5
import Foundation

/// Writes HDF5 fixtures with the HDF5 C library, the way h5py writes datasets: groups created on
/// the way, optionally chunked and gzip-compressed, float32 or float64 (or int32 for the errors).
enum HDF5TestFile {
    enum Element { case float64, float32, float64BigEndian, int32 }

    struct Dataset {
        var name: String
        var values: [Double]
        var shape: [Int]
        var element: Element = .float64
        var gzip = false
    }

    /// Creates (or replaces) the file at `path` holding `datasets`; `groups` adds empty groups.
    static func write(_ path: String, _ datasets: [Dataset], groups: [String] = []) throws {
        nplm_h5_quiet()
        let file = H5Fcreate(path, nplm_h5f_acc_trunc(), nplm_h5_default(), nplm_h5_default())
        guard file >= 0 else { throw NSError(domain: "HDF5TestFile", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot create \(path)"]) }
        defer { H5Fclose(file) }
        let links = H5Pcreate(nplm_h5p_link_create())
        defer { H5Pclose(links) }
        H5Pset_create_intermediate_group(links, 1)
        for group in groups {
            let id = H5Gcreate2(file, group, links, nplm_h5_default(), nplm_h5_default())
            guard id >= 0 else { throw NSError(domain: "HDF5TestFile", code: 2) }
            H5Gclose(id)
        }
        for dataset in datasets {
            var dims = dataset.shape.map { hsize_t($0) }
            let space = H5Screate_simple(Int32(dims.count), &dims, nil)
            defer { H5Sclose(space) }
            let properties = H5Pcreate(nplm_h5p_dataset_create())
            defer { H5Pclose(properties) }
            if dataset.gzip {
                // h5py's chunks: a few rows at a time, so that the file really has several chunks.
                var chunk = dims.map { max(1, min($0, 7)) }
                H5Pset_chunk(properties, Int32(chunk.count), &chunk)
                H5Pset_deflate(properties, 4)
            }
            let fileType: hid_t
            switch dataset.element {
            case .float64: fileType = nplm_h5t_ieee_f64le()
            case .float32: fileType = nplm_h5t_ieee_f32le()
            case .float64BigEndian: fileType = nplm_h5t_ieee_f64be()
            case .int32: fileType = nplm_h5t_std_i32le()
            }
            let id = H5Dcreate2(file, dataset.name, fileType, space, links, properties, nplm_h5_default())
            guard id >= 0 else { throw NSError(domain: "HDF5TestFile", code: 3, userInfo: [NSLocalizedDescriptionKey: "cannot create \(dataset.name)"]) }
            defer { H5Dclose(id) }
            guard !dataset.values.isEmpty else { continue }
            // Written from doubles; the library converts to the file's type.
            let status = dataset.values.withUnsafeBytes {
                H5Dwrite(id, nplm_h5t_native_double(), nplm_h5s_all(), nplm_h5s_all(), nplm_h5_default(), $0.baseAddress)
            }
            guard status >= 0 else { throw NSError(domain: "HDF5TestFile", code: 4) }
        }
    }
}
