import CFastLoss
import NPLMCore

/// Persistent worker threads for the fast CPU engine (Sources/CFastLoss/pool.c): `threads − 1`
/// threads started once, plus the calling thread. Between runs a worker spins for up to 0.2 ms,
/// then sleeps, so an epoch loop never starts a thread or makes a system call in steady state.
/// A run ends when its items are done, not when every worker has checked in: on a busy machine a
/// worker that is not scheduled simply does less of the work.
package final class FastCPUWorkerPool {
    package let threads: Int
    let pool: OpaquePointer

    package init(threads: Int) throws {
        guard threads >= 1, threads <= Int(Int32.max) else {
            throw NPLMError.invalidArgument("\(Parameter.threads) must be at least 1, got \(threads)")
        }
        guard let pool = nplm_pool_create(Int32(threads)) else {
            throw NPLMError.invalidArgument("\(Parameter.threads) \(threads): could not start that many worker threads; use fewer")
        }
        self.threads = threads
        self.pool = pool
    }

    deinit { nplm_pool_destroy(pool) }
}
