import Foundation
import NPLMCore

/// How the kernels are laid out on one device: chosen from the device type and limits (or forced
/// with `NPLM_OPENCL_LAYOUT`), passed to the compiler as build options.
///
/// - CPU devices (PoCL): one work-item per work-group walking its chunk 16 consecutive events at
///   a time in explicit `float16` vectors — PoCL does not vectorise across work-items a kernel with
///   inner loops, and explicit vectors were ≈ 9× faster there (OPENCL_NOTES.md).
/// - GPUs: one event per work-item (coalesced loads), `WG` work-items per group.
///
/// A fit's chunks (and so its sums, bit for bit) depend only on its event counts and the variant.
public struct OpenCLVariant: Sendable, Equatable, CustomStringConvertible {
    /// Events per work-item per step (VW).
    public var vectorWidth: Int
    /// Work-items per work-group (WG), a power of two.
    public var workGroupSize: Int
    /// Events per chunk: a multiple of VW·WG. Each chunk's sum is float32 per lane before the
    /// double (or compensated) stage, so a lane adds at most chunkEvents / (VW·WG) events.
    public var chunkEvents: Int
    /// Partial sums and Adam in double (cl_khr_fp64); else compensated float pairs, Adam on the host.
    public var useFP64: Bool

    public init(vectorWidth: Int, workGroupSize: Int, chunkEvents: Int, useFP64: Bool) {
        precondition([1, 2, 4, 8, 16].contains(vectorWidth), "VW must be 1, 2, 4, 8 or 16")
        precondition(workGroupSize >= 1 && workGroupSize & (workGroupSize - 1) == 0, "WG must be a power of two")
        precondition(chunkEvents >= vectorWidth * workGroupSize && chunkEvents % (vectorWidth * workGroupSize) == 0)
        self.vectorWidth = vectorWidth
        self.workGroupSize = workGroupSize
        self.chunkEvents = chunkEvents
        self.useFP64 = useFP64
    }

    /// The two layouts of the kernels.
    public enum Layout: String, Sendable, CaseIterable {
        /// Explicit float16 vectors over consecutive events, one work-item per work-group (PoCL on a CPU).
        case cpu
        /// One event per work-item, work-groups with local-memory tree reductions (GPUs).
        case gpu
    }

    /// The environment variable that forces a layout on every device, whatever its type: `gpu`
    /// (the GPU layout, e.g. to run it on PoCL or on the Oclgrind simulator), `gpu:WG` (with at
    /// most WG work-items per group, a power of two), `cpu`, or `cpu:VW` / `cpu:VW:CHUNK` (the CPU
    /// layout with floatVW vectors and CHUNK events per chunk, for tuning). Unset or empty: the
    /// device type's.
    public static let layoutVariable = "NPLM_OPENCL_LAYOUT"

    /// The variant for `device`: the layout of its type (`cpu` for CPU devices, `gpu` for the
    /// others), unless `NPLM_OPENCL_LAYOUT` in `environment` forces one.
    /// - Throws: `NPLMError.invalidArgument` naming the variable when its value is not understood.
    public static func choose(for device: OpenCLDevice,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> OpenCLVariant {
        guard let value = environment[layoutVariable]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return device.kind == .cpu ? cpuLayout(for: device) : gpuLayout(for: device)
        }
        let parts = value.lowercased().split(separator: ":", omittingEmptySubsequences: false)
        switch (parts.first.map(String.init), parts.count) {
        case ("cpu", 1):
            return cpuLayout(for: device)
        case ("cpu", 2), ("cpu", 3):
            // cpu:VW or cpu:VW:CHUNK, for tuning on a new device
            let width = Int(parts[1]) ?? 0, chunk = parts.count == 3 ? Int(parts[2]) ?? 0 : cpuLayout(for: device).chunkEvents
            if [2, 4, 8, 16].contains(width), chunk >= width, chunk % width == 0 {
                return OpenCLVariant(vectorWidth: width, workGroupSize: 1, chunkEvents: chunk, useFP64: device.fp64)
            }
        case ("gpu", 1):
            return gpuLayout(for: device)
        case ("gpu", 2):
            if let limit = Int(parts[1]), limit >= 1, limit & (limit - 1) == 0 {
                return gpuLayout(for: device, workGroupLimit: limit)
            }
        default:
            break
        }
        throw NPLMError.invalidArgument("\(layoutVariable)=\(value): expected gpu, gpu:WG (WG a power of two, the largest work-group), cpu or cpu:VW[:CHUNK] (VW 2, 4, 8 or 16; CHUNK a multiple of VW); unset it for the device type's layout")
    }

