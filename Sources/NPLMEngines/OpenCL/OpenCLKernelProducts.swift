import Foundation
import NPLMCore

/// How the Gaussian-product kernels of the kernel model (Kernels/gaussian_products.cl) are laid out
/// on one device, passed to the compiler as build options. The layout follows the network
/// kernels' choice for the device (`OpenCLVariant.choose`, which `NPLM_OPENCL_LAYOUT` can force):
///
/// - CPU devices (PoCL): one work-item per work-group with 16 consecutive events (K·v) or centres
///   (Kᵀ·w) in explicit `float16` vectors, as the network kernels (PoCL does not vectorise across
///   work-items a kernel with inner loops).
/// - GPUs: one event (K·v) or one centre (Kᵀ·w) per work-item, `WG` per group, the other side
///   staged through local memory `TILE` at a time by consecutive work-items (coalesced).
public struct OpenCLKernelVariant: Sendable, Equatable, CustomStringConvertible {
    /// Events or centres per work-item (VW).
    public var vectorWidth: Int
    /// Work-items per work-group (WG), a power of two.
    public var workGroupSize: Int
    /// Centres (K·v) or events (Kᵀ·w) per local-memory tile (TILE).
    public var tile: Int
    /// Events per partial sum of Kᵀ·w (CHUNK), a multiple of `tile`.
    public var chunk: Int
    /// Products and sums in double (cl_khr_fp64); else float products in compensated float sums.
    public var useFP64: Bool
    /// Kernel values in double (KERNEL_FP64: squared distances, γ and exp in double), as
    /// `KernelPrecision.float64` needs; needs `useFP64`. Else float kernel values.
    public var doubleKernelValues: Bool
    /// The one-pass Newton product (gaussian_curvature): work-items sharing one event's centres
    /// (CPARTS) and events per work-item and step (EPI), so that a step holds
    /// `step` = EPI · WG / CPARTS events.
    public var centreParts: Int
    public var eventsPerItem: Int

    /// By default `centreParts` and `eventsPerItem` are 1 and 16 on CPU layouts (one work-item
    /// holds every centre for 16 events a step, as a thread of the fast CPU engine) and WG / 32 and
    /// 1 on GPUs (one event per work-item, 32 events a step).
    public init(vectorWidth: Int, workGroupSize: Int, tile: Int, chunk: Int, useFP64: Bool, doubleKernelValues: Bool = false,
                centreParts: Int? = nil, eventsPerItem: Int? = nil) {
        precondition([1, 2, 4, 8, 16].contains(vectorWidth), "VW must be 1, 2, 4, 8 or 16")
        precondition(workGroupSize >= 1 && workGroupSize & (workGroupSize - 1) == 0, "WG must be a power of two")
        precondition(tile >= 1 && chunk >= tile && chunk % tile == 0, "CHUNK must be a multiple of TILE")
        precondition(useFP64 || !doubleKernelValues, "double kernel values need double products (USE_FP64)")
        let parts = centreParts ?? (vectorWidth == 1 ? max(1, workGroupSize / 32) : 1)
        precondition(parts >= 1 && workGroupSize % parts == 0, "CPARTS must divide WG")
        self.vectorWidth = vectorWidth
        self.workGroupSize = workGroupSize
        self.tile = tile
        self.chunk = chunk
        self.useFP64 = useFP64
        self.doubleKernelValues = doubleKernelValues
        self.centreParts = parts
        self.eventsPerItem = eventsPerItem ?? (vectorWidth == 1 ? 1 : 16)
        precondition(self.eventsPerItem >= 1, "EPI must be positive")
    }

    /// Events per step of the one-pass Newton product: EPI · WG / CPARTS.
    public var step: Int { eventsPerItem * workGroupSize / centreParts }

