import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The kernel model's OpenCL products (Kernels/gaussian_products.cl, `OpenCLKernelProducts`)
/// against the plain Double reference: K·v, Kᵀw and Kᵀ(d∘Kv) in every layout (CPU and GPU, double
/// and compensated float sums) on ragged batches of tests and widths, converged fits, bitwise
/// repeats, a fit's independence of its batch, and the GPU layout on Oclgrind.
final class KernelOpenCLTests: XCTestCase {
    /// Products relative to Σ|k·v|, as the fast CPU engine (`KernelModelTests.productTolerance`):
    /// float32 kernel values (OpenCL's exp within 3 ulp, the squared distance rounded once more),
    /// ≈ 3e-7 relative each; double products and sums (or float products, ≈ 6e-8, in compensated
    /// sums).
    static let productTolerance = KernelModelTests.productTolerance
    /// With double kernel values (KERNEL_FP64, the default precision): OpenCL's double exp within
    /// 3 ulp and double sums, as the fast CPU engine (`KernelModelTests.doubleProductTolerance`).
    static let doubleProductTolerance = KernelModelTests.doubleProductTolerance

    static func tolerance(_ variant: OpenCLKernelVariant) -> Double {
        variant.doubleKernelValues ? doubleProductTolerance : productTolerance
    }
    /// t and f of converged fits against the reference: the same float32 kernel values as the fast
    /// CPU engine, so the same bounds (`KernelModelTests`).
    static let statisticTolerance = KernelModelTests.statisticTolerance
    static let modelTolerance = KernelModelTests.modelTolerance

    /// Every layout, on the PoCL device: the device's own, the GPU layout (one event or centre per
    /// work-item, local-memory tiles) with several chunks per fit, once with one work-item per event
    /// in the one-pass product and once with four sharing an event's centres (and more chunks than
    /// work-groups), and a mixed one (vectors of centres, steps straddling chunks), each with double
    /// kernel values (where the device has fp64), float ones with double sums, and float ones
    /// without fp64.
    private func variants(_ device: OpenCLDevice, dimension: Int) throws -> [OpenCLKernelVariant] {
        let chosen = try OpenCLKernelVariant.choose(for: device, dimension: dimension, precision: .float32, environment: [:])
        let gpu = OpenCLKernelVariant(vectorWidth: 1, workGroupSize: 16, tile: 8, chunk: 64, useFP64: device.fp64)
        let shared = OpenCLKernelVariant(vectorWidth: 1, workGroupSize: 16, tile: 8, chunk: 8, useFP64: device.fp64, centreParts: 4)
        // vectors of centres, two work-items per event, three events each: steps of 6 straddling chunks of 16
        let mixed = OpenCLKernelVariant(vectorWidth: 4, workGroupSize: 4, tile: 8, chunk: 16, useFP64: device.fp64,
                                        centreParts: 2, eventsPerItem: 3)
        var list: [OpenCLKernelVariant] = []
        for base in [chosen, gpu, shared, mixed] {
            var v = base
            if device.fp64 {
                v.doubleKernelValues = true
                list.append(v)
                v.doubleKernelValues = false
                list.append(v)
            }
            v.useFP64 = false
            list.append(v)
        }
        return list
    }

    /// Random reference and tests: data counts and centre counts that are not multiples of any
    /// vector width or work-group.
    static func batch(_ random: inout TestRandom, dimension: Int, reference: Int, data: [Int], centres: [Int],
                      widths: [Double]) -> (EventSet, [OpenCLKernelProducts.Test]) {
        let shared = random.events(count: reference, dimension: dimension)
        let tests = zip(data, centres).map { count, m -> OpenCLKernelProducts.Test in
            let own = random.events(count: count, dimension: dimension)
            let pooled = shared.appending(own)
            return .init(data: own, centres: pooled.subset(NystromCentres.draw(count: m, from: pooled.count, seed: 1, toy: UInt32(count))),
                         widths: widths)
        }
        return (shared, tests)
    }

