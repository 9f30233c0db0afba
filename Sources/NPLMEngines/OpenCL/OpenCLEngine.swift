import Foundation
import NPLMStatistics
import NPLMCore

/// The loss and gradient of a batch of fits computed by the OpenCL kernels of `Kernels/`: a
/// `LossEngine`, checked against `ReferenceEngine` in the tests. The fits' own events and terms are
/// uploaded at construction; the context, the program and the shared events and terms come from
/// the device's `OpenCLSession`, which keeps them from one batch of a campaign to the next. Each
/// call uploads T×P parameters (and T×M offset coefficients) and reads T×(P+1+M) sums back.
///
/// Offset basis (nuisance parameters, exp-linear loss only): with M = `batch.basisCount` > 0 the
/// kernels are built with NBASIS = M and add Σ_m c_{t,m}·basis_m(i) to every offset, summing
/// ∂L/∂c_m in the same reduction as the gradient. The common shift c_{t,0} is added to fit t's
/// output bias before the upload: the exp-linear term depends on f + o only, and ∂L/∂c_0 is the
/// output bias's gradient (`LossEngine`).
///
/// Arithmetic: float32 per event; per lane float32 sums within a chunk, then double (cl_khr_fp64)
/// or compensated float pairs across lanes, work-items and chunks, all in a fixed order — no float
/// atomics, so two runs agree bit for bit and a fit's result does not depend on the other fits of
/// its batch.
public final class OpenCLEngine: LossEngine {
    public let batch: FitBatch
    public let device: OpenCLDevice
    public let variant: OpenCLVariant
    public var name: String { "opencl: \(device.name)" }

    let session: OpenCLSession
    var context: OpenCLContext { session.context }
    /// The loss program: loss_gradient, combine and adam_step (KernelSources.lossProgramFiles).
    let program: OpenCLProgram
    let lossKernel: OpenCLKernel
    let combineKernel: OpenCLKernel
    let chunkCount: Int
    /// Float32 parameters T×P for `lossAndGradient` calls.
    let parameterBuffer: OpenCLBuffer
    /// T×(P+1+M) sums: per fit the loss, the gradient, then ∂L/∂c_m (double, or float pairs).
    let sums: OpenCLBuffer
    /// Sums per fit: P + 1 + M.
    let valuesPerFit: Int
    /// T×M float32 coefficients c_{t,1…M} of the offset basis (zeros until a call sets them).
    private let coefficientBuffer: OpenCLBuffer
    /// Whether `coefficientBuffer` holds zeros (plain calls need no upload then).
    private var coefficientsAreZero = true
    private let x, a, b, o, basis, chunks, chunkStart, partial: OpenCLBuffer
    /// The shared events and terms, owned by the session (kept while later batches share them).
    private let sharedEvents: OpenCLBuffer
    private let sharedTerms: OpenCLSession.SharedTerms
    /// The build options of this engine's programs.
    private let options: String

    /// Builds (or takes from the device's session) the kernels for `batch` on `device`, and
    /// uploads its events and terms (the shared ones only when the session does not hold them).
    /// - Parameters:
    ///   - batch: the fits and their events.
    ///   - device: the OpenCL device; its session (the process's, with a profiling queue or not)
    ///     keeps the programs and the shared events.
    ///   - variant: the kernel layout; by default `OpenCLVariant.choose(for:)` (the device type's,
    ///     or the one `NPLM_OPENCL_LAYOUT` forces).
    ///   - profiling: time the kernels (a session with a profiling queue).
    public convenience init(batch: FitBatch, device: OpenCLDevice, variant: OpenCLVariant? = nil, profiling: Bool = false) throws {
        try self.init(batch: batch, variant: variant, session: try OpenCLSession.session(for: device, profiling: profiling))
    }

    init(batch: FitBatch, variant: OpenCLVariant? = nil, session: OpenCLSession) throws {
        let device = session.device
        self.batch = batch
        self.device = device
        let variant = try variant ?? OpenCLVariant.choose(for: device)
        precondition(!variant.useFP64 || device.fp64, "an fp64 variant needs a device with cl_khr_fp64")
        self.variant = variant
        self.session = session
        let context = session.context
        let M = batch.basisCount
        guard M == 0 || batch.loss == .expLinear else {
            throw NPLMError.invalidArgument("nuisance offsets need the exp-linear loss")
        }
        options = variant.buildOptions + " -D LOGISTIC=\(batch.loss == .logistic ? 1 : 0) -D NBASIS=\(M)"
        program = try session.program(source: try KernelSources.program(KernelSources.lossProgramFiles, header: batch.architecture.openCLHeader),
                                      options: options)
        lossKernel = try program.kernel(LossGradientArguments.kernelName)
        combineKernel = try program.kernel(CombineArguments.kernelName)

        let layout = try OpenCLBatchLayout(batch: batch, variant: variant)
        chunkCount = layout.chunkCount
        let P = batch.parameterCount, T = batch.fitCount
        x = try context.buffer(layout.own.x, label: "own events")
        a = try context.buffer(layout.own.a, label: "own terms a")
        b = try context.buffer(layout.own.b, label: "own terms b")
        o = try context.buffer(layout.own.o, label: "own offsets")
        basis = try context.buffer(layout.own.basis, label: "own offset basis")
        sharedEvents = try session.sharedEvents(batch.shared, variant: variant)
        sharedTerms = try session.sharedTerms(batch.sharedTerms, variant: variant)
        chunks = try context.buffer(layout.chunks, label: "chunks")
        chunkStart = try context.buffer(layout.chunkStart, label: "chunk ranges")
        parameterBuffer = try context.buffer(Float.self, count: T * P, label: "parameters")
        coefficientBuffer = try context.buffer([Float](repeating: 0, count: T * M), label: "offset coefficients")
        valuesPerFit = P + 1 + M
        partial = try context.buffer(UInt8.self, count: chunkCount * valuesPerFit * Self.accumulatorBytes, label: "partial sums")
        sums = try context.buffer(UInt8.self, count: T * valuesPerFit * Self.accumulatorBytes, label: "sums")
    }

