import Foundation

/// `body(i)` for every i in 0..<count on up to `workers` threads, the results in index order.
/// Worker k takes the indices k, k + workers, k + 2·workers, …: each index's work runs whole on
/// one thread, so its result does not depend on the number of workers. The error of the lowest
/// index that throws is rethrown (after every index has run).
public func concurrentMap<T>(_ count: Int, workers: Int, _ body: (Int) throws -> T) throws -> [T] {
    let workers = max(1, min(workers, count))
    if workers == 1 { return try (0..<count).map(body) }
    var results = [Result<T, Error>?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { buffer in
        let slots = DisjointSlots(buffer)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in stride(from: worker, to: count, by: workers) {
                slots.pointer[i] = Result { try body(i) }
            }
        }
    }
    return try results.map { try $0!.get() }
}

/// Lets the workers of `concurrentPerform` write their own disjoint slots of one buffer.
public struct DisjointSlots<T>: @unchecked Sendable {
    public let pointer: UnsafeMutableBufferPointer<T>
    public init(_ pointer: UnsafeMutableBufferPointer<T>) { self.pointer = pointer }
}