    /// The worst error of each product of every fit, relative to its Σ|k·v| bound.
    static func productErrors(_ products: OpenCLKernelProducts, reference: EventSet, tests: [OpenCLKernelProducts.Test],
                              random: inout TestRandom) throws -> (kv: Double, ktw: Double, curvature: Double) {
        var slow: [ReferenceKernelProducts] = []
        for test in tests {
            for width in test.widths {
                slow.append(ReferenceKernelProducts(events: reference.appending(test.data), centres: test.centres, width: width))
            }
        }
        let fits = Array(slow.indices)
        let v = slow.map { s in (0..<s.centreCount).map { _ in random.uniform(-1, 1) } }
        let w = slow.map { s in (0..<s.eventCount).map { _ in random.uniform(-1, 1) } }
        let d = slow.map { s in (0..<s.eventCount).map { _ in random.uniform(0, 1) } }
        let kv = try products.evaluate(v, fits: fits), ktw = try products.transposed(w, fits: fits)
        let curvature = try products.curvature(v, weights: d, fits: fits)
        var worst = (kv: 0.0, ktw: 0.0, curvature: 0.0)
        for f in fits {
            let vScale = v[f].map(abs).reduce(0, +), wScale = w[f].map(abs).reduce(0, +)
            worst.kv = max(worst.kv, zip(kv[f], slow[f].evaluate(v[f])).map { abs($0 - $1) }.max()! / vScale)
            worst.ktw = max(worst.ktw, zip(ktw[f], slow[f].transposed(w[f])).map { abs($0 - $1) }.max()! / wScale)
            worst.curvature = max(worst.curvature, zip(curvature[f], slow[f].curvature(v[f], weights: d[f])).map { abs($0 - $1) }.max()!
                                  / (vScale * Double(slow[f].eventCount)))
        }
        return worst
    }

    func testProductsMatchReferenceInEveryLayout() throws {
        let device = try OpenCLTestSupport.device()
        var random = TestRandom(41)
        for dimension in [1, 3] {
            let (reference, tests) = Self.batch(&random, dimension: dimension, reference: 301, data: [23, 1, 70],
                                                centres: [37, 5, 20], widths: [0.2, 1.3])
            for variant in try variants(device, dimension: dimension) {
                let products = try OpenCLKernelProducts(reference: reference, tests: tests, device: device, variant: variant)
                let worst = try Self.productErrors(products, reference: reference, tests: tests, random: &random)
                print("kernel products d=\(dimension) [\(variant)]: K·v \(worst.kv), Kᵀw \(worst.ktw), Kᵀ(d∘Kv) \(worst.curvature)")
                XCTAssertLessThan(worst.kv, Self.tolerance(variant), "K·v d=\(dimension) [\(variant)]")
                XCTAssertLessThan(worst.ktw, Self.tolerance(variant), "Kᵀw d=\(dimension) [\(variant)]")
                XCTAssertLessThan(worst.curvature, Self.tolerance(variant), "Kᵀ(d∘Kv) d=\(dimension) [\(variant)]")
            }
        }
    }

    /// A fit's products are the same bits whichever fits share the launch, and from run to run.
    func testProductsAreBitwiseRepeatableAndBatchIndependent() throws {
        let device = try OpenCLTestSupport.device()
        var random = TestRandom(5)
        let (reference, tests) = Self.batch(&random, dimension: 1, reference: 500, data: [30, 44], centres: [25, 31], widths: [0.4, 0.9])
        let products = try OpenCLKernelProducts(reference: reference, tests: tests, device: device)
        let v = (0..<4).map { f in (0..<(f < 2 ? 25 : 31)).map { _ in random.uniform(-1, 1) } }
        let d = (0..<4).map { f in (0..<(500 + (f < 2 ? 30 : 44))).map { _ in random.uniform(0, 1) } }
        let all = try products.curvature(v, weights: d, fits: [0, 1, 2, 3])
        let again = try products.curvature(v, weights: d, fits: [0, 1, 2, 3])
        let alone = try products.curvature([v[2]], weights: [d[2]], fits: [2])
        XCTAssertEqual(all.flatMap { $0 }.map(\.bitPattern), again.flatMap { $0 }.map(\.bitPattern), "two runs bit for bit")
        XCTAssertEqual(all[2].map(\.bitPattern), alone[0].map(\.bitPattern), "fit 2 alone and in its batch")
        let f = try products.evaluate(v, fits: [0, 1, 2, 3]), f3 = try products.evaluate([v[3], v[0]], fits: [3, 0])
        XCTAssertEqual(f[3].map(\.bitPattern), f3[0].map(\.bitPattern))
        XCTAssertEqual(f[0].map(\.bitPattern), f3[1].map(\.bitPattern))
    }