    /// The variant for `device`, events of `dimension` features and kernel values of `precision`.
    /// float64 kernel values need a device with cl_khr_fp64: without it this throws.
    public static func choose(for device: OpenCLDevice, dimension: Int, precision: KernelPrecision = .float64,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> OpenCLKernelVariant {
        let double = precision == .float64
        guard device.fp64 || !double else {
            throw OpenCLError(call: "kernel model", status: 0,
                              detail: "\(device.name) has no double precision (cl_khr_fp64), which the float64 kernel values of the kernel model need; use \(Parameter.backend) cpu or \(Parameter.kernelPrecision) float32")
        }
        let network = try OpenCLVariant.choose(for: device, environment: environment)
        switch network.layout {
        case .cpu:
            // 64 centres per tile: 16 events × 64 centres of work per local-memory refill.
            return OpenCLKernelVariant(vectorWidth: 16, workGroupSize: 1, tile: 64, chunk: 4096, useFP64: device.fp64,
                                       doubleKernelValues: double)
        case .gpu:
            // A tile of one entry per work-item, halved until it takes at most half the local memory.
            let entryBytes = 4 * dimension + (device.fp64 ? 8 : 4)
            var tile = network.workGroupSize
            while tile > 1 && tile * entryBytes > Int(device.localMemory) / 2 { tile /= 2 }
            return OpenCLKernelVariant(vectorWidth: 1, workGroupSize: network.workGroupSize, tile: tile,
                                       chunk: tile * max(1, 1024 / tile), useFP64: device.fp64, doubleKernelValues: double)
        }
    }

    func buildOptions(dimension: Int) -> String {
        "-w -D VW=\(vectorWidth) -D WG=\(workGroupSize) -D TILE=\(tile) -D CHUNK=\(chunk) -D KDIM=\(dimension) -D USE_FP64=\(useFP64 ? 1 : 0) -D KERNEL_FP64=\(doubleKernelValues ? 1 : 0) -D CPARTS=\(centreParts) -D EPI=\(eventsPerItem)"
    }

    public var layout: OpenCLVariant.Layout { vectorWidth == 1 ? .gpu : .cpu }

    public var description: String {
        "VW=\(vectorWidth) WG=\(workGroupSize) tile=\(tile) chunk=\(chunk) cparts=\(centreParts) epi=\(eventsPerItem) \(doubleKernelValues ? "fp64 values, " : "")\(useFP64 ? "fp64" : "compensated-fp32")"
    }
}

/// The kernel products K_nM·v and K_nMᵀ·w of a batch of kernel-model fits on an OpenCL device
/// (Kernels/gaussian_products.cl): every test is one data sample against one shared reference
/// sample, with its own Nyström centres; every fit is one test at one width, and one launch
/// computes every fit still running. K_nM is computed on the fly, never stored; float64 kernel
/// values (or float32 ones for `KernelPrecision.float32`), double (or compensated float) products
/// and fixed-order sums, so two runs agree bit for bit and a fit's products do not depend on the
/// other fits of the batch.
///
/// The Newton matrix's product Kᵀ(d ∘ K·v), the conjugate gradient's every iteration, is one pass
/// over K_nM (gaussian_curvature), each kernel value computed once and kept for its second use in
/// a slab of STEP events × M; K·v and Kᵀ·w are a pass each.
///
/// Device memory: the reference once, each test's data and centres, and per fit three event
/// vectors (d, w, K·c), four centre vectors and ⌈n / CHUNK⌉ centre vectors of partial sums; the
/// slabs of the one-pass product, at most an eighth of the device's memory (fewer fits per launch
/// where they would take more). Per call the host uploads the listed fits' vectors and reads their
/// results (n or M values).
public final class OpenCLKernelProducts: KernelProductBatch {
    /// One test of the batch: its data (after the shared reference) and centres, and its widths.
    public struct Test {
        public var data: EventSet
        public var centres: EventSet
        public var widths: [Double]

        public init(data: EventSet, centres: EventSet, widths: [Double]) {
            self.data = data
            self.centres = centres
            self.widths = widths
        }
    }

