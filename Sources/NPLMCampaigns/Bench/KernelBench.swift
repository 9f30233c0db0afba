import Foundation
import NPLMStatistics
import NPLMCore
import NPLMData
import NPLMEngines
import NPLMMethods

/// One timed configuration of the kernel workload of `nplm bench`: whole kernel-model toys of the
/// 1-D benchmark of Letizia et al. ("Learning new physics efficiently with nonparametric
/// methods": N(R₀) = 2000, λ = 1e-10, σ = 0.3 in their x, one Newton step; here σ = 2.4, since
/// our background is e^{−x} rather than their e^{−8x}), at a chosen N_R and M, on one engine.
/// Written as one JSON object per measurement by `--json`.
public struct KernelBenchMeasurement: Codable, Sendable {
    /// The engine as it names itself ("cpu (AVX2, 2 threads)", "opencl: …").
    public var engine: String
    public var kind: BackendKind
    /// N_R, M, the width σ, λ.
    public var referenceEvents: Int
    public var centres: Int
    public var width: Double
    public var lambda: Double
    /// Toys per timed run (one batch: on OpenCL one launch per product for all of them).
    public var toys: Int
    /// Mean data events per toy.
    public var dataEvents: Double
    public var threads: Int?
    /// Median over the runs of wall-clock seconds per toy (pooling, centres, K_MM, the M × M
    /// factorisations, the products, t).
    public var secondsPerToy: Double
    /// Seconds per toy of every timed run, in the order they ran.
    public var runs: [Double]
    /// Mean conjugate-gradient iterations per toy: each costs one product pass.
    public var cgIterations: Double
    /// Median seconds of one product pass Kᵀ(d ∘ K·v) of one toy (n·M kernel values twice), with
    /// the float64 kernel values the fits use (`KernelPrecision.float64`, the authors' objective).
    public var secondsPerProductPass: Double
    /// The cost of that precision: the same pass with float32 kernel values
    /// (`KernelPrecision.float32`), timed alternately with the float64 pass — median wall seconds,
    /// and median process CPU seconds of both (what a pass costs whatever else the machine runs).
    /// nil on the reference engine, whose kernel values are Double whatever the precision.
    public var secondsPerProductPassFloat32: Double?
    public var cpuSecondsPerProductPass: Double?
    public var cpuSecondsPerProductPassFloat32: Double?
    /// Process CPU time / wall time over the timed runs.
    public var cpuUtilization: Double
    /// Process CPU seconds (every thread) per toy over the timed runs: what a toy costs whatever
    /// else the machine runs; on an idle machine with c cores, wall time ≈ this / c where the
    /// work parallelises.
    public var cpuSecondsPerToy: Double
    public var machine: String

    /// The workload's N(R₀) (the 1-D benchmark's), and its default width σ and λ.
    public static let expectedBackground = Benchmark1D.defaultExpectedBackground
    public static let defaultWidth = 2.4
    public static let defaultLambda = 1e-10

    /// N_R and M timed when none are given (`nplm bench --workloads kernel`): the 1-D
    /// benchmark's N_R = 200 000 and M = 3000 centres.
    public static let defaultReferenceSize = Benchmark1D.defaultReferenceSize
    public static let defaultCentres = 3000
    /// The reference engine is timed only where N_R·M is at most this (n·M kernel values per
    /// product pass in plain Double: beyond, a toy takes minutes).
    public static let referenceLimit = 1e7

    /// The cost of the float64 kernel values (the authors' objective) per pass over K_nM against
    /// float32 ones (`KernelPrecision.float32`), in one line; nil on the reference engine.
    public var precisionCost: String? {
        guard let wall32 = secondsPerProductPassFloat32, let cpu64 = cpuSecondsPerProductPass,
              let cpu32 = cpuSecondsPerProductPassFloat32 else { return nil }
        let extra = cpu32 > 0 ? String(format: "%+.0f %%", 100 * (cpu64 / cpu32 - 1)) : "n/a"
        return String(format: "one pass over K_nM with float64 kernel values (the default) %.3f s, %.3f CPU s; with float32 %.3f s, %.3f CPU s: ",
                      secondsPerProductPass, cpu64, wall32, cpu32) + "float64 costs \(extra) CPU per pass"
    }

    /// The workload in one line (for the table's heading).
    public static var workloadText: String {
        String(format: "1-D toys, N(R0) = %g, σ = %g, λ = %g, one Newton step", expectedBackground, defaultWidth, defaultLambda)
    }

