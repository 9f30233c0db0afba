import CFastLoss
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The worker pool runs every item of every run exactly once, whatever the thread count (more
/// threads than cores too) and however short the runs.
final class FastCPUWorkerPoolTests: XCTestCase {
    func testEveryItemRunsExactlyOncePerRun() throws {
        for threads in [1, 2, 5] {
            let pool = try FastCPUWorkerPool(threads: threads)
            let capacity = 300
            let counts = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
            defer { counts.deallocate() }
            for run in 0..<6000 {
                let items = [0, 1, 2, 7, 64, 300][run % 6]
                counts.initialize(repeating: 0, count: capacity)
                nplm_pool_run(pool.pool, Int64(items), { context, item, _ in
                    let counts = UnsafeMutableRawPointer(mutating: context!).assumingMemoryBound(to: Int32.self)
                    counts[Int(item)] += 1
                }, counts)
                for i in 0..<capacity where counts[i] != (i < items ? 1 : 0) {
                    XCTFail("threads \(threads), run \(run): item \(i) ran \(counts[i]) times")
                    return
                }
            }
        }
    }
}