    public let device: OpenCLDevice
    public let variant: OpenCLKernelVariant
    public let fitCount: Int
    let session: OpenCLSession
    var context: OpenCLContext { session.context }
    private let applyKernel, transposeKernel, combineKernel, curvatureKernel: OpenCLKernel
    private let layout: OpenCLKernelFitLayout
    private let sharedEvents, ownEvents, centres, descriptors, gamma, active: OpenCLBuffer
    private let v, d, w, u, partial, r: OpenCLBuffer
    /// The one-pass product's slabs: `slabFits` fits × `slabGroups` work-groups × `slabValues`.
    private let scratch: OpenCLBuffer
    private let slabGroups, slabValues, slabFits: Int

    /// Uploads the reference, every test's data and centres, and builds (or takes from the
    /// device's session) the program.
    /// - Parameters:
    ///   - reference: the reference sample, shared by every test.
    ///   - tests: every test's data and centres.
    ///   - device: the OpenCL device.
    ///   - precision: the kernel values' precision (float64 needs cl_khr_fp64).
    ///   - variant: by default `OpenCLKernelVariant.choose(for:dimension:precision:)`.
    public init(reference: EventSet, tests: [Test], device: OpenCLDevice, precision: KernelPrecision = .float64,
                variant: OpenCLKernelVariant? = nil) throws {
        let dimension = reference.dimension
        precondition(tests.allSatisfy { $0.data.dimension == dimension && $0.centres.dimension == dimension })
        let variant = try variant ?? OpenCLKernelVariant.choose(for: device, dimension: dimension, precision: precision)
        precondition(!variant.useFP64 || device.fp64, "an fp64 variant needs a device with cl_khr_fp64")
        self.device = device
        self.variant = variant
        session = try OpenCLSession.session(for: device)
        let context = session.context
        let program = try session.program(source: try KernelSources.program(KernelSources.gaussianProgramFiles, header: ""),
                                          options: variant.buildOptions(dimension: dimension))
        applyKernel = try program.kernel(GaussianApplyArguments.kernelName)
        transposeKernel = try program.kernel(GaussianTransposeArguments.kernelName)
        combineKernel = try program.kernel(GaussianCombineArguments.kernelName)
        curvatureKernel = try program.kernel(GaussianCurvatureArguments.kernelName)
        layout = try OpenCLKernelFitLayout(referenceCount: reference.count, dimension: dimension, tests: tests, variant: variant)
        fitCount = layout.fits.count

        sharedEvents = try context.buffer(OpenCLKernelFitLayout.padded(reference, stride: layout.sharedStride), label: "reference events")
        ownEvents = try context.buffer(layout.ownEvents, label: "data events")
        centres = try context.buffer(layout.centres, label: "centres")
        descriptors = try context.buffer(layout.descriptors, label: "fit descriptors")
        let gammas = layout.fits.map { GaussianKernel.gamma(width: $0.width) }
        gamma = variant.doubleKernelValues ? try context.buffer(gammas, label: "kernel γ")
                                           : try context.buffer(gammas.map { Float($0) }, label: "kernel γ")
        active = try context.buffer(Int32.self, count: fitCount, label: "active fits")
        let value = variant.useFP64 ? 8 : 4
        v = try context.buffer(UInt8.self, count: layout.centreValues * value, label: "centre vectors")
        d = try context.buffer(UInt8.self, count: layout.eventValues * value, label: "curvature weights")
        w = try context.buffer(UInt8.self, count: layout.eventValues * value, label: "event vectors")
        u = try context.buffer(UInt8.self, count: layout.eventValues * value, label: "K·c")
        partial = try context.buffer(UInt8.self, count: layout.partialValues * 8, label: "partial sums")
        r = try context.buffer(UInt8.self, count: layout.centreValues * 8, label: "Kᵀ·w")
        // Slabs: a work-group per chunk up to 8 per compute unit (groups take chunks in turn beyond;
        // the sums do not depend on how many), within an eighth of the device memory, and as many
        // fits per launch as that holds (at least one).
        slabValues = variant.step * (layout.fits.map(\.centreStride).max() ?? 1)
        let groupBytes = slabValues * (variant.doubleKernelValues ? 8 : 4)
        let budget = Int(min(device.maxAllocation, device.globalMemory / 8))
        guard groupBytes <= budget else {
            throw NPLMError.invalidArgument("the kernel model's one-pass product needs \(groupBytes) bytes of \(device.name)'s memory per work-group, more than an eighth of it: use fewer \(Parameter.centres)")
        }
        let chunks = layout.fits.map(\.chunks).max() ?? 1
        slabGroups = max(1, min(chunks, 8 * device.computeUnits, budget / groupBytes))
        slabFits = max(1, min(fitCount, budget / (slabGroups * groupBytes)))
        scratch = try context.buffer(UInt8.self, count: slabFits * slabGroups * groupBytes, label: "curvature slabs")
    }

