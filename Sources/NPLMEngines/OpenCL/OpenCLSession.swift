import Foundation
import NPLMCore

/// What the engines on one device share within a process: the context and its in-order queue, the
/// built programs, and the device copy of the last shared events and shared terms.
///
/// A toy campaign (`nplm toys`, `permute --batch`, `calibrate`) trains its toys in successive
/// batches, each with a new `OpenCLEngine`. Through the session, the batches after the first build
/// no program and upload no reference sample when their shared events (and terms) equal the
/// previous batch's: the comparison costs O(events) once per batch (O(1) when the arrays share
/// storage, as a campaign's reference does), and per epoch nothing depends on the event count.
/// Shared events and shared terms are cached apart, so the permutations of `permute --batch`
/// (one pool, new terms each batch) still reuse the pool.
///
/// Lifetime: one session per (device, profiling) for the life of the process, made on first use
/// by `session(for:profiling:)`; `discardAll()` forgets them (an engine keeps its session alive).
/// Memory: at most `programLimit` programs (the oldest dropped first) and only the last shared
/// events and last shared terms; an engine holds its own references, so a replaced block is
/// released with the last engine that uses it.
///
/// Thread safety: the registry and every session method take a lock. The engines of one session
/// share its in-order queue (OpenCL queues are thread-safe); each engine creates its own kernel
/// objects, whose arguments are not.
package final class OpenCLSession: @unchecked Sendable {
    let device: OpenCLDevice
    let context: OpenCLContext

    /// Programs kept per session; a campaign uses one or two (architecture × loss × variant).
    static let programLimit = 16

    /// How often a session built a program, uploaded shared events, uploaded shared terms (for
    /// tests: a campaign's second batch must leave all three unchanged).
    struct Counts: Equatable {
        var programBuilds = 0
        var eventUploads = 0
        var termUploads = 0
    }

    /// This session's counts so far.
    var counts: Counts {
        lock.lock()
        defer { lock.unlock() }
        return tally
    }

    private let lock = NSLock()
    private var tally = Counts()
    private var programs: [String: OpenCLProgram] = [:]
    private var programOrder: [String] = []
    private var events: (key: EventSet, width: Int, buffer: OpenCLBuffer)?
    private var terms: (key: [EventTerms], width: Int, buffers: SharedTerms)?

    /// The shared terms on the device: set j at j·padded(count), and their offset basis
    /// (`OpenCLBatchLayout.sharedTerms`).
    struct SharedTerms {
        let a, b, o, basis: OpenCLBuffer
    }

    /// A session of its own, outside the registry (tests use it for a fresh engine).
    init(device: OpenCLDevice, profiling: Bool = false) throws {
        self.device = device
        context = try OpenCLContext(device: device, profiling: profiling)
    }

    // MARK: - Registry

    private struct Key: Hashable {
        let device: Int
        let profiling: Bool
    }

    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var sessions: [Key: OpenCLSession] = [:]

    /// The process's session on `device`, made on first use.
    static func session(for device: OpenCLDevice, profiling: Bool = false) throws -> OpenCLSession {
        let key = Key(device: Int(bitPattern: device.deviceID), profiling: profiling)
        registryLock.lock()
        defer { registryLock.unlock() }
        if let session = sessions[key] { return session }
        let session = try OpenCLSession(device: device, profiling: profiling)
        sessions[key] = session
        return session
    }

    /// Forgets every session; contexts are released once no engine uses them.
    static func discardAll() {
        registryLock.lock()
        sessions = [:]
        registryLock.unlock()
    }

    // MARK: - Cached device objects

    /// The program built from `source` with `options`, built on first use.
    func program(source: String, options: String) throws -> OpenCLProgram {
        let key = options + "\n" + source
        lock.lock()
        defer { lock.unlock() }
        if let program = programs[key] { return program }
        let program = try OpenCLProgram(context: context, source: source, options: options)
        tally.programBuilds += 1
        programs[key] = program
        programOrder.append(key)
        if programOrder.count > Self.programLimit { programs[programOrder.removeFirst()] = nil }
        return program
    }

    /// The device copy of `shared` as `variant` lays it out: the last one when its contents are the
    /// same bits, else a new upload that replaces it.
    func sharedEvents(_ shared: EventSet, variant: OpenCLVariant) throws -> OpenCLBuffer {
        lock.lock()
        defer { lock.unlock() }
        if let events, events.width == variant.vectorWidth, Self.sameBits(events.key, shared) { return events.buffer }
        events = nil  // released here unless an engine still holds it, before the new allocation
        let buffer = try context.buffer(try OpenCLBatchLayout.sharedEvents(shared, variant: variant), label: "shared events")
        tally.eventUploads += 1
        events = (shared, variant.vectorWidth, buffer)
        return buffer
    }

    /// The device copy of the shared terms, cached like `sharedEvents`.
    func sharedTerms(_ shared: [EventTerms], variant: OpenCLVariant) throws -> SharedTerms {
        lock.lock()
        defer { lock.unlock() }
        if let terms, terms.width == variant.vectorWidth, Self.sameBits(terms.key, shared) { return terms.buffers }
        terms = nil
        let block = try OpenCLBatchLayout.sharedTerms(shared, variant: variant)
        let buffers = SharedTerms(a: try context.buffer(block.a, label: "shared terms a"),
                                  b: try context.buffer(block.b, label: "shared terms b"),
                                  o: try context.buffer(block.o, label: "shared offsets"),
                                  basis: try context.buffer(block.basis, label: "shared offset basis"))
        tally.termUploads += 1
        terms = (shared, variant.vectorWidth, buffers)
        return buffers
    }

    // MARK: - Comparison

    /// Whether two float arrays hold the same bits (not ==: −0 and +0, or NaNs, would give a
    /// kernel other inputs). O(1) when they share storage, else one memcmp.
    static func sameBits(_ x: [Float], _ y: [Float]) -> Bool {
        x.withUnsafeBytes { a in
            y.withUnsafeBytes { b in
                a.count == b.count && (a.count == 0 || a.baseAddress == b.baseAddress || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
            }
        }
    }

    package static func sameBits(_ x: EventSet, _ y: EventSet) -> Bool {
        x.dimension == y.dimension && x.count == y.count && sameBits(x.features, y.features)
    }

    static func sameBits(_ x: [EventTerms], _ y: [EventTerms]) -> Bool {
        x.count == y.count && zip(x, y).allSatisfy { s, t in
            sameBits(s.a, t.a) && sameBits(s.b, t.b) && (s.offset == nil) == (t.offset == nil)
                && sameBits(s.offset ?? [], t.offset ?? [])
                && s.basis.count == t.basis.count && zip(s.basis, t.basis).allSatisfy { sameBits($0, $1) }
        }
    }
}
