import CHDF5
import Foundation
import NPLMCore

extension HDF5Reader {
    /// The datasets of the group `group` of the HDF5 file `file`, as paths inside the file
    /// ("/batches/b01"), in the HDF5 library's name order (byte order of the names: "b10" before
    /// "b2", so pad numbers: "b02"); nil when `group` is not a group of a readable HDF5 file (a
    /// dataset, or a name the reader then reports). Sub-groups and other links are not samples
    /// and are left out; a group without datasets is refused, naming `label`.
    public static func datasets(file: String, group: String, label: ErrorText) throws -> [String]? {
        lock.lock()
        defer { lock.unlock() }
        nplm_h5_quiet()
        guard access(file, R_OK) == 0, H5Fis_hdf5(file) > 0 else { return nil }
        let fileID = H5Fopen(file, nplm_h5f_acc_rdonly(), nplm_h5_default())
        guard fileID >= 0 else { return nil }
        defer { H5Fclose(fileID) }
        // Every component must exist before the group is opened (H5Gopen2 on a missing path fails
        // the same way as on a dataset).
        var prefix = ""
        for component in group.split(separator: "/") {
            prefix += "/" + component
            guard H5Lexists(fileID, prefix, nplm_h5_default()) > 0 else { return nil }
        }
        let groupID = H5Gopen2(fileID, group.isEmpty ? "/" : group, nplm_h5_default())
        guard groupID >= 0 else { return nil }
        defer { H5Gclose(groupID) }
        let base = group.hasSuffix("/") ? group : group + "/"
        let datasets = memberNames(groupID).filter { name in
            let datasetID = H5Dopen2(groupID, name, nplm_h5_default())
            guard datasetID >= 0 else { return false }
            H5Dclose(datasetID)
            return true
        }
        guard !datasets.isEmpty else {
            throw NPLMError.invalidInput(file: label, "the group \(group) holds no datasets: name a group whose datasets are the samples, or one dataset")
        }
        return datasets.map { base + $0 }
    }
}

extension SampleFile {
    /// The samples that `paths` name: each path itself, except an HDF5 group (`file.h5:/group`),
    /// which stands for its datasets (`file.h5:/group/name`, in the order of
    /// `HDF5Reader.datasets`). Nothing is read but the group's member list.
    public static func samplePaths(_ paths: [String], parameter: Parameter) throws -> [String] {
        try paths.flatMap { path -> [String] in
            guard let (file, dataset) = HDF5Reader.split(path), let dataset,
                  let members = try HDF5Reader.datasets(file: file, group: dataset, label: label(parameter: parameter, path: path))
            else { return [path] }
            return members.map { file + ":" + $0 }
        }
    }
}