    // MARK: - Products

    public func evaluate(_ c: [[Double]], fits: [Int]) throws -> [[Double]] {
        guard !fits.isEmpty else { return [] }
        try setActive(fits)
        try uploadCentreVectors(c, fits: fits)
        try enqueueApply(fits: fits, out: u)
        return try fits.map { try readEventVector(u, fit: $0) }
    }

    public func transposed(_ w: [[Double]], fits: [Int]) throws -> [[Double]] {
        guard !fits.isEmpty else { return [] }
        try setActive(fits)
        try uploadEventVectors(w, fits: fits, to: self.w)
        try enqueueTranspose(fits: fits)
        return try fits.map { try readCentreSums(fit: $0) }
    }

    public func curvature(_ v: [[Double]], weights d: [[Double]], fits: [Int]) throws -> [[Double]] {
        guard !fits.isEmpty else { return [] }
        try uploadCentreVectors(v, fits: fits)
        try uploadEventVectors(d, fits: fits, to: self.d)
        for start in stride(from: 0, to: fits.count, by: slabFits) {
            let slice = Array(fits[start..<min(start + slabFits, fits.count)])
            try setActive(slice)
            try curvatureKernel.bind(GaussianCurvatureArguments(
                sharedEvents: sharedEvents, sharedStride: Int32(layout.sharedStride), ownEvents: ownEvents, centres: centres,
                fits: descriptors, gamma: gamma, active: active, v: self.v, d: self.d, groups: Int32(slabGroups),
                slabValues: Int32(slabValues), scratch: scratch, partial: partial))
            let group = variant.workGroupSize
            try curvatureKernel.enqueue(on: context, global: [group, slabGroups, slice.count], local: [group, 1, 1])
        }
        try setActive(fits)
        try enqueueCombine(fits: fits)
        return try fits.map { try readCentreSums(fit: $0) }
    }

    // MARK: - Launches

    private func enqueueApply(fits: [Int], out: OpenCLBuffer) throws {
        try applyKernel.bind(GaussianApplyArguments(sharedEvents: sharedEvents, sharedStride: Int32(layout.sharedStride),
                                                    ownEvents: ownEvents, centres: centres, fits: descriptors, gamma: gamma,
                                                    active: active, v: v, out: out))
        let events = fits.map { layout.fits[$0].events }.max()!
        let group = variant.workGroupSize
        let items = Self.roundUp((events + variant.vectorWidth - 1) / variant.vectorWidth, group)
        try applyKernel.enqueue(on: context, global: [items, fits.count], local: [group, 1])
    }

    private func enqueueTranspose(fits: [Int]) throws {
        try transposeKernel.bind(GaussianTransposeArguments(sharedEvents: sharedEvents, sharedStride: Int32(layout.sharedStride),
                                                            ownEvents: ownEvents, centres: centres, fits: descriptors,
                                                            gamma: gamma, active: active, w: w, partial: partial))
        let stride = fits.map { layout.fits[$0].centreStride }.max()!
        let chunks = fits.map { layout.fits[$0].chunks }.max()!
        let group = variant.workGroupSize
        try transposeKernel.enqueue(on: context, global: [Self.roundUp(stride / variant.vectorWidth, group), chunks, fits.count],
                                    local: [group, 1, 1])
        try enqueueCombine(fits: fits)
    }

