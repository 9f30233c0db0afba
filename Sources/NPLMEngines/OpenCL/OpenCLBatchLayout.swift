import NPLMCore

/// The events and terms of a batch as the loss kernel reads them (Kernels/loss.cl), and the chunks
/// it reduces.
///
/// Two blocks, each in its own device buffers:
/// - the **shared block**: the shared events (`sharedEvents`) and the shared terms, one set or one
///   per fit (`sharedTerms`). It depends on nothing but the shared sample and the vector width, so
///   `OpenCLSession` uploads it once and hands it to every later batch with the same sample;
/// - the **own block** (`own`): every fit's own events and terms, uploaded with each batch.
///
/// Inside a block: event segments padded with zero events to a multiple of VW and stored
/// feature-major (feature k of event i at `x[segment + k·stride + i]`); term segments padded with
/// a = b = 0 (which add exactly zero). Shared terms set j starts at j·padded(shared count). With an
/// offset basis of M columns (nuisance parameters), column m of the terms segment starting at
/// `terms` is at `basis[M·terms + m·padded(count) + i]`, padded with zeros.
/// Chunks: for fit t, its shared events then its own events cut into runs of `chunkEvents`; the
/// cut depends on nothing but those two counts, so fit t's sums are the same in any batch.
struct OpenCLBatchLayout {
    /// Every fit's own events and terms.
    var own = OpenCLEventBlock()
    /// Eight Int32 per chunk: fit, segment, stride, start, count, terms, has offset, shared block.
    var chunks: [Int32] = []
    /// T + 1 values: fit t's chunks are chunkStart[t] ..< chunkStart[t + 1].
    var chunkStart: [Int32] = [0]

    var chunkCount: Int { chunks.count / 8 }

    init(batch: FitBatch, variant: OpenCLVariant) throws {
        let width = variant.vectorWidth, M = batch.basisCount
        let sharedStride = Self.padded(batch.shared.count, width)
        for t in 0..<batch.fitCount {
            let ownEvents = own.append(batch.own[t], width: width)
            let ownTerms = own.append(batch.ownTerms[t], width: width, basisCount: M)
            let set = batch.sharedTerms.count == 1 ? 0 : t
            let segments = [
                (segment: 0, stride: sharedStride, count: batch.shared.count, terms: set * sharedStride,
                 offsets: batch.sharedTerms[set].offset != nil, shared: 1),
                (segment: ownEvents.segment, stride: ownEvents.stride, count: batch.own[t].count, terms: ownTerms.start,
                 offsets: ownTerms.offsets, shared: 0),
            ]
            for s in segments {
                var start = 0
                while start < s.count {
                    let length = min(variant.chunkEvents, Self.padded(s.count, width) - start)
                    chunks += [t, s.segment, s.stride, start, length, s.terms, s.offsets ? 1 : 0, s.shared].map { Int32($0) }
                    start += length
                }
            }
            chunkStart.append(Int32(chunks.count / 8))
        }
        try own.checkIndexRange()
    }

    /// The shared events as the kernel reads them (one segment at 0).
    static func sharedEvents(_ events: EventSet, variant: OpenCLVariant) throws -> [Float] {
        var block = OpenCLEventBlock()
        _ = block.append(events, width: variant.vectorWidth)
        try block.checkIndexRange()
        return block.x
    }

    /// The shared terms as the kernel reads them: set j at j·padded(count).
    static func sharedTerms(_ terms: [EventTerms], variant: OpenCLVariant) throws -> OpenCLEventBlock {
        var block = OpenCLEventBlock()
        let M = terms.map(\.basis.count).max() ?? 0
        for set in terms { _ = block.append(set, width: variant.vectorWidth, basisCount: M) }
        try block.checkIndexRange()
        return block
    }

    static func padded(_ n: Int, _ width: Int) -> Int { (n + width - 1) / width * width }
}

/// Events (x) and terms (a, b, o, and the offset basis) in the kernel's padded segments.
struct OpenCLEventBlock {
    var x: [Float] = []
    var a: [Float] = []
    var b: [Float] = []
    var o: [Float] = []
    /// M columns per terms segment (empty when M = 0).
    var basis: [Float] = []

    /// Appends `events` as one segment; returns where it starts and its stride.
    mutating func append(_ events: EventSet, width: Int) -> (segment: Int, stride: Int) {
        let stride = OpenCLBatchLayout.padded(events.count, width), segment = x.count
        for k in 0..<events.dimension {
            x += events.features[(k * events.count)..<((k + 1) * events.count)]
            x += repeatElement(0, count: stride - events.count)
        }
        return (segment, stride)
    }

    /// Appends `terms` as one segment (zero offsets where it has none) with its `basisCount`
    /// basis columns (a segment of no events has none); returns where it starts.
    mutating func append(_ terms: EventTerms, width: Int, basisCount M: Int = 0) -> (start: Int, offsets: Bool) {
        precondition(terms.basis.count == M || terms.count == 0)
        let start = a.count, pad = OpenCLBatchLayout.padded(terms.count, width) - terms.count
        a += terms.a + repeatElement(0, count: pad)
        b += terms.b + repeatElement(0, count: pad)
        o += (terms.offset ?? [Float](repeating: 0, count: terms.count)) + repeatElement(0, count: pad)
        for column in terms.basis { basis += column + repeatElement(0, count: pad) }
        return (start, terms.offset != nil)
    }

    /// The kernels index with 32-bit ints.
    func checkIndexRange() throws {
        guard x.count < Int(Int32.max), a.count < Int(Int32.max), basis.count < Int(Int32.max) else {
            throw NPLMError.invalidArgument("the batch holds \(max(x.count, a.count, basis.count)) event values, more than the OpenCL kernels index (2^31); use smaller batches")
        }
    }
}
