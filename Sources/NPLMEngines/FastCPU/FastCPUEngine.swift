import CFastLoss
import Foundation
import NPLMCore

/// The fast CPU engine: the loss and gradient of every fit of a batch in float32 SIMD over events,
/// on all cores.
///
/// ## How the work is cut
/// Every fit's events (the shared ones, then its own) are cut into chunks of `chunkSize` events.
/// A work item is one (fit, chunk) pair; the items of all fits are spread over persistent worker
/// threads, so a single fit (T = 1) uses every core too. A chunk is summed in 32 float lanes (the
/// C kernel, `Sources/CFastLoss`), the lanes are combined in Double, then the chunks of a fit in
/// Double in chunk order.
///
/// ## Determinism
/// The chunks of a fit depend only on its own event counts, never on the thread count, on T or
/// on the other fits of the batch: a fit gives the same bits alone or in any batch, with any
/// thread count, on every x86-64 CPU with FMA (see `FastCPUInstructionSet`). Toy campaigns can be
/// sharded across machines and the union of the shards equals the single run bit for bit.
///
/// ## Accuracy
/// Parameters are rounded to float32 once per call; per-event arithmetic is float32 with a
/// polynomial e^x of about 1 ulp. Against `ReferenceEngine` (Double): loss within 1e-5 relative,
/// gradient within 1e-4 of its largest component (FastCPUEngineTests). e^x overflows to +∞ above
/// x ≈ 88.4 (float32), where the Double reference is still finite: such a fit is reported as
/// diverged a little earlier than the reference would.
///
/// Nothing is allocated per call: all buffers are made once, in `init`.
public final class FastCPUEngine: LossEngine {
    /// Events per chunk (a multiple of the kernel's 32 lanes).
    public static let chunkSize = 2048

    public let batch: FitBatch
    public let instructionSet: FastCPUInstructionSet
    public var threads: Int { pool.threads }
    public var name: String {
        "cpu (\(instructionSet)\(unrolledKernels ? "" : ", general kernel"), \(threads) thread\(threads == 1 ? "" : "s"))"
    }
    /// False when the general kernel is forced for every shape.
    public let unrolledKernels: Bool

    private let pool: FastCPUWorkerPool
    private let memory = FastCPUMemory()
    private let plan: UnsafeMutablePointer<nplm_plan>
    private let parameterCount: Int
    /// M, the offset-basis columns (nuisance parameters).
    private let basisCount: Int
    private let floatParameters: UnsafeMutablePointer<Float>
    /// c_0 … c_M of every fit in float, read by the kernel when a call passes coefficients.
    private let floatCoefficients: UnsafeMutablePointer<Float>
    private let outputs: UnsafeMutablePointer<Double>
    private let items: UnsafeMutablePointer<nplm_item>
    /// Output slots of fit t: slotStart[t] ..< slotStart[t + 1].
    private let slotStart: [Int]
    /// Chunk descriptor of every slot.
    private let slotChunk: [Int32]
    /// Slots (relative to a fit's first) that hold shared chunks; the rest are the fit's own.
    private let sharedChunkCount: Int
    /// The active mask the item list was last built for (valid once itemsBuilt).
    private var itemsActive: [Bool]
    private var itemsBuilt = false
    private var itemCount = 0