    /// r = Σ_chunks partial, for the fits of `active`.
    private func enqueueCombine(fits: [Int]) throws {
        let stride = fits.map { layout.fits[$0].centreStride }.max()!
        try combineKernel.bind(GaussianCombineArguments(partial: partial, fits: descriptors, active: active,
                                                        sharedStride: Int32(layout.sharedStride), r: r))
        let combineGroup = min(64, device.maxWorkGroupSize)
        try combineKernel.enqueue(on: context, global: [Self.roundUp(stride, combineGroup), fits.count], local: [combineGroup, 1])
    }

    static func roundUp(_ n: Int, _ multiple: Int) -> Int { (n + multiple - 1) / multiple * multiple }

    // MARK: - Transfers

    private func setActive(_ fits: [Int]) throws {
        precondition(fits.allSatisfy { layout.fits.indices.contains($0) })
        try context.write(fits.map { Int32($0) }, to: active)
    }

    /// Writes the listed fits' vectors into `buffer` as one upload from its start (in the device's
    /// value type: double, or float without fp64), each at `offset(fit)` with `place`; the values
    /// between them are zeros or stale, and no launch reads them. From the start: Oclgrind 21.10's
    /// uninitialised-value check does not see a write at an offset, and reports every later read.
    private func upload(_ fits: [Int], to buffer: OpenCLBuffer, length: (OpenCLKernelFitLayout.Fit) -> Int,
                        offset: (OpenCLKernelFitLayout.Fit) -> Int,
                        place: (Int, OpenCLKernelFitLayout.Fit, inout UnsafeMutableBufferPointer<Double>) -> Void) throws {
        let end = fits.map { offset(layout.fits[$0]) + length(layout.fits[$0]) }.max()!
        var values = [Double](repeating: 0, count: end)
        values.withUnsafeMutableBufferPointer { out in
            for (j, f) in fits.enumerated() {
                var region = UnsafeMutableBufferPointer(rebasing: out[offset(layout.fits[f])...])
                place(j, layout.fits[f], &region)
            }
        }
        if variant.useFP64 { try context.write(values, to: buffer) } else { try context.write(values.map { Float($0) }, to: buffer) }
    }

    private func uploadCentreVectors(_ vectors: [[Double]], fits: [Int]) throws {
        try upload(fits, to: v, length: \.centreStride, offset: \.centreOffset) { j, fit, out in
            precondition(vectors[j].count == fit.centreCount)
            for i in 0..<fit.centreCount { out[i] = vectors[j][i] }
        }
    }

    /// Pooled order (reference, then data) to the device's (the reference padded to the shared
    /// stride, then the data padded to the test's stride).
    private func uploadEventVectors(_ vectors: [[Double]], fits: [Int], to buffer: OpenCLBuffer) throws {
        let referenceCount = layout.referenceCount, sharedStride = layout.sharedStride
        try upload(fits, to: buffer, length: \.events, offset: \.eventOffset) { j, fit, out in
            precondition(vectors[j].count == referenceCount + fit.dataCount)
            vectors[j].withUnsafeBufferPointer { values in
                for i in 0..<referenceCount { out[i] = values[i] }
                for i in 0..<fit.dataCount { out[sharedStride + i] = values[referenceCount + i] }
            }
        }
    }

    private func readEventVector(_ buffer: OpenCLBuffer, fit f: Int) throws -> [Double] {
        let fit = layout.fits[f]
        let values: [Double] = variant.useFP64
            ? try context.read(Double.self, count: fit.events, from: buffer, atElement: fit.eventOffset, zero: 0)
            : try context.read(Float.self, count: fit.events, from: buffer, atElement: fit.eventOffset, zero: 0).map { Double($0) }
        return Array(values[0..<layout.referenceCount]) + values[layout.sharedStride..<(layout.sharedStride + fit.dataCount)]
    }

