import Foundation
import NPLMStatistics
import NPLMCore
import NPLMEngines

/// One timed configuration of `nplm bench`: full training epochs (loss, gradient, Adam, clipping)
/// of a batch on one backend. Written as one JSON object per measurement by `--json`.
public struct BenchMeasurement: Codable, Sendable {
    /// The backend as it names itself ("cpu (AVX2, 2 threads)", "reference", "opencl: …").
    public var backend: String
    public var kind: BackendKind
    public var workload: BenchWorkload
    public var architecture: String
    /// T, the fits trained together.
    public var fits: Int
    /// N_R.
    public var referenceEvents: Int
    /// Mean data events per fit.
    public var dataEvents: Double
    /// Events summed over the fits: the points of one epoch.
    public var pointsPerEpoch: Int
    /// Worker threads (CPU backends), nil for the others.
    public var threads: Int?
    /// Epochs run before timing, and how long they took (includes one-off set-up such as kernel
    /// compilation and the first touch of every buffer).
    public var warmupEpochs: Int
    public var warmupSeconds: Double
    /// Epochs per timed run, and the number of timed runs (the median is reported).
    public var epochs: Int
    public var repeats: Int
    /// Median over the runs of wall-clock seconds per epoch.
    public var secondsPerEpoch: Double
    /// Seconds per epoch of every timed run, in the order they ran.
    public var runs: [Double]
    /// pointsPerEpoch / secondsPerEpoch.
    public var pointEpochsPerSecond: Double
    /// secondsPerEpoch × projectedEpochs / T: the wall-clock cost of one toy in a batch of T.
    public var projectedSecondsPerToy: Double
    public var projectedEpochs: Int
    /// Process CPU time / wall time over the timed runs: near the thread count on a quiet machine,
    /// lower when other processes took the cores.
    public var cpuUtilization: Double
    /// The machine: CPU model and core count.
    public var machine: String
    /// OpenCL backends: median seconds of the loss + gradient kernel and of the combine kernel per
    /// epoch, from profiling events (nil for the other backends).
    public var lossKernelSeconds: Double?
    public var combineKernelSeconds: Double?

    /// Runs `warmup` epochs, then `repeats` timed runs of `epochs` epochs (epochs = 0: as many as
    /// fill about `seconds` seconds, judged from the warm-up).
    public static func measure(backend: TrainingBackend, kind: BackendKind, workload: BenchWorkload, threads: Int?,
                               initialParameters: [Double], warmup: Int, epochs: Int, seconds: Double, repeats: Int,
                               projectedEpochs: Int = 300_000) throws -> BenchMeasurement {
        guard let batch = backend.lossEngine?.batch else { preconditionFailure("the bench measures backends over a batch of events") }
        let clipping = workload.clipping
        var state = TrainingState(parameters: initialParameters, fitCount: batch.fitCount)
        let optimizer = Adam()
        let warmupStart = Clock.wall()
        try backend.advance(&state, epochs: warmup, optimizer: optimizer, clipping: clipping)
        let warmupSeconds = Clock.wall() - warmupStart
        var perRun = epochs
        if perRun <= 0 {
            // One more epoch to judge the steady-state epoch time when the warm-up was the first call.
            let start = Clock.wall()
            try backend.advance(&state, epochs: 1, optimizer: optimizer, clipping: clipping)
            perRun = max(1, Int(seconds / max(Clock.wall() - start, 1e-9)))
        }
        var times: [Double] = []
        let cpuStart = Clock.processCPU(), wallStart = Clock.wall()
        for _ in 0..<repeats {
            let start = Clock.wall()
            try backend.advance(&state, epochs: perRun, optimizer: optimizer, clipping: clipping)
            times.append((Clock.wall() - start) / Double(perRun))
        }
        let utilization = (Clock.processCPU() - cpuStart) / max(Clock.wall() - wallStart, 1e-9)
        let median = SampleSummary(times).median
        let T = batch.fitCount
        var measurement = BenchMeasurement(
            backend: backend.name, kind: kind, workload: workload, architecture: batch.architecture.description, fits: T,
            referenceEvents: batch.shared.count,
            dataEvents: Double(batch.own.reduce(0) { $0 + $1.count }) / Double(T), pointsPerEpoch: batch.totalFitEvents,
            threads: threads, warmupEpochs: warmup, warmupSeconds: warmupSeconds, epochs: perRun, repeats: repeats,
            secondsPerEpoch: median, runs: times, pointEpochsPerSecond: Double(batch.totalFitEvents) / median,
            projectedSecondsPerToy: median * Double(projectedEpochs) / Double(T), projectedEpochs: projectedEpochs,
            cpuUtilization: utilization, machine: Machine.description)
        // The kernels of the plain loss; the nuisance workload's pass with offsets is not profiled.
        if !workload.hasNuisances, let engine = backend.lossEngine as? OpenCLEngine {
            let kernels = try engine.profileLossAndGradient(parameters: state.parameters, repeats: 10)
            (measurement.lossKernelSeconds, measurement.combineKernelSeconds) = (kernels.loss, kernels.combine)
        }
        return measurement
    }
}

/// Wall-clock and process CPU time.
enum Clock {
    static func wall() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + 1e-9 * Double(t.tv_nsec)
    }

    static func processCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + 1e-9 * Double(t.tv_nsec)
    }
}

/// "AMD EPYC, 2 cores, widest kernel AVX2, OpenBLAS kernels Zen" from /proc/cpuinfo, the kernel
/// variant the fast CPU engine uses and the one OpenBLAS chose.
public enum Machine {
    public static let description: String = {
        var model = "unknown CPU"
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return "\(model), \(cores) core\(cores == 1 ? "" : "s"), widest kernel \(FastCPUInstructionSet.best), OpenBLAS kernels \(BLASDenseAlgebra.kernels)"
    }()
}