    /// - Parameters:
    ///   - batch: the fits and their events.
    ///   - threads: worker threads including the caller; nil means every core.
    ///   - instructionSet: the kernel variant; nil means the widest this CPU supports.
    ///   - unrolledKernels: false forces the general kernel for every shape (for tests).
    public init(batch: FitBatch, threads: Int? = nil, instructionSet: FastCPUInstructionSet? = nil,
                unrolledKernels: Bool = true) throws {
        let chosen = instructionSet ?? .best
        guard chosen.isSupported else {
            throw NPLMError.invalidArgument("the \(chosen) kernel needs a CPU that supports it; this one supports up to \(FastCPUInstructionSet.best)")
        }
        self.batch = batch
        self.instructionSet = chosen
        self.unrolledKernels = unrolledKernels
        pool = try FastCPUWorkerPool(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let architecture = batch.architecture
        let T = batch.fitCount, P = architecture.parameterCount
        parameterCount = P
        let M = batch.basisCount
        basisCount = M
        guard M <= Int(NPLM_MAX_BASIS) else {
            throw NPLMError.invalidArgument("the CPU engine takes at most \(NPLM_MAX_BASIS) offset-basis columns (Σ of the shape nuisances' orders), got \(M)")
        }
        guard M == 0 || batch.loss == .expLinear else {
            throw NPLMError.invalidArgument("nuisance offsets need the exp-linear loss")
        }

        // Events and coefficients, zero-padded to whole blocks of lanes.
        var chunks: [nplm_chunk] = []
        let kind = batch.loss
        func addChunks(events x: UnsafeMutablePointer<Float>, stride: Int, count: Int, terms: FastCPUTerms) -> [Int32] {
            var indices: [Int32] = []
            for start in Swift.stride(from: 0, to: count, by: Self.chunkSize) {
                indices.append(Int32(chunks.count))
                chunks.append(terms.chunk(events: x + start, stride: stride, first: start,
                                          count: min(Self.chunkSize, count - start)))
            }
            return indices
        }
        let shared = memory.events(batch.shared)
        var sharedChunks: [[Int32]] = []
        for terms in batch.sharedTerms {
            sharedChunks.append(addChunks(events: shared.pointer, stride: shared.stride, count: batch.shared.count,
                                          terms: FastCPUTerms(terms, loss: kind, memory: memory)))
        }
        var starts = [0], slotChunks: [Int32] = []
        for t in 0..<T {
            let own = memory.events(batch.own[t])
            let ownChunks = addChunks(events: own.pointer, stride: own.stride, count: batch.own[t].count,
                                      terms: FastCPUTerms(batch.ownTerms[t], loss: kind, memory: memory))
            slotChunks += sharedChunks[batch.sharedTerms.count == 1 ? 0 : t] + ownChunks
            starts.append(slotChunks.count)
        }
        slotStart = starts
        slotChunk = slotChunks
        sharedChunkCount = sharedChunks[0].count

        let chunkBuffer = memory.allocate(nplm_chunk.self, count: max(chunks.count, 1))
        for (k, chunk) in chunks.enumerated() { chunkBuffer[k] = chunk }
        items = memory.allocate(nplm_item.self, count: max(slotChunks.count, 1))
        outputs = memory.allocate(Double.self, count: max(slotChunks.count, 1) * (P + 1 + M))
        floatParameters = memory.allocate(Float.self, count: T * P)
        floatParameters.initialize(repeating: 0, count: T * P)
        floatCoefficients = memory.allocate(Float.self, count: T * (M + 1))
        floatCoefficients.initialize(repeating: 0, count: T * (M + 1))
        let widths = memory.allocate(Int32.self, count: architecture.layers.count)
        for (l, width) in architecture.layers.enumerated() { widths[l] = Int32(width) }
        let scratchFloats = nplm_scratch_floats(Int32(architecture.layerCount), widths, Int32(M))
        let scratch = memory.allocate(Float.self, count: Int(scratchFloats) * pool.threads)

        plan = memory.allocate(nplm_plan.self, count: 1)
        plan.initialize(to: nplm_plan(
            layer_count: Int32(architecture.layerCount), widths: widths, parameter_count: Int32(P),
            loss: kind == .expLinear ? NPLM_LOSS_EXP_LINEAR : NPLM_LOSS_LOGISTIC, isa: chosen.cValue,
            parameters: floatParameters, chunks: chunkBuffer, items: items, outputs: outputs,
            basis_count: Int32(M), offset_coefficients: nil,
            scratch: scratch, scratch_floats: scratchFloats, general_only: unrolledKernels ? 0 : 1))
        itemsActive = Array(repeating: true, count: T)
    }

    public func lossAndGradient(parameters: [Double], active: [Bool]?, loss: inout [Double], gradient: inout [Double]) throws {
        var basisGradient = [Double](repeating: 0, count: batch.fitCount * basisCount)
        run(parameters: parameters, offsetCoefficients: nil, active: active, loss: &loss, gradient: &gradient,
            basisGradient: &basisGradient)
    }

    /// The offset coefficients are rounded to float once per call, as the parameters are; the
    /// basis gradients are summed like the others (32 float lanes, then double in a fixed order).
    public func lossAndGradient(parameters: [Double], offsetCoefficients: [Double], active: [Bool]?,
                                loss: inout [Double], gradient: inout [Double], basisGradient: inout [Double]) throws {
        run(parameters: parameters, offsetCoefficients: offsetCoefficients, active: active, loss: &loss, gradient: &gradient,
            basisGradient: &basisGradient)
    }

    private func run(parameters: [Double], offsetCoefficients: [Double]?, active: [Bool]?, loss: inout [Double],
                     gradient: inout [Double], basisGradient: inout [Double]) {
        let T = batch.fitCount, P = parameterCount, M = basisCount
        precondition(parameters.count == T * P && loss.count == T && gradient.count == T * P && (active?.count ?? T) == T)
        precondition(basisGradient.count == T * M && (offsetCoefficients?.count ?? T * (M + 1)) == T * (M + 1))
        parameters.withUnsafeBufferPointer { p in
            for t in 0..<T where active?[t] ?? true {
                for k in (t * P)..<((t + 1) * P) { floatParameters[k] = Float(p[k]) }
            }
        }
        if let offsetCoefficients {
            for t in 0..<T where active?[t] ?? true {
                for k in (t * (M + 1))..<((t + 1) * (M + 1)) { floatCoefficients[k] = Float(offsetCoefficients[k]) }
            }
        }
        plan.pointee.offset_coefficients = offsetCoefficients == nil ? nil : UnsafePointer(floatCoefficients)
        buildItems(active: active)
        nplm_run_plan(pool.pool, plan, Int64(itemCount))
        let width = P + 1 + M
        loss.withUnsafeMutableBufferPointer { loss in
            gradient.withUnsafeMutableBufferPointer { gradient in
                basisGradient.withUnsafeMutableBufferPointer { basisGradient in
                    for t in 0..<T where active?[t] ?? true {
                        let g = gradient.baseAddress! + t * P
                        var sum = 0.0
                        g.update(repeating: 0, count: P)
                        let gb = basisGradient.baseAddress.map { $0 + t * M }
                        gb?.update(repeating: 0, count: M)
                        for slot in slotStart[t]..<slotStart[t + 1] {
                            let out = outputs + slot * width
                            sum += out[0]
                            for q in 0..<P { g[q] += out[1 + q] }
                            for m in 0..<M { gb![m] += out[1 + P + m] }
                        }
                        loss[t] = sum
                    }
                }
            }
        }
    }

    /// The work items of the active fits: shared chunks first, chunk by chunk across fits (the
    /// fits that read the same events run close together in time), then every fit's own chunks.
    private func buildItems(active: [Bool]?) {
        let T = batch.fitCount
        if itemsBuilt && (0..<T).allSatisfy({ itemsActive[$0] == (active?[$0] ?? true) }) { return }
        for t in 0..<T { itemsActive[t] = active?[t] ?? true }
        var n = 0
        for c in 0..<sharedChunkCount {
            for t in 0..<T where itemsActive[t] {
                let slot = slotStart[t] + c
                items[n] = nplm_item(fit: Int32(t), chunk: slotChunk[slot], slot: Int32(slot))
                n += 1
            }
        }
        for t in 0..<T where itemsActive[t] {
            for slot in (slotStart[t] + sharedChunkCount)..<slotStart[t + 1] {
                items[n] = nplm_item(fit: Int32(t), chunk: slotChunk[slot], slot: Int32(slot))
                n += 1
            }
        }
        itemCount = n
        itemsBuilt = true
    }
}

/// The coefficients of one block of events, as the kernel reads them: an array, or one value
/// for every event when all are equal (the reference weights of a toy campaign).
struct FastCPUTerms {
    var a: UnsafeMutablePointer<Float>?, b: UnsafeMutablePointer<Float>?
    var o: UnsafeMutablePointer<Float>?, so: UnsafeMutablePointer<Float>?
    var a0: Float = 0, b0: Float = 0, o0: Float = 0, so0: Float
    /// The offset basis: column m at basis[m·basisStride …], each zero-padded; nil without.
    var basis: UnsafeMutablePointer<Float>?, basisStride = 0

