import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// Training on the device against the host loop and the reference.
final class OpenCLTrainingTests: XCTestCase {
    /// Final t of OpenCL training against the reference: relative, or absolute where |t| < 1
    /// (`BackendTolerances`).
    static let statisticTolerance = BackendTolerances.forEngine(floatSummands: 0).t

    /// Null toys of the 1-D benchmark, small enough for the reference in debug.
    private func toyBatch(toys: [Int], seed: UInt64 = 5) throws -> (FitBatch, [Double]) {
        let architecture = try Architecture([1, 4, 1])
        let workload = Benchmark1D(expectedBackground: 20, referenceSize: 150)
        let reference = workload.reference(seed: seed)
        let weights = workload.referenceWeights
        let batch = FitBatch.nplm(architecture: architecture, reference: reference, referenceWeights: weights,
                                  data: toys.map { workload.data(seed: seed, toy: UInt32($0)).events })
        let initial = toys.flatMap { architecture.initialParameters(seed: seed, toy: UInt32($0)) }
        return (batch, initial)
    }

    /// Adam + clipping + the divergence rule in the kernel equal the host loop bit for bit, given
    /// the same (OpenCL) loss and gradient — including a fit whose loss is infinite from the start.
    func testDeviceAdamEqualsTheHostLoopBitForBit() throws {
        let device = try OpenCLTestSupport.device()
        guard device.fp64 else { throw XCTSkip("\(device.name) has no cl_khr_fp64: Adam runs on the host there") }
        let (batch, initial) = try toyBatch(toys: [0, 1, 2])
        var start = initial
        start[2 * 13 + 12] = 200  // fit 2's output bias: e^200 overflows float32, so its loss is +∞
        let clipping = WeightClipping(bound: 0.8)
        let optimizer = Adam(learningRate: 0.02)
        let device1 = try OpenCLTrainingBackend(engine: try OpenCLEngine(batch: batch, device: device))
        let host = HostTrainingLoop(engine: try OpenCLEngine(batch: batch, device: device), clipping: clipping)
        var a = TrainingState(parameters: start, fitCount: 3), b = a
        for epochs in [1, 40, 159] {
            try device1.advance(&a, epochs: epochs, optimizer: optimizer, clipping: clipping)
            try host.advance(&b, epochs: epochs, optimizer: optimizer, clipping: clipping)
            XCTAssertEqual(a, b, "after epoch \(a.epoch)")
            XCTAssertEqual(try device1.losses(a), try host.losses(b))
        }
        XCTAssertEqual(a.divergedAt, [nil, nil, 0])
        XCTAssertEqual(a.epoch, 200)
    }

    /// 1000 epochs of 8 toys with Keras' default Adam: the final t of OpenCL training equals the
    /// reference's (measured: ≤ 4e-7). With learning rate 0.01 one toy of eight ends 3e-4 apart:
    /// at equal parameters the two engines agree to 1e-8 in the loss, but Adam's normalised step
    /// m/√v turns rounding-level differences in near-zero gradient components into full-size steps,
    /// and the trajectories part (measured while writing this test).
    func testThousandEpochsOfEightToysMatchTheReference() throws {
        let device = try OpenCLTestSupport.device()
        let (batch, initial) = try toyBatch(toys: Array(0..<8))
        let options = TrainingOptions(epochs: 1000, historyEvery: 250, optimizer: Adam(),
                                      clipping: WeightClipping(bound: 9))
        let reference = try Trainer.train(backend: HostTrainingLoop(engine: ReferenceEngine(batch: batch)),
                                          initialParameters: initial, options: options)
        let opencl = try Trainer.train(backend: try OpenCLTrainingBackend.make(batch: batch, device: device.index),
                                       initialParameters: initial, options: options)
        for (toy, (r, o)) in zip(reference, opencl).enumerated() {
            let error = BackendTolerances.statisticDifference(o.t, r.t)
            print("toy \(toy): t reference \(r.t), opencl \(o.t), difference \(error)")
            XCTAssertLessThanOrEqual(error, Self.statisticTolerance, "toy \(toy): t \(o.t) vs reference \(r.t)")
            XCTAssertEqual(o.history.map(\.epoch), [250, 500, 750, 1000])
        }
    }

    /// Two runs give bitwise-identical losses and parameters, and a toy trained in a shard of the
    /// campaign equals the same toy trained in the whole batch.
    func testRunsAreBitwiseReproducibleAndShardIndependent() throws {
        let device = try OpenCLTestSupport.device()
        let options = TrainingOptions(epochs: 300, historyEvery: 100, optimizer: Adam(learningRate: 0.01),
                                      clipping: WeightClipping(bound: 9))
        func train(_ toys: [Int]) throws -> [FitOutcome] {
            let (batch, initial) = try toyBatch(toys: toys)
            return try Trainer.train(backend: try OpenCLTrainingBackend.make(batch: batch, device: device.index),
                                     initialParameters: initial, options: options)
        }
        let first = try train(Array(0..<6)), second = try train(Array(0..<6))
        XCTAssertEqual(first, second)
        let shard = try train([4, 1])
        XCTAssertEqual(shard[0], first[4])
        XCTAssertEqual(shard[1], first[1])
    }
}

/// Backend selection with an OpenCL device present.
final class OpenCLBackendChoiceTests: XCTestCase {
    private func batch() throws -> FitBatch {
        try FitBatch.nplm(architecture: Architecture([1, 4, 1]), reference: EventSet([0.1, 0.5, 2]), referenceWeights: [0.5, 0.5, 0.5],
                          data: [EventSet([0.3])])
    }

    func testExplicitAutoAndDeviceChoices() throws {
        let device = try OpenCLTestSupport.device()
        XCTAssertEqual(BackendFactory.openCLDevices(), try OpenCLDevice.all().map(\.name))
        var notices: [String] = []
        let opencl = try BackendFactory.make(BackendRequest(kind: .opencl, device: device.index), batch: try batch(), clipping: nil) {
            notices.append($0)
        }
        XCTAssertTrue(opencl.name.hasPrefix("opencl: "), opencl.name)
        XCTAssertEqual(notices.count, 1)

        notices = []
        let auto = try BackendFactory.make(BackendRequest(kind: .auto), batch: try batch(), clipping: nil) { notices.append($0) }
        XCTAssertEqual(notices.count, 1, "one line names the choice: \(notices)")
        if device.kind == .gpu {
            XCTAssertTrue(auto.name.hasPrefix("opencl: "))
        } else {
            XCTAssertTrue(notices[0].contains("no OpenCL GPU"), notices[0])
            XCTAssertFalse(auto.name.hasPrefix("opencl"))
        }

        XCTAssertThrowsError(try BackendFactory.make(BackendRequest(kind: .opencl, device: 99), batch: try batch(), clipping: nil)) {
            XCTAssertTrue("\($0)".contains("device 99"), "\($0)")
        }
    }
}
