import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// Consecutive batches of a campaign on one device share the context, the programs and the
/// uploaded shared sample (OpenCLSession), and train exactly as fresh engines do.
final class OpenCLSessionTests: XCTestCase {
    private let architecture = try! Architecture([1, 4, 1])

    /// The NPLM batch of `toys` on the small 1-D benchmark with reference seed `seed`.
    private func toyBatch(_ toys: [Int], seed: UInt64, referenceSize: Int = 150) -> (FitBatch, [Double]) {
        let workload = Benchmark1D(expectedBackground: 20, referenceSize: referenceSize)
        let reference = workload.reference(seed: seed)
        let weights = workload.referenceWeights
        let batch = FitBatch.nplm(architecture: architecture, reference: reference, referenceWeights: weights,
                                  data: toys.map { workload.data(seed: seed, toy: UInt32($0)).events })
        return (batch, toys.flatMap { architecture.initialParameters(seed: seed, toy: UInt32($0)) })
    }

    private func backend(_ engine: OpenCLEngine) throws -> TrainingBackend { try OpenCLTrainingBackend.make(engine: engine) }

    private let options = TrainingOptions(epochs: 60, historyEvery: 20, optimizer: Adam(learningRate: 0.01),
                                          clipping: WeightClipping(bound: 9))

    private func train(_ engine: OpenCLEngine, _ initial: [Double]) throws -> [FitOutcome] {
        try Trainer.train(backend: try backend(engine), initialParameters: initial, options: options)
    }

    /// Three batches of one campaign (the last one shorter) in one session: one program build and
    /// one upload of the reference in all; every batch trains bit for bit as in a fresh session.
    func testBatchesWithTheSameReferenceReuseTheUploadAndMatchFreshEngines() throws {
        let device = try OpenCLTestSupport.device()
        let session = try OpenCLSession(device: device)
        let workload = Benchmark1D(expectedBackground: 20, referenceSize: 150)
        let reference = workload.reference(seed: 11)
        // Equal contents in new storage each batch: the comparison is by value, not by identity.
        for (number, toys) in [[0, 1, 2], [3, 4, 5], [6, 7]].enumerated() {
            let (batch, initial) = toyBatch(toys, seed: 11)
            XCTAssertEqual(batch.shared, reference)
            let engine = try OpenCLEngine(batch: batch, session: session)
            XCTAssertEqual(session.counts, OpenCLSession.Counts(programBuilds: 1, eventUploads: 1, termUploads: 1),
                           "after batch \(number)")
            let fresh = try OpenCLEngine(batch: batch, session: try OpenCLSession(device: device))
            XCTAssertEqual(try train(engine, initial), try train(fresh, initial), "batch \(number)")
        }
    }

    /// A new reference is uploaded (and replaces the old one); new terms over the same events
    /// upload the terms only; another architecture builds another program, kept beside the first.
    func testANewReferenceOrNewTermsUploadAgain() throws {
        let device = try OpenCLTestSupport.device()
        let session = try OpenCLSession(device: device)
        var random = TestRandom(21)
        let (first, _) = toyBatch([0, 1], seed: 21)
        _ = try OpenCLEngine(batch: first, session: session)
        XCTAssertEqual(session.counts, OpenCLSession.Counts(programBuilds: 1, eventUploads: 1, termUploads: 1))

        // Another reference of the same size: new events, same weights.
        let (second, secondInitial) = toyBatch([0, 1], seed: 22)
        let engine = try OpenCLEngine(batch: second, session: session)
        XCTAssertEqual(session.counts, OpenCLSession.Counts(programBuilds: 1, eventUploads: 2, termUploads: 1))
        let fresh = try OpenCLEngine(batch: second, session: try OpenCLSession(device: device))
        let parameters = secondInitial.map { $0 + random.uniform(-0.3, 0.3) }
        XCTAssertEqual(try OpenCLTestSupport.evaluate(engine, parameters).loss, try OpenCLTestSupport.evaluate(fresh, parameters).loss)
        XCTAssertEqual(try OpenCLTestSupport.evaluate(engine, parameters).gradient,
                       try OpenCLTestSupport.evaluate(fresh, parameters).gradient)

        // The same events with new terms (a permutation test's relabelings): terms only.
        let relabeled = FitBatch(architecture: architecture, pool: second.shared,
                                 terms: (0..<2).map { _ in random.terms(count: second.shared.count, offsets: true) })
        let permutation = try OpenCLEngine(batch: relabeled, session: session)
        XCTAssertEqual(session.counts, OpenCLSession.Counts(programBuilds: 1, eventUploads: 2, termUploads: 2))
        let freshPermutation = try OpenCLEngine(batch: relabeled, session: try OpenCLSession(device: device))
        XCTAssertEqual(try OpenCLTestSupport.evaluate(permutation, parameters).gradient,
                       try OpenCLTestSupport.evaluate(freshPermutation, parameters).gradient)

        // Another architecture: one more program; back to the first: none.
        let wide = try Architecture([1, 6, 1])
        let (widened, _) = toyBatch([0], seed: 22)
        _ = try OpenCLEngine(batch: FitBatch(architecture: wide, shared: widened.shared, sharedTerms: widened.sharedTerms,
                                             own: widened.own, ownTerms: widened.ownTerms), session: session)
        _ = try OpenCLEngine(batch: second, session: session)
        XCTAssertEqual(session.counts, OpenCLSession.Counts(programBuilds: 2, eventUploads: 2, termUploads: 3))

        // Equal values in other bits (−0 for +0) are another sample for the kernel: uploaded again.
        let zeros = FitBatch.nplm(architecture: architecture, reference: EventSet([0, 1]), referenceWeights: [1, 1], data: [EventSet([2])])
        let negativeZeros = FitBatch.nplm(architecture: architecture, reference: EventSet([-0.0, 1]), referenceWeights: [1, 1],
                                          data: [EventSet([2])])
        XCTAssertEqual(zeros.shared, negativeZeros.shared)
        _ = try OpenCLEngine(batch: zeros, session: session)
        _ = try OpenCLEngine(batch: negativeZeros, session: session)
        XCTAssertEqual(session.counts, OpenCLSession.Counts(programBuilds: 2, eventUploads: 4, termUploads: 4))
    }

    /// Through `BackendFactory`, as the campaign commands call it: the second batch of a campaign
    /// builds nothing and uploads nothing in the process's session.
    func testCampaignBatchesThroughTheFactoryShareTheProcessSession() throws {
        let device = try OpenCLTestSupport.device()
        let request = BackendRequest(kind: .opencl, device: device.index)
        let (first, _) = toyBatch([0, 1, 2], seed: 31)
        _ = try BackendFactory.make(request, batch: first, clipping: nil)
        let session = try OpenCLSession.session(for: device)
        let before = session.counts
        // The first batch went through this very session (else both reads below would be zero).
        XCTAssertGreaterThan(before.programBuilds, 0)
        let (second, _) = toyBatch([3, 4, 5], seed: 31)
        let backend = try BackendFactory.make(request, batch: second, clipping: nil)
        XCTAssertTrue(backend.name.hasPrefix("opencl: "), backend.name)
        XCTAssertEqual(session.counts, before)
    }
}