    /// Whether `OpenCLTrainingBackend` can run Adam on this device (it needs cl_khr_fp64).
    public var canTrainOnDevice: Bool { variant.useFP64 }

    /// Bytes of one accumulated value: a double, or a (sum, compensation) float pair.
    static let accumulatorBytes = 8

    /// Enqueues the loss and gradient of every fit at the float32 parameters in `parameters`
    /// into `sums`, without waiting. Returns the two kernels' events when asked (profiling).
    @discardableResult
    func enqueueLossAndGradient(parameters: OpenCLBuffer, events: Bool = false) throws -> [OpenCLEvent] {
        let T = batch.fitCount
        var recorded: [OpenCLEvent] = []
        if chunkCount > 0 {
            try lossKernel.bind(LossGradientArguments(x: x, a: a, b: b, o: o, chunks: chunks, parameters: parameters, partial: partial,
                                                      sharedX: sharedEvents, sharedA: sharedTerms.a, sharedB: sharedTerms.b,
                                                      sharedO: sharedTerms.o, basis: basis, sharedBasis: sharedTerms.basis,
                                                      coefficients: coefficientBuffer))
            let group = variant.workGroupSize
            if let event = try lossKernel.enqueue(on: context, global: [chunkCount * group], local: [group], event: events) {
                recorded.append(event)
            }
        }
        try combineKernel.bind(CombineArguments(partial: partial, fitChunks: chunkStart, out: sums, fits: Int32(T)))
        let values = T * valuesPerFit
        let group = min(64, device.maxWorkGroupSize)
        if let event = try combineKernel.enqueue(on: context, global: [(values + group - 1) / group * group], local: [group],
                                                 event: events) {
            recorded.append(event)
        }
        return recorded
    }

    /// Reads the T×(P+1+M) sums (per fit: loss, gradient, basis gradients) in Double.
    func readSums() throws -> [Double] {
        let count = batch.fitCount * valuesPerFit
        if variant.useFP64 { return try context.read(Double.self, count: count, from: sums, zero: 0) }
        let pairs = try context.read(Float.self, count: 2 * count, from: sums, zero: 0)
        return (0..<count).map { Double(pairs[2 * $0]) + Double(pairs[2 * $0 + 1]) }
    }

    public func lossAndGradient(parameters: [Double], active: [Bool]?, loss: inout [Double], gradient: inout [Double]) throws {
        var basisGradient = [Double](repeating: 0, count: batch.fitCount * batch.basisCount)
        try run(parameters: parameters.map { Float($0) }, coefficients: nil, active: active, loss: &loss, gradient: &gradient,
                basisGradient: &basisGradient)
    }

    /// The offset coefficients are rounded to float32 once per call, as the parameters are; c_0 is
    /// added to the output bias in Double first (see the type's description).
    public func lossAndGradient(parameters: [Double], offsetCoefficients: [Double], active: [Bool]?,
                                loss: inout [Double], gradient: inout [Double], basisGradient: inout [Double]) throws {
        let T = batch.fitCount, P = batch.parameterCount, M = batch.basisCount
        precondition(parameters.count == T * P && offsetCoefficients.count == T * (M + 1))
        var shifted = parameters
        for t in 0..<T { shifted[t * P + P - 1] += offsetCoefficients[t * (M + 1)] }
        guard batch.loss == .expLinear || shifted == parameters else {
            throw NPLMError.invalidArgument("nuisance offsets need the exp-linear loss")
        }
        var coefficients = [Float](repeating: 0, count: T * M)
        for t in 0..<T {
            for m in 0..<M { coefficients[t * M + m] = Float(offsetCoefficients[t * (M + 1) + 1 + m]) }
        }
        try run(parameters: shifted.map { Float($0) }, coefficients: coefficients, active: active, loss: &loss, gradient: &gradient,
                basisGradient: &basisGradient)
    }

