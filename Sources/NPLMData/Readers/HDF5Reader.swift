import CHDF5
import Foundation
import NPLMCore

/// Reads one dataset of an HDF5 file (as h5py and the reference NPLM packages write them) through
/// the HDF5 C library: float32 or float64, shape (N,) or (N, d), any layout and filter the library
/// can decode (contiguous, chunked, gzip-compressed). A dataset is named by its path inside the
/// file after a colon: `sample.h5:/events/reference`.
///
/// Every failure becomes one line naming the file and the dataset (the caller's label) and what to
/// do; HDF5's own error-stack printing is switched off.
public enum HDF5Reader {
    /// File name endings taken as HDF5.
    public static let extensions = ["h5", "hdf5", "he5", "hdf"]

    /// "file.h5:/group/name" → ("file.h5", "/group/name"); "file.h5" → ("file.h5", nil); nil when
    /// `path` does not name an HDF5 file by its extension.
    public static func split(_ path: String) -> (file: String, dataset: String?)? {
        let lower = path.lowercased()
        for ext in extensions {
            if lower.hasSuffix("." + ext) { return (path, nil) }
        }
        // The first ".h5:" (or other extension) that ends a file name splits the path.
        var best: String.Index?
        for ext in extensions {
            if let range = lower.range(of: "." + ext + ":"), best.map({ range.upperBound < $0 }) ?? true {
                best = range.upperBound
            }
        }
        guard let colonEnd = best else { return nil }
        let offset = lower.distance(from: lower.startIndex, to: colonEnd)
        let splitIndex = path.index(path.startIndex, offsetBy: offset)
        let file = String(path[..<path.index(before: splitIndex)])
        var dataset = String(path[splitIndex...])
        if !dataset.hasPrefix("/") { dataset = "/" + dataset }
        return (file, dataset)
    }

    /// The serial HDF5 library is not thread-safe: one call at a time.
    static let lock = NSLock()