    private func benchmarkToy(seed: UInt64, signal: Signal1D = .none) -> (EventSet, [Double], [EventSet]) {
        let benchmark = Benchmark1D(expectedBackground: 150, referenceSize: 900, signal: signal,
                                    signalEvents: signal == .none ? nil : 40)
        let reference = benchmark.reference(seed: seed)
        return (reference, benchmark.referenceWeights.map(Double.init),
                (0..<3).map { benchmark.data(seed: seed, toy: UInt32($0)).events })
    }

    /// Converged fits (two widths, two Newton steps) against the reference solver: t, f, the CG traces.
    func testFitMatchesReference() throws {
        _ = try OpenCLTestSupport.device()
        let (reference, weights, data) = benchmarkToy(seed: 3, signal: .np3)
        let options = KernelOptions(widths: [0.3, 1.0], centres: 40, lambda: 1e-6, newtonSteps: 2, cgTolerance: 1e-10)
        let slow = try KernelTester(engine: .reference, options: options)
        let opencl = try KernelTester(engine: .opencl(try OpenCLDevice.select(nil)), options: options)
        let problem = try slow.problem(reference: reference, referenceWeights: weights, data: data[1], seed: 5, toy: 2)
        let s = try slow.fit(problem, widths: [0.3, 1.0])
        let o = try opencl.fit(problem, widths: [0.3, 1.0])
        for (a, b) in zip(o, s) {
            print("kernel fit σ = \(b.width): t opencl \(a.t), reference \(b.t); CG \(a.cg.map(\.iterations)) vs \(b.cg.map(\.iterations))")
            XCTAssertEqual(a.t, b.t, accuracy: Self.statisticTolerance * max(1, abs(b.t)), "t at σ = \(b.width)")
            let scale = b.f.map(abs).max()!
            XCTAssertLessThan(zip(a.f, b.f).map { abs($0 - $1) }.max()! / scale, Self.modelTolerance, "f at σ = \(b.width)")
            for (x, y) in zip(a.cg, b.cg) {
                XCTAssertTrue(x.converged && y.converged, "CG converged: \(x), \(y)")
                XCTAssertLessThan(x.residual, 1e-10)
                // Float32 kernel values move the residual of each CG step by ~1e-7 relative, so near the
                // 1e-10 stop a run may take an iteration or two more or fewer than the Double
                // reference (seen: 32/28 against 33/27); 3 leaves room without hiding a stalled CG.
                XCTAssertEqual(x.iterations, y.iterations, accuracy: 3, "CG iterations (opencl \(x.iterations), reference \(y.iterations))")
            }
        }
    }

    /// A batch of toys (one launch per product for every toy and width) repeats bit for bit, and
    /// each toy's record equals that toy run alone.
    func testCampaignBatchIsDeterministicAndEqualsToysAlone() throws {
        _ = try OpenCLTestSupport.device()
        let (reference, weights, data) = benchmarkToy(seed: 8)
        let tester = try KernelTester(engine: .opencl(try OpenCLDevice.select(nil)), options: KernelOptions(widths: [0.4, 1.1], centres: 50))
        let batch = try tester.runBatch(references: [reference], referenceWeights: weights, data: data, widths: [0.4, 1.1], seed: 9,
                                        toys: [0, 1, 2])
        let again = try tester.runBatch(references: [reference], referenceWeights: weights, data: data, widths: [0.4, 1.1], seed: 9,
                                        toys: [0, 1, 2])
        XCTAssertEqual(batch, again, "two runs")
        XCTAssertEqual(batch.flatMap(\.t).map(\.bitPattern), again.flatMap(\.t).map(\.bitPattern))
        for j in 0..<3 {
            let alone = try tester.run(reference: reference, referenceWeights: weights, data: data[j], widths: [0.4, 1.1], seed: 9,
                                       toy: UInt32(j))
            XCTAssertEqual(alone.t.map(\.bitPattern), batch[j].t.map(\.bitPattern), "toy \(j) alone and in its batch")
            XCTAssertEqual(alone.cg, batch[j].cg)
        }
        XCTAssertTrue(tester.engineDescription.hasPrefix("opencl: "), tester.engineDescription)
    }