    /// One pass at float32 `parameters` and basis `coefficients` (nil: zeros).
    private func run(parameters: [Float], coefficients: [Float]?, active: [Bool]?, loss: inout [Double], gradient: inout [Double],
                     basisGradient: inout [Double]) throws {
        let T = batch.fitCount, P = batch.parameterCount, M = batch.basisCount, V = valuesPerFit
        precondition(parameters.count == T * P && loss.count == T && gradient.count == T * P && basisGradient.count == T * M)
        try context.write(parameters, to: parameterBuffer)
        if M > 0 {
            let zero = coefficients?.allSatisfy { $0 == 0 } ?? true
            if !(zero && coefficientsAreZero) {
                try context.write(coefficients ?? [Float](repeating: 0, count: T * M), to: coefficientBuffer)
                coefficientsAreZero = zero
            }
        }
        try enqueueLossAndGradient(parameters: parameterBuffer)
        let values = try readSums()
        for t in 0..<T where active?[t] ?? true {
            loss[t] = values[t * V]
            for k in 0..<P { gradient[t * P + k] = values[t * V + 1 + k] }
            for m in 0..<M { basisGradient[t * M + m] = values[t * V + 1 + P + m] }
        }
    }

    /// f of every fit at every event of `events` (float32): `result[t][i]`.
    public func evaluate(parameters: [Double], events: EventSet) throws -> [[Float]] {
        let T = batch.fitCount, P = batch.parameterCount, width = variant.vectorWidth
        precondition(parameters.count == T * P && events.dimension == batch.architecture.inputDimension)
        guard events.count > 0 else { return Array(repeating: [], count: T) }
        let stride = (events.count + width - 1) / width * width
        var features = [Float]()
        features.reserveCapacity(stride * events.dimension)
        for k in 0..<events.dimension {
            features += events.features[(k * events.count)..<((k + 1) * events.count)]
            features += repeatElement(0, count: stride - events.count)
        }
        let input = try context.buffer(features, label: "events to evaluate")
        let weights = try context.buffer(parameters.map { Float($0) }, label: "parameters to evaluate")
        let output = try context.buffer(Float.self, count: T * stride, label: "f values")
        // Built on first use only: training never needs f itself (the session keeps the program).
        let forward = try session.program(source: try KernelSources.program(KernelSources.forwardProgramFiles,
                                                                            header: batch.architecture.openCLHeader),
                                          options: variant.buildOptions).kernel(ForwardArguments.kernelName)
        try forward.bind(ForwardArguments(x: input, stride: Int32(stride), parameters: weights, out: output))
        try forward.enqueue(on: context, global: [stride / width, T])
        let values = try context.read(Float.self, count: T * stride, from: output, zero: 0)
        return (0..<T).map { Array(values[($0 * stride)..<($0 * stride + events.count)]) }
    }
}

extension OpenCLEngine {
    /// The engine on device `index` of `OpenCLDevice.all()` (nil: the first GPU, else the first
    /// device). Throws a one-line error when there is no such device.
    public static func make(batch: FitBatch, device index: Int?, variant: OpenCLVariant? = nil) throws -> OpenCLEngine {
        try OpenCLEngine(batch: batch, device: try OpenCLDevice.select(index), variant: variant)
    }
}

extension OpenCLDevice {
    /// Device `index` (as `nplm devices` lists them), or with nil the first GPU, else the first device.
    public static func select(_ index: Int?) throws -> OpenCLDevice {
        let devices = try all()
        guard !devices.isEmpty else {
            throw OpenCLError(call: "clGetPlatformIDs", status: -1001,
                              detail: "no OpenCL platform or device found (is an ICD such as pocl-opencl-icd installed, and OCL_ICD_VENDORS unset?)")
        }
        if let index {
            guard devices.indices.contains(index) else {
                throw NPLMError.invalidArgument("\(Parameter.device) \(index): there are \(devices.count) OpenCL devices (0…\(devices.count - 1)); see `nplm devices`")
            }
            return devices[index]
        }
        return devices.first { $0.kind == .gpu } ?? devices[0]
    }
}

extension OpenCLEngine {
    /// Median device times in seconds of the loss + gradient kernel and of the combine kernel over
    /// `repeats` launches, from profiling events (a separate profiling queue on the same device).
    public func profileLossAndGradient(parameters: [Double], repeats: Int) throws -> (loss: Double, combine: Double) {
        let profiled = try OpenCLEngine(batch: batch, device: device, variant: variant, profiling: true)
        try profiled.context.write(parameters.map { Float($0) }, to: profiled.parameterBuffer)
        try profiled.enqueueLossAndGradient(parameters: profiled.parameterBuffer)
        try profiled.context.finish()
        var loss: [Double] = [], combine: [Double] = []
        for _ in 0..<repeats {
            let events = try profiled.enqueueLossAndGradient(parameters: profiled.parameterBuffer, events: true)
            try profiled.context.finish()
            let times = try events.map { try $0.times() }.map { Double($0.end - $0.start) * 1e-9 }
            if times.count == 2 { loss.append(times[0]); combine.append(times[1]) } else if let last = times.last { combine.append(last) }
        }
        func median(_ values: [Double]) -> Double { values.isEmpty ? 0 : SampleSummary(values).median }
        return (median(loss), median(combine))
    }
}
