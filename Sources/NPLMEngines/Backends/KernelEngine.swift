import CFastLoss
import Foundation
import NPLMCore

/// The engine of the kernel model: the Gaussian kernel products K_nM·v, K_nMᵀ·w of its fits and
/// the M × M algebra, on the reference (plain Double loops and algebra), the fast CPU engine
/// (vectorised products on a worker pool, OpenBLAS) or an OpenCL device (every fit of a batch in
/// one launch per product, OpenBLAS on the host). Built by `BackendFactory.kernelEngine`.
public final class KernelEngine {
    public let choice: EngineChoice
    /// The fast CPU engine's workers, shared by every width and fit (threads start once).
    let pool: FastCPUWorkerPool?
    let isa: nplm_isa

    /// On `choice`; for an OpenCL device and a known `dimension` the products' program is built
    /// now (and kept by the device's session), so that a device that cannot run it fails here.
    init(_ choice: EngineChoice, dimension: Int?) throws {
        self.choice = choice
        isa = nplm_best_isa()
        switch choice {
        case .reference, .opencl: pool = nil
        case .cpu(let threads, _, _): pool = try FastCPUWorkerPool(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        }
        if case .opencl(let device) = choice, let dimension {
            let variant = try OpenCLKernelVariant.choose(for: device, dimension: dimension)
            _ = try OpenCLSession.session(for: device)
                .program(source: try KernelSources.program(KernelSources.gaussianProgramFiles, header: ""),
                         options: variant.buildOptions(dimension: dimension))
        }
    }

    /// The OpenCL device, whose products batch every fit (nil for the host engines).
    public var device: OpenCLDevice? {
        if case .opencl(let device) = choice { return device }
        return nil
    }

    /// "reference", "cpu (AVX2, 2 threads)", "opencl: <device>".
    public var name: String {
        switch choice {
        case .reference: return "reference"
        case .cpu: return "cpu (\(String(cString: nplm_isa_name(isa))), \(pool?.threads ?? 0) threads)"
        case .opencl(let device): return "opencl: \(device.name)"
        }
    }

    /// The M × M algebra: plain loops for the reference, OpenBLAS/LAPACK for the others (the fits'
    /// matrices side by side on the fast CPU engine's threads, or on the host's cores for OpenCL).
    public var algebra: DenseAlgebra {
        if case .reference = choice { return ReferenceDenseAlgebra() }
        return BLASDenseAlgebra(workers: pool?.threads ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Refuses `precision` on a device that cannot compute it (float64 kernel values need the
    /// device's double precision, cl_khr_fp64).
    public func check(_ precision: KernelPrecision) throws {
        guard let device, precision == .float64, !device.fp64 else { return }
        throw NPLMError.invalidArgument("\(Parameter.backend) opencl: \(device.name) has no double precision (cl_khr_fp64), which the float64 kernel values of the kernel model need; use \(Parameter.backend) cpu or \(Parameter.kernelPrecision) float32")
    }

    /// The products of one fit (`events` against `centres` at `width`) on a host engine, with
    /// kernel values in `precision` (the reference computes them in Double whatever it is).
    public func products(events: EventSet, centres: EventSet, width: Double, precision: KernelPrecision = .float64) -> KernelProducts {
        switch choice {
        case .reference:
            return ReferenceKernelProducts(events: events, centres: centres, width: width)
        case .cpu:
            return FastKernelProducts(pool: pool!, events: events, centres: centres, width: width, precision: precision, isa: isa)
        case .opencl:
            preconditionFailure("the opencl engine batches its products: use products(reference:tests:)")
        }
    }

    /// The products of every test of a batch at every width (fit j·widths + w is test j at width w):
    /// one launch per product for all of them on OpenCL, one fit after the other on the host engines.
    public func products(reference: EventSet, tests: [OpenCLKernelProducts.Test],
                         precision: KernelPrecision = .float64) throws -> KernelProductBatch {
        guard let device else {
            return SerialKernelProducts(tests.flatMap { test in
                test.widths.map { products(events: reference.appending(test.data), centres: test.centres, width: $0, precision: precision) }
            })
        }
        try check(precision)
        return try OpenCLKernelProducts(reference: reference, tests: tests, device: device, precision: precision)
    }
}

extension BackendFactory {
    /// The kernel model's engine that `request` chooses, by the policy of the networks
    /// (`DevicePolicy`: `auto` is an OpenCL GPU when there is one, else the fast CPU engine).
    /// `dimension`: the features of the events, to build an OpenCL device's program now.
    public static func kernelEngine(_ request: BackendRequest, dimension: Int?,
                                    notice: (String) -> Void = { _ in }) throws -> KernelEngine {
        try DevicePolicy.build(request, notice: notice, name: \.name) { try KernelEngine($0, dimension: dimension) }
    }

    /// The kernel model's engine on an engine named directly (tests, `nplm bench`).
    public static func kernelEngine(_ choice: EngineChoice, dimension: Int? = nil,
                                    notice: (String) -> Void = { _ in }) throws -> KernelEngine {
        try DevicePolicy.build(choice, notice: notice, name: \.name) { try KernelEngine($0, dimension: dimension) }
    }
}