    /// The dataset `dataset` of the HDF5 file `file`; errors name them as `label`.
    public static func read(file: String, dataset: String, label: ErrorText) throws -> NumericTable {
        lock.lock()
        defer { lock.unlock() }
        nplm_h5_quiet()
        func fail(_ message: ErrorText) -> NPLMError { .invalidInput(file: label, message) }

        guard access(file, R_OK) == 0 else {
            throw fail("cannot be read (\(String(cString: strerror(errno)))): check the file's permissions")
        }
        guard isHDF5(file) else {
            throw fail("is not an HDF5 file (no HDF5 signature); write it with h5py or the HDF5 library")
        }
        let fileID = H5Fopen(file, nplm_h5f_acc_rdonly(), nplm_h5_default())
        guard fileID >= 0 else {
            if isLockedByWriter(file) {
                throw fail("is being written by another program (it holds the HDF5 file lock): wait until that program closes the file, or read a copy")
            }
            throw fail("the HDF5 file cannot be opened (damaged or incomplete: was it closed by the program that wrote it?)")
        }
        defer { H5Fclose(fileID) }

        try checkPath(fileID, dataset: dataset, fail: fail)
        let datasetID = H5Dopen2(fileID, dataset, nplm_h5_default())
        guard datasetID >= 0 else {
            let group = H5Gopen2(fileID, dataset, nplm_h5_default())
            if group >= 0 {
                let members = memberNames(group)
                H5Gclose(group)
                throw fail("\(dataset) is a group, not a dataset: name one of its members (\(describe(members, under: dataset)))")
            }
            throw fail("\(dataset) is not a dataset")
        }
        defer { H5Dclose(datasetID) }

        let typeID = H5Dget_type(datasetID)
        guard typeID >= 0 else { throw fail("the type of dataset \(dataset) cannot be read") }
        defer { H5Tclose(typeID) }
        let typeClass = H5Tget_class(typeID)
        let size = H5Tget_size(typeID)
        guard typeClass == H5T_FLOAT, size == 4 || size == 8 else {
            let what: String
            switch typeClass {
            case H5T_INTEGER: what = "integers"
            case H5T_FLOAT: what = "\(8 * size)-bit floats"
            case H5T_STRING: what = "strings"
            case H5T_COMPOUND: what = "a compound type (a record array)"
            default: what = "a type that is not float32 or float64"
            }
            throw fail("dataset \(dataset) holds \(what); nplm reads float32 or float64: write it with h5py as f.create_dataset(name, data=a.astype('f8'))")
        }

        let spaceID = H5Dget_space(datasetID)
        guard spaceID >= 0 else { throw fail("the shape of dataset \(dataset) cannot be read") }
        defer { H5Sclose(spaceID) }
        let rank = Int(H5Sget_simple_extent_ndims(spaceID))
        guard rank >= 0 else { throw fail("the shape of dataset \(dataset) cannot be read") }
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        if rank > 0 { _ = H5Sget_simple_extent_dims(spaceID, &dims, nil) }
        let shape = rank == 0 ? [] : dims.map { Int($0) }
        let shapeText = rank == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        guard rank == 1 || rank == 2 else {
            throw fail("dataset \(dataset) has shape \(shapeText) (rank \(rank)); nplm needs shape (N,) or (N, d): one row per event")
        }
        if rank == 2 && shape[1] == 0 {
            throw fail("dataset \(dataset) has shape \(shapeText): events with no features")
        }
        var count = 1
        for n in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow, product <= 1 << 34 else { throw fail("dataset \(dataset) of shape \(shapeText) is too large to read") }
            count = product
        }
        // A file of a few bytes can declare any shape: the storage it holds must back the shape
        // (unwritten data would read as zeros), and the values must fit in memory (as doubles,
        // then the float32 events: 12 bytes a value).
        let storage = Double(H5Dget_storage_size(datasetID))
        if count > 0 {
            guard storage > 0 else {
                throw fail("dataset \(dataset) declares shape \(shapeText) but holds no data (it was never written): the file is incomplete")
            }
            if isContiguous(datasetID), storage < Double(count) * Double(size) {
                throw fail("dataset \(dataset) holds \(Int(storage)) bytes but shape \(shapeText) of \(8 * size)-bit floats needs \(count * size): the file is truncated or damaged")
            }
        }
        try MemoryLimit.check(12 * Double(count), for: "dataset \(dataset) of shape \(shapeText)", label: label,
                              advice: "read a slice of it into a smaller dataset")
        var values = [Double](repeating: 0, count: count)
        if count > 0 {
            // The library converts float32 and either byte order to native doubles while reading,
            // and decodes chunked and gzip-compressed layouts itself.
            let status = values.withUnsafeMutableBytes { raw in
                H5Dread(datasetID, nplm_h5t_native_double(), nplm_h5s_all(), nplm_h5s_all(), nplm_h5_default(), raw.baseAddress)
            }
            guard status >= 0 else {
                throw fail("dataset \(dataset) cannot be read (damaged data, or a compression filter this HDF5 library lacks; gzip works)")
            }
        }
        let rows = shape[0]
        let columns = rank == 2 ? shape[1] : 1
        return NumericTable(rows: rows, columns: columns, values: values, source: .hdf5(vector: rank == 1))
    }

    /// Whether the file at `path` carries the HDF5 signature (whatever its name).
    public static func isHDF5(_ path: String) -> Bool {
        nplm_h5_quiet()
        return H5Fis_hdf5(path) > 0
    }

    /// Whether another process holds an exclusive lock on the file (HDF5 writers take one with
    /// flock(2) while the file is open for writing).
    private static func isLockedByWriter(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }

    /// Whether the dataset is stored in one contiguous block (whose size must then equal the data's).
    private static func isContiguous(_ datasetID: hid_t) -> Bool {
        let plist = H5Dget_create_plist(datasetID)
        guard plist >= 0 else { return false }
        defer { H5Pclose(plist) }
        return H5Pget_layout(plist) == H5D_CONTIGUOUS
    }

    /// Checks every component of `dataset` from the root, so that a missing one is named with the
    /// members of the group above it.
    private static func checkPath(_ fileID: hid_t, dataset: String, fail: (ErrorText) -> NPLMError) throws {
        let components = dataset.split(separator: "/").map(String.init)
        guard !components.isEmpty else {
            let root = H5Gopen2(fileID, "/", nplm_h5_default())
            let members = root >= 0 ? memberNames(root) : []
            if root >= 0 { H5Gclose(root) }
            throw fail("names the root group, not a dataset: give file.h5:/name (\(describe(members, under: "/")))")
        }
        var prefix = ""
        for component in components {
            let parent = prefix.isEmpty ? "/" : prefix
            prefix += "/" + component
            guard H5Lexists(fileID, prefix, nplm_h5_default()) > 0 else {
                let group = H5Gopen2(fileID, parent, nplm_h5_default())
                guard group >= 0 else { throw fail("\(parent) is a dataset, not a group, so \(dataset) does not exist") }
                let members = memberNames(group)
                H5Gclose(group)
                throw fail("no dataset \(dataset) in the file (\(describe(members, under: parent)))")
            }
        }
    }

    /// The names of the links in a group, in the library's name order.
    static func memberNames(_ group: hid_t) -> [String] {
        var info = H5G_info_t()
        guard H5Gget_info(group, &info) >= 0 else { return [] }
        var names: [String] = []
        for k in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, k, nil, 0, nplm_h5_default())
            guard length >= 0 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            _ = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, k, &buffer, Int(length) + 1, nplm_h5_default())
            names.append(String(cString: buffer))
        }
        return names
    }

    private static func describe(_ members: [String], under group: String) -> String {
        if members.isEmpty { return "\(group) is empty" }
        let base = group.hasSuffix("/") ? group : group + "/"
        let shown = members.prefix(8).map { base + $0 }
        return "\(group) holds " + shown.joined(separator: ", ") + (members.count > 8 ? ", … (\(members.count) in all)" : "")
    }
}
