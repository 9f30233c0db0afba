/// The events and terms of a batch as the loss kernel reads them (Kernels/loss.cl), and the chunks
/// it reduces.
///
/// Segments: the shared events first, then every fit's own events, each padded with zero events to
/// a multiple of VW and stored feature-major (feature k of event i at `x[segment + k·stride + i]`).
/// Term segments: the shared terms (one set, or one per fit), then every fit's own terms, padded
/// with a = b = 0 (which add exactly zero).
/// Chunks: for fit t, its shared events then its own events cut into runs of `chunkEvents`; the
/// cut depends on nothing but those two counts, so fit t's sums are the same in any batch.
struct OpenCLBatchLayout {
    var x: [Float] = []
    var a: [Float] = []
    var b: [Float] = []
    var o: [Float] = []
    /// Eight Int32 per chunk: fit, segment, stride, start, count, terms, has offset, 0.
    var chunks: [Int32] = []
    /// T + 1 values: fit t's chunks are chunkStart[t] ..< chunkStart[t + 1].
    var chunkStart: [Int32] = [0]

    var chunkCount: Int { chunks.count / 8 }

    init(batch: FitBatch, variant: OpenCLVariant) throws {
        let width = variant.vectorWidth
        func padded(_ n: Int) -> Int { (n + width - 1) / width * width }
        func appendEvents(_ events: EventSet) -> (segment: Int, stride: Int) {
            let stride = padded(events.count), segment = x.count
            for k in 0..<events.dimension {
                x += events.features[(k * events.count)..<((k + 1) * events.count)]
                x += repeatElement(0, count: stride - events.count)
            }
            return (segment, stride)
        }
        func appendTerms(_ terms: EventTerms) -> (start: Int, offsets: Bool) {
            let start = a.count, pad = padded(terms.count) - terms.count
            a += terms.a + repeatElement(0, count: pad)
            b += terms.b + repeatElement(0, count: pad)
            o += (terms.offset ?? [Float](repeating: 0, count: terms.count)) + repeatElement(0, count: pad)
            return (start, terms.offset != nil)
        }

        let sharedEvents = appendEvents(batch.shared)
        let sharedTerms = batch.sharedTerms.map(appendTerms)
        for t in 0..<batch.fitCount {
            let own = appendEvents(batch.own[t])
            let ownTerms = appendTerms(batch.ownTerms[t])
            let shared = sharedTerms[batch.sharedTerms.count == 1 ? 0 : t]
            for (events, terms, count) in [(sharedEvents, shared, batch.shared.count), (own, ownTerms, batch.own[t].count)] {
                var start = 0
                while start < count {
                    let length = min(variant.chunkEvents, padded(count) - start)
                    chunks += [t, events.segment, events.stride, start, length, terms.start, terms.offsets ? 1 : 0, 0].map { Int32($0) }
                    start += length
                }
            }
            chunkStart.append(Int32(chunks.count / 8))
        }
        guard x.count < Int(Int32.max), a.count < Int(Int32.max) else {
            throw NPLMError.invalidArgument("the batch holds \(x.count) event values, more than the OpenCL kernels index (2^31); use smaller batches")
        }
    }
}
