import Foundation

/// Where the OpenCL kernel sources come from: the folder named by `NPLM_KERNELS` when set (files
/// found there win, so kernels can be edited without rebuilding), else the copies of `Kernels/*.cl`
/// embedded at build time by the KernelEmbedder plugin (`Kernels/*.cl` and the `Kernels/*.h` they
/// share with the C engine).
public enum KernelSources {
    /// The environment variable naming a folder of `.cl` files checked before the embedded ones.
    public static let environmentVariable = "NPLM_KERNELS"

    /// The files of the training program (loss_gradient, combine, adam_step), in the order they are
    /// concatenated: loss.cl uses the formulas of loss_terms.h, the header shared with the C engine.
    static let lossProgramFiles = ["common.cl", "loss_terms.h", "loss.cl", "adam.cl"]

    /// The files of the program of `forward` (f at given events), built only when asked for.
    static let forwardProgramFiles = ["common.cl", "forward.cl"]

    /// The files of the kernel model's program (gaussian_apply, gaussian_transpose, gaussian_curvature, gaussian_combine).
    static let gaussianProgramFiles = ["common.cl", "gaussian_products.cl"]

    /// The text of kernel file `name` ("loss.cl", "loss_terms.h").
    public static func text(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let folder = environment[environmentVariable], !folder.isEmpty {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw OpenCLError(call: "kernel sources", status: 0,
                                  detail: "\(environmentVariable)=\(folder) is not a folder; point it at a folder of .cl files or unset it")
            }
            let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path) {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw OpenCLError(call: "kernel sources", status: 0, detail: "cannot read \(path) as UTF-8 text")
                }
                return text
            }
        }
        guard let text = EmbeddedKernels.sources[name] else {
            throw OpenCLError(call: "kernel sources", status: 0, detail: "no kernel file \(name) was embedded in this build")
        }
        return text
    }

    /// The program source: `header` then `files`, each introduced by a #line marker so that build
    /// logs name the file.
    static func program(_ files: [String], header: String) throws -> String {
        var source = header
        for name in files {
            source += "\n#line 1 \"\(name)\"\n" + (try text(name))
        }
        return source
    }
}