    /// The CPU layout on `device`.
    public static func cpuLayout(for device: OpenCLDevice) -> OpenCLVariant {
        // float16: one AVX-512 register, or two independent AVX2 halves whose dependency
        // chains (exp, division) overlap — 3.8e8 against 3.0e8 point-epochs/s for float8 on
        // the 2-core AVX2 machine, idle, T = 64.
        OpenCLVariant(vectorWidth: 16, workGroupSize: 1, chunkEvents: 4096, useFP64: device.fp64)
    }

    /// The GPU layout on `device`: work-groups of the largest power of two the device allows, at
    /// most `workGroupLimit`, and chunks of 16 events per work-item.
    public static func gpuLayout(for device: OpenCLDevice, workGroupLimit: Int = 256) -> OpenCLVariant {
        var group = 1
        while group * 2 <= min(device.maxWorkGroupSize, device.maxWorkItemSizes.first ?? 1, workGroupLimit) { group *= 2 }
        return OpenCLVariant(vectorWidth: 1, workGroupSize: group, chunkEvents: group * 16, useFP64: device.fp64)
    }

    /// The layout this variant has: `gpu` for one event per work-item.
    public var layout: Layout { vectorWidth == 1 ? .gpu : .cpu }

    /// The compiler options of this variant. `-w`: PoCL's clang prints its warning count to
    /// standard error by itself; errors still go to the build log. The CPU layout computes e^x with
    /// the C engine's polynomial (POLY_EXP, Kernels/common.cl): on PoCL on the 2-core AVX2 machine,
    /// 5-D, T = 16, 3.1e7 → 3.8e7 point-epochs per CPU-second (medians of 3, back to back).
    var buildOptions: String {
        "-w -D VW=\(vectorWidth) -D WG=\(workGroupSize) -D USE_FP64=\(useFP64 ? 1 : 0) -D POLY_EXP=\(layout == .cpu ? 1 : 0)"
    }

    public var description: String {
        "VW=\(vectorWidth) WG=\(workGroupSize) chunk=\(chunkEvents) \(useFP64 ? "fp64" : "compensated-fp32")"
    }
}

extension Architecture {
    /// The OpenCL C definitions of this architecture the kernels expand (see the banner of Kernels/common.cl):
    /// NLAYER, NPARAM, NUNITS, NINPUT, and FORWARD_LAYERS / BACKWARD_LAYERS as lists of
    /// FWD/BWD(n_in, n_out, parameter offset, unit offset, last/first).
    var openCLHeader: String {
        var forward: [String] = [], backward: [String] = []
        var unit = 0
        for l in 0..<layerCount {
            let nIn = layers[l], nOut = layers[l + 1]
            forward.append("FWD(\(nIn), \(nOut), \(weightOffset(layer: l)), \(unit), \(l == layerCount - 1 ? 1 : 0))")
            backward.insert("BWD(\(nIn), \(nOut), \(weightOffset(layer: l)), \(unit), \(l == 0 ? 1 : 0))", at: 0)
            unit += nIn
        }
        return """
        // Architecture \(layers)
        #define NLAYER \(layerCount)
        #define NPARAM \(parameterCount)
        #define NUNITS \(layers.reduce(0, +))
        #define NINPUT \(inputDimension)
        #define FORWARD_LAYERS \(forward.joined(separator: " "))
        #define BACKWARD_LAYERS \(backward.joined(separator: " "))

        """
    }
}