    init(_ terms: EventTerms, loss: LossKind, memory: FastCPUMemory) {
        so0 = Float(LossKind.softplus(0))
        if let first = terms.a.first, terms.a.allSatisfy({ $0 == first }) { a0 = first } else { a = memory.padded(terms.a) }
        if let first = terms.b.first, terms.b.allSatisfy({ $0 == first }) { b0 = first } else { b = memory.padded(terms.b) }
        if let offset = terms.offset {
            o = memory.padded(offset)
            // s(o) = log(1 + e^o) in Double once, for the logistic loss.
            if loss == .logistic { so = memory.padded(offset.map { Float(LossKind.softplus(Double($0))) }) }
        }
        if !terms.basis.isEmpty {
            basisStride = FastCPUMemory.paddedCount(terms.count)
            basis = memory.padded(terms.basis.flatMap { $0 + Array(repeating: 0, count: basisStride - $0.count) })
        }
    }

    /// The chunk of `count` events starting at event `first`, whose features start at `events`.
    func chunk(events: UnsafeMutablePointer<Float>, stride: Int, first: Int, count: Int) -> nplm_chunk {
        nplm_chunk(x: events, stride: Int64(stride), a: a.map { $0 + first }, b: b.map { $0 + first },
                   o: o.map { $0 + first }, so: so.map { $0 + first }, a0: a0, b0: b0, o0: o0, so0: so0,
                   count: Int32(count), basis: basis.map { UnsafePointer($0 + first) }, basis_stride: Int64(basisStride))
    }
}

/// Owns the engine's raw buffers (64-byte aligned) and frees them together.
final class FastCPUMemory {
    private var blocks: [UnsafeMutableRawPointer] = []