    /// Times `repeats` runs of `toys` toys on `choice` (after an untimed small run that builds
    /// what a first call builds, such as the OpenCL program), then `repeats` product passes.
    public static func measure(engine choice: EngineChoice, referenceSize: Int, centres: Int, toys: Int, repeats: Int,
                               width: Double = defaultWidth, lambda: Double = defaultLambda,
                               seed: UInt64 = 1) throws -> KernelBenchMeasurement {
        // Sizes checked before the toys are drawn: their indices are UInt32, every toy's data is
        // kept, and the M × M matrices must fit.
        guard toys >= 1, toys <= Int(UInt32.max) else { throw NPLMError.invalidArgument("\(Parameter.kernelToys) must be 1 to 2^32 − 1, got \(toys)") }
        try SampleSize.check(Double(referenceSize), option: "\(Parameter.kernelReferenceSizes)")
        let perToy = Int(expectedBackground + 6 * expectedBackground.squareRoot() + 10)
        try MemoryLimit.check(Double(toys) * Double(perToy) * 16, for: "the data of \(toys) toys", label: "\(Parameter.kernelToys) \(toys)",
                              advice: "use fewer \(Parameter.kernelToys)")
        try TrainingMemory.checkKernel(centres: min(centres, referenceSize + perToy), widths: 1, events: referenceSize + perToy, dimension: 1)
        let options = KernelOptions(widths: [width], centres: centres, lambda: lambda, newtonSteps: 1)
        let engine = try BackendFactory.kernelEngine(choice)
        let tester = try KernelTester(engine: engine, options: options)
        let benchmark = Benchmark1D(expectedBackground: expectedBackground, referenceSize: referenceSize)
        let reference = benchmark.reference(seed: seed)
        let weights = ReferenceWeights.expected(expectedBackground, referenceCount: referenceSize)
        let data = (0..<toys).map { benchmark.data(seed: seed, toy: UInt32($0)).events }

        let small = Benchmark1D(expectedBackground: 100, referenceSize: 1000)
        let warm = try KernelTester(engine: engine, options: KernelOptions(widths: [width], centres: 50, lambda: lambda))
        _ = try warm.run(reference: small.reference(seed: seed), weights: .expected(100, referenceCount: 1000),
                         data: small.data(seed: seed, toy: 0).events, widths: [width], seed: seed, toy: 0)

        var times: [Double] = [], iterations: [Int] = []
        let cpuStart = Clock.processCPU(), wallStart = Clock.wall()
        for _ in 0..<repeats {
            let start = Clock.wall()
            let records = try tester.runBatch(references: [reference], weights: weights, data: data, widths: [width],
                                              seed: seed, toys: (0..<toys).map { UInt32($0) })
            times.append((Clock.wall() - start) / Double(toys))
            iterations += records.flatMap { $0.cg.flatMap { $0.map(\.iterations) } }
        }
        let cpuSeconds = Clock.processCPU() - cpuStart
        let utilization = cpuSeconds / max(Clock.wall() - wallStart, 1e-9)

        // one product pass of toy 0, float64 kernel values and (not on the reference) float32 ones,
        // alternated so that both see the same load
        let problem = try tester.problem(reference: reference, referenceWeights: weights.kernelValues, data: data[0], seed: seed, toy: 0)
        let test = OpenCLKernelProducts.Test(data: data[0], centres: problem.centres, widths: [width])
        let precisions: [KernelPrecision] = choice.kind == .reference ? [.float64] : [.float64, .float32]
        let products = try precisions.map { try engine.products(reference: reference, tests: [test], precision: $0) }
        let v = [Double](repeating: 1e-3, count: problem.centres.count)
        let d = [Double](repeating: 1 / Double(problem.events.count), count: problem.events.count)
        var passes = precisions.map { _ in [Double]() }, cpuPasses = passes
        for _ in 0..<max(1, repeats) {
            for (k, pass) in products.enumerated() {
                let start = Clock.wall(), cpu = Clock.processCPU()
                _ = try pass.curvature([v], weights: [d], fits: [0])
                passes[k].append(Clock.wall() - start)
                cpuPasses[k].append(Clock.processCPU() - cpu)
            }
        }
        let float32 = precisions.count > 1
        return KernelBenchMeasurement(
            engine: tester.engineDescription, kind: choice.kind, referenceEvents: referenceSize, centres: problem.centres.count, width: width,
            lambda: lambda, toys: toys, dataEvents: Double(data.reduce(0) { $0 + $1.count }) / Double(toys), threads: choice.threads,
            secondsPerToy: SampleSummary(times).median, runs: times,
            cgIterations: Double(iterations.reduce(0, +)) / Double(max(1, iterations.count)),
            secondsPerProductPass: SampleSummary(passes[0]).median,
            secondsPerProductPassFloat32: float32 ? SampleSummary(passes[1]).median : nil,
            cpuSecondsPerProductPass: float32 ? SampleSummary(cpuPasses[0]).median : nil,
            cpuSecondsPerProductPassFloat32: float32 ? SampleSummary(cpuPasses[1]).median : nil, cpuUtilization: utilization,
            cpuSecondsPerToy: cpuSeconds / Double(repeats * toys), machine: Machine.description)
    }
}
