import XCTest
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// `nplm fit --model kernel` and the toys of a kernel campaign are one method: the same weights
/// (`ReferenceWeights`), centres and engine give the same t bit for bit.
final class KernelFitTests: XCTestCase {
    func testAFitOfAToyEqualsTheCampaignsRecordOfIt() throws {
        let benchmark = Benchmark1D(expectedBackground: 70, referenceSize: 700, signal: .np3, signalEvents: 15)
        let options = KernelOptions(widths: [0.8, 2], centres: 30)
        let configuration = CampaignConfiguration(seed: 5, architecture: try Architecture([1, 4, 1]), training: TrainingOptions(epochs: 1),
                                                  benchmark: benchmark, kernel: options)
        let backend = BackendRequest(kind: .cpu, threads: 2)
        let toy = try CampaignRunner(configuration: configuration, backend: backend).train(toys: [0], shard: .whole)[0]
        let reference = benchmark.reference(seed: 5)
        let fit = KernelFit(data: benchmark.data(seed: 5, toy: 0).events, reference: reference,
                            weights: .expected(benchmark.expectedBackground, referenceCount: reference.count), options: options,
                            seed: 5, backend: backend)
        let result = try fit.run()
        let campaignT = try XCTUnwrap(toy.kernel).t, fitT = result.kernel.t
        XCTAssertEqual(fitT.map(\.bitPattern), campaignT.map(\.bitPattern), "fit \(fitT), campaign \(campaignT)")
        XCTAssertEqual(result.record.kernel, result.kernel)
        XCTAssertNil(result.record.network)
        XCTAssertTrue(result.engineName.hasPrefix("cpu ("), result.engineName)
    }

    /// A loop of its own (the nuisance fits) gets its engine from the same policy.
    func testAHostLoopOfItsOwnGetsThePolicysEngine() throws {
        let batch = try FitBatch.nplm(architecture: Architecture([1, 4, 1]), reference: EventSet([0.1, 0.5, 2]),
                                      referenceWeights: [0.5, 0.5, 0.5], data: [EventSet([0.3])])
        var engines: [String] = []
        let backend = try BackendFactory.make(BackendRequest(kind: .cpu, threads: 1), batch: batch) { engine in
            engines.append(engine.name)
            return HostTrainingLoop(engine: engine)
        }
        XCTAssertEqual(engines, [backend.name])
        XCTAssertTrue(backend.name.hasPrefix("cpu ("), backend.name)
        guard let device = try? OpenCLTestSupport.device() else { return }
        var notices: [String] = []
        let fallback = try BackendFactory.make(BackendRequest(kind: .auto, threads: 1, device: device.index), batch: batch,
                                               notice: { notices.append($0) }) { engine in
            if engine.name.hasPrefix("opencl") { throw NPLMError.invalidArgument("this loop cannot run on OpenCL") }
            return HostTrainingLoop(engine: engine)
        }
        XCTAssertTrue(fallback.name.hasPrefix("cpu ("), fallback.name)
        XCTAssertEqual(notices.count, 1)
        XCTAssertTrue(notices[0].contains("this loop cannot run on OpenCL"), notices[0])
    }
}