    func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = max(count, 1) * MemoryLayout<T>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: max(64, MemoryLayout<T>.alignment))
        blocks.append(raw)
        return raw.bindMemory(to: T.self, capacity: max(count, 1))
    }

    /// `values` followed by zeros up to a whole number of lane blocks.
    func padded(_ values: [Float]) -> UnsafeMutablePointer<Float> {
        let count = Self.paddedCount(values.count)
        let p = allocate(Float.self, count: count)
        p.initialize(repeating: 0, count: count)
        values.withUnsafeBufferPointer { v in
            if let base = v.baseAddress { p.update(from: base, count: values.count) }
        }
        return p
    }

    /// Feature-major events with each feature zero-padded to whole blocks: (pointer, stride).
    func events(_ set: EventSet) -> (pointer: UnsafeMutablePointer<Float>, stride: Int) {
        let stride = Self.paddedCount(set.count)
        let p = allocate(Float.self, count: stride * set.dimension)
        p.initialize(repeating: 0, count: stride * set.dimension)
        set.features.withUnsafeBufferPointer { features in
            guard let base = features.baseAddress else { return }
            for k in 0..<set.dimension { (p + k * stride).update(from: base + k * set.count, count: set.count) }
        }
        return (p, stride)
    }

    static func paddedCount(_ count: Int) -> Int { (count + lanes - 1) / lanes * lanes }

    static let lanes = Int(NPLM_LANES)

    deinit { for block in blocks { block.deallocate() } }
}
