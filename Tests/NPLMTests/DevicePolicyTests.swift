import XCTest
@testable import NPLMCore
@testable import NPLMEngines
@testable import NPLMMethods

/// `--backend` means the same for every model: the networks' training backend, the bare loss
/// engine of loops of their own (the nuisance fits) and the kernel model's products come from
/// one rule (`DevicePolicy`), with the same notices.
final class DevicePolicyTests: XCTestCase {
    private func batch() throws -> FitBatch {
        try FitBatch.nplm(architecture: Architecture([1, 4, 1]), reference: EventSet([0.1, 0.5, 2]), referenceWeights: [0.5, 0.5, 0.5],
                          data: [EventSet([0.3])])
    }

    /// reference, cpu or opencl, from an engine's name.
    private func kind(_ name: String) -> BackendKind {
        name.hasPrefix("opencl: ") ? .opencl : name.hasPrefix("cpu (") ? .cpu : name == "reference" ? .reference : .auto
    }

    /// What each model gets for `request`: the engine's kind and the notices.
    private func choices(_ request: BackendRequest) throws -> [(model: String, kind: BackendKind, notices: [String])] {
        var network: [String] = [], engine: [String] = [], kernel: [String] = []
        let backend = try BackendFactory.make(request, batch: try batch(), clipping: nil) { network.append($0) }
        let loss = try BackendFactory.engine(request, batch: try batch()) { engine.append($0) }
        let products = try BackendFactory.kernelEngine(request, dimension: 1) { kernel.append($0) }
        return [("network", kind(backend.name), network), ("loss engine", kind(loss.name), engine),
                ("kernel model", kind(products.name), kernel)]
    }

    func testEveryModelResolvesARequestAlike() throws {
        let devices = (try? OpenCLDevice.all()) ?? []
        var requests = [BackendRequest(kind: .auto), BackendRequest(kind: .auto, device: devices.count + 3),
                        BackendRequest(kind: .cpu, threads: 1), BackendRequest(kind: .reference)]
        if !devices.isEmpty {
            requests += [BackendRequest(kind: .auto, device: 0), BackendRequest(kind: .opencl, device: 0)]
        }
        for request in requests {
            let made = try choices(request)
            for other in made.dropFirst() {
                XCTAssertEqual(other.kind, made[0].kind, "\(request): \(other.model) and \(made[0].model)")
                XCTAssertEqual(other.notices, made[0].notices, "\(request): \(other.model) and \(made[0].model)")
            }
            let expected: BackendKind
            switch request.kind {
            case .reference, .cpu, .opencl: expected = request.kind
            case .auto:
                let named = request.device.flatMap { devices.indices.contains($0) ? devices[$0] : nil }
                expected = (named ?? devices.first { $0.kind == .gpu }) == nil ? .cpu : .opencl
            }
            XCTAssertEqual(made[0].kind, expected, "\(request)")
            switch (request.kind, expected) {
            case (.auto, .opencl): XCTAssertEqual(made[0].notices.count, 1)
                XCTAssertTrue(made[0].notices[0].hasPrefix("backend auto: opencl on "), "\(made[0].notices)")
            case (.auto, _): XCTAssertEqual(made[0].notices.count, 1)
                XCTAssertTrue(made[0].notices[0].hasSuffix("; using the CPU engine"), "\(made[0].notices)")
            case (.opencl, _): XCTAssertEqual(made[0].notices.map { $0.hasPrefix("backend: opencl: ") }, [true])
            default: XCTAssertEqual(made[0].notices, [])
            }
        }
    }

    /// Under auto, a device that cannot build the engine falls back to the CPU with a warning;
    /// under opencl, an OpenCL failure is an error naming the backend.
    func testAFailedDeviceFallsBackUnderAutoAndStopsUnderOpenCL() throws {
        let device = try OpenCLTestSupport.device()
        func failing(_ choice: EngineChoice) throws -> EngineChoice {
            if case .opencl = choice { throw OpenCLError(call: "clBuildProgram", status: -11, detail: "no\nerror: line 3") }
            return choice
        }
        var notices: [String] = []
        let chosen = try DevicePolicy.build(BackendRequest(kind: .auto, threads: 2, device: device.index),
                                            notice: { notices.append($0) }, name: { "\($0.kind)" }, failing)
        XCTAssertEqual(chosen.kind, .cpu)
        XCTAssertEqual(chosen.threads, 2)
        XCTAssertEqual(notices.count, 1)
        XCTAssertTrue(notices[0].hasPrefix("warning: backend auto: OpenCL on \(device.name) failed ("), notices[0])
        XCTAssertTrue(notices[0].hasSuffix("); using the CPU engine") && notices[0].contains("clBuildProgram"), notices[0])
        XCTAssertTrue(notices[0].contains("error: line 3"), "the first error of the build log: \(notices[0])")
        XCTAssertThrowsError(try DevicePolicy.build(BackendRequest(kind: .opencl, device: device.index), notice: { _ in },
                                                    name: { "\($0.kind)" }, failing)) {
            XCTAssertTrue("\($0)".hasPrefix("backend opencl: "), "\($0)")
        }
    }

    /// What `nplm bench` times for each kind.
    func testEveryEngineOfAKind() {
        XCTAssertEqual(EngineChoice.every(.reference, threadCounts: [1, 2]).map(\.kind), [.reference])
        XCTAssertEqual(EngineChoice.every(.cpu, threadCounts: [1, 2]).map(\.threads), [1, 2])
        XCTAssertEqual(EngineChoice.every(.opencl, threadCounts: [1]).count, ((try? OpenCLDevice.all()) ?? []).count)
    }
}