    /// Kᵀ·w of fit f in Double: the double sums, or each compensated pair added in Double.
    private func readCentreSums(fit f: Int) throws -> [Double] {
        let fit = layout.fits[f]
        if variant.useFP64 {
            return try context.read(Double.self, count: fit.centreCount, from: r, atElement: fit.centreOffset, zero: 0)
        }
        let pairs = try context.read(Float.self, count: 2 * fit.centreCount, from: r, atElement: 2 * fit.centreOffset, zero: 0)
        return (0..<fit.centreCount).map { Double(pairs[2 * $0]) + Double(pairs[2 * $0 + 1]) }
    }
}

/// Where each fit's events, centres and vectors sit in the buffers of `OpenCLKernelProducts` (see
/// the banner of Kernels/gaussian_products.cl).
struct OpenCLKernelFitLayout {
    struct Fit {
        var test: Int
        var width: Double
        var dataCount: Int
        var ownSegment: Int
        var ownStride: Int
        var centreSegment: Int
        var centreStride: Int
        var centreCount: Int
        /// shared stride + own stride: the fit's pooled events as the device holds them.
        var events: Int
        var eventOffset: Int
        var centreOffset: Int
        var partialOffset: Int
        var chunks: Int
    }

    let referenceCount: Int
    let sharedStride: Int
    var fits: [Fit] = []
    var ownEvents: [Float] = []
    var centres: [Float] = []
    /// NDESC = 8 ints per fit, in the order of the kernels' descriptor.
    var descriptors: [Int32] = []
    var eventValues = 0
    var centreValues = 0
    var partialValues = 0

    init(referenceCount: Int, dimension: Int, tests: [OpenCLKernelProducts.Test], variant: OpenCLKernelVariant) throws {
        self.referenceCount = referenceCount
        let vw = variant.vectorWidth
        sharedStride = OpenCLKernelProducts.roundUp(referenceCount, vw)
        for (j, test) in tests.enumerated() {
            let ownSegment = ownEvents.count, ownStride = OpenCLKernelProducts.roundUp(test.data.count, vw)
            ownEvents += Self.padded(test.data, stride: ownStride)
            // centres padded to whole work-groups of VW centres: the transpose grid covers them exactly
            let centreSegment = centres.count
            let centreStride = OpenCLKernelProducts.roundUp(test.centres.count, vw * variant.workGroupSize)
            centres += Self.padded(test.centres, stride: centreStride)
            let events = sharedStride + ownStride
            let chunks = (events + variant.chunk - 1) / variant.chunk
            for width in test.widths {
                let fit = Fit(test: j, width: width, dataCount: test.data.count, ownSegment: ownSegment, ownStride: ownStride,
                              centreSegment: centreSegment, centreStride: centreStride, centreCount: test.centres.count,
                              events: events, eventOffset: eventValues, centreOffset: centreValues,
                              partialOffset: partialValues, chunks: chunks)
                fits.append(fit)
                descriptors += [fit.ownSegment, fit.ownStride, fit.centreSegment, fit.centreStride, fit.centreCount,
                                fit.eventOffset, fit.centreOffset, fit.partialOffset].map { Int32($0) }
                eventValues += events
                centreValues += centreStride
                partialValues += chunks * centreStride
            }
        }
        // the kernels index with 32-bit ints (partial sums and compensated pairs: twice the values)
        let largest = max(eventValues, 2 * centreValues, 2 * partialValues, ownEvents.count, centres.count, sharedStride * dimension)
        guard largest < Int(Int32.max) else {
            throw NPLMError.invalidArgument("the kernel-model batch needs \(largest) values in one OpenCL buffer, more than the kernels index (2^31); use smaller batches")
        }
    }

    /// Feature-major events, each feature padded with zeros to `stride`.
    static func padded(_ events: EventSet, stride: Int) -> [Float] {
        var x: [Float] = []
        x.reserveCapacity(events.dimension * stride)
        for k in 0..<events.dimension {
            x += events.features[(k * events.count)..<((k + 1) * events.count)]
            x += repeatElement(0, count: stride - events.count)
        }
        return x
    }
}