    /// `nplm toys --model kernel --backend opencl` runs the OpenCL products (the campaign names the
    /// engine) and agrees with `--backend cpu`.
    func testToysWithOpenCLBackendAgreeWithCPU() throws {
        _ = try OpenCLTestSupport.device()
        let folder = try CLI.temporaryDirectory(self)
        let common = ["toys", "--model", "kernel", "--reference-size", "2000", "--expected", "200", "--widths", "1,2.5",
                      "--centres", "60", "--batch", "2", "--toys", "3", "--cg-tolerance", "1e-9"]
        var records: [[FitRecord]] = []
        for backend in ["cpu", "opencl"] {
            let run = try CLI.run(common + ["--backend", backend, "--output", "\(backend).jsonl"], in: folder)
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertTrue((run.stdout + run.stderr).contains(backend == "cpu" ? "cpu (" : "opencl: "), run.stdout + run.stderr)
            records.append(try CampaignFile.read(folder.appendingPathComponent("\(backend).jsonl").path))
        }
        for (cpu, opencl) in zip(records[0], records[1]) {
            for (a, b) in zip(opencl.kernel!.t, cpu.kernel!.t) {
                XCTAssertEqual(a, b, accuracy: Self.statisticTolerance * max(1, abs(b)), "toy \(cpu.toy ?? -1)")
            }
        }
    }

    /// The kernel workload of `nplm bench` on a small problem, on the library (the command refuses
    /// debug builds): seconds per toy, CG iterations, a product pass.
    func testBenchKernelWorkloadMeasures() throws {
        let device = try? OpenCLTestSupport.device()
        for choice in [EngineChoice.cpu(threads: 2)] + (device.map { [.opencl($0)] } ?? []) {
            let m = try KernelBenchMeasurement.measure(engine: choice, referenceSize: 3000, centres: 40, toys: 2, repeats: 1)
            XCTAssertEqual(m.referenceEvents, 3000)
            XCTAssertEqual(m.centres, 40)
            XCTAssertEqual(m.runs.count, 1)
            XCTAssertGreaterThan(m.secondsPerToy, 0)
            XCTAssertGreaterThan(m.cgIterations, 0)
            XCTAssertGreaterThan(m.secondsPerProductPass, 0)
            XCTAssertGreaterThan(try XCTUnwrap(m.secondsPerProductPassFloat32), 0)
            XCTAssertGreaterThan(try XCTUnwrap(m.cpuSecondsPerProductPass), 0)
            XCTAssertGreaterThan(try XCTUnwrap(m.cpuSecondsPerProductPassFloat32), 0)
            XCTAssertTrue(m.precisionCost?.contains("float64 costs") ?? false, m.precisionCost ?? "none")
            XCTAssertEqual(m.kind, choice.kind)
            XCTAssertEqual(m.threads, choice.threads)
        }
        let run = try CLI.run(["bench", "--workloads", "kernel", "--kernel-centres", "0"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("--kernel-centres"), run.stderr)
    }

    // MARK: - The GPU layout on Oclgrind

    func testGPULayoutRunsCleanOnOclgrind() throws {
        if ProcessInfo.processInfo.environment[OpenCLOclgrindTests.childVariable] != nil {
            try compareOnOclgrind()
            return
        }
        let stdout = try OpenCLOclgrindTests.runChild(self, test: "NPLMTests.KernelOpenCLTests/testGPULayoutRunsCleanOnOclgrind")
        XCTAssertTrue(stdout.contains("oclgrind: kernel products") && stdout.contains("oclgrind: kernel fit"),
                      "the child did not run every case:\n\(stdout.suffix(4000))")
    }

    private func compareOnOclgrind() throws {
        let devices = try OpenCLDevice.all()
        guard devices.count == 1, let device = devices.first, device.platformName.contains("Oclgrind") else {
            return XCTFail("expected Oclgrind as the only OpenCL device, found \(devices.map(\.description))")
        }
        var variant = try OpenCLKernelVariant.choose(for: device, dimension: 2)
        XCTAssertEqual(variant.layout, .gpu)
        // several chunks per fit and a tile smaller than the work-group
        variant.tile = 8
        variant.chunk = 32
        var random = TestRandom(77)
        let (reference, tests) = Self.batch(&random, dimension: 2, reference: 45, data: [9, 13], centres: [5, 21], widths: [0.5, 1.1])
        var floatValues = variant
        floatValues.doubleKernelValues = false
        var compensated = floatValues
        compensated.useFP64 = false
        // the one-pass product with four work-items sharing an event's centres (local reduction)
        var shared = variant
        shared.centreParts = 4
        for v in [variant, floatValues, compensated, shared] {
            let products = try OpenCLKernelProducts(reference: reference, tests: tests, device: device, variant: v)
            let worst = try Self.productErrors(products, reference: reference, tests: tests, random: &random)
            XCTAssertLessThan(max(worst.kv, worst.ktw, worst.curvature), Self.tolerance(v), "[\(v)]")
            print("oclgrind: kernel products [\(v)]: K·v \(worst.kv), Kᵀw \(worst.ktw), Kᵀ(d∘Kv) \(worst.curvature)")
        }
        // one small fit through the tester (the device's own GPU layout)
        let benchmark = Benchmark1D(expectedBackground: 20, referenceSize: 60)
        let ref = benchmark.reference(seed: 2)
        let weights = benchmark.referenceWeights.map(Double.init)
        let options = KernelOptions(widths: [0.7], centres: 10, lambda: 1e-4, cgTolerance: 1e-10)
        let data = benchmark.data(seed: 2, toy: 0).events
        let o = try KernelTester(engine: .opencl(try OpenCLDevice.select(nil)), options: options).run(reference: ref, referenceWeights: weights, data: data,
                                                                          widths: [0.7], seed: 1, toy: 0)
        let s = try KernelTester(engine: .reference, options: options).run(reference: ref, referenceWeights: weights, data: data,
                                                                             widths: [0.7], seed: 1, toy: 0)
        XCTAssertEqual(o.t[0], s.t[0], accuracy: Self.statisticTolerance * max(1, abs(s.t[0])))
        print("oclgrind: kernel fit t \(o.t[0]) (reference \(s.t[0]))")
    }
}

extension KernelOpenCLTests {
    /// The OpenCL batch is cut by memory: small problems all together, M = 3000 at n = 200 000
    /// within a quarter of the host memory at about 0.3 GB per fit.
    func testOpenCLBatchesAreCutByMemory() throws {
        let device = try OpenCLTestSupport.device()
        var random = TestRandom(3)
        func problem(events: Int, centres: Int) -> KernelTester.Problem {
            let data = random.events(count: events, dimension: 1)
            return KernelTester.Problem(events: data, reference: data, data: data, isData: [], weights: [],
                                        centreIndices: Array(0..<centres), centres: data.subset(Array(0..<centres)), dataCount: 0)
        }
        XCTAssertEqual(try KernelTester.openCLTestsPerBatch((0..<10).map { _ in problem(events: 500, centres: 40) }, widths: 3,
                                                            device: device), 10)
        let big = try KernelTester.openCLTestsPerBatch(Array(repeating: problem(events: 200_000, centres: 3000), count: 40),
                                                       widths: 3, device: device)
        let perTest = 8.0 * (4 * 3000 * 3000 + 6 * 200_000) * 3
        XCTAssertLessThanOrEqual(Double(big) * perTest, max(TrainingMemory.physicalMemory / 4, perTest))
        XCTAssertGreaterThanOrEqual(big, 1)
    }
}
