import Foundation
import NPLMCore

/// The hand-written C loop of `tools/cloop/five_d.c`, timed on the 5-D workload beside the fast CPU
/// engine: the same network [5,5,5,5,1], N_R, Poisson(20 000) data events per fit, float32 events,
/// Adam and clipping, the same warm-up / repeats / median timing (its own process, its own events
/// drawn from the same distributions). `nplm bench --c-loop PATH` runs it right after the cpu
/// backend and prints both and their ratio.
public struct CLoopMeasurement: Codable, Sendable {
    public var fits: Int
    public var referenceEvents: Int
    /// Events summed over the fits: the points of one epoch.
    public var pointsPerEpoch: Int
    public var threads: Int
    public var epochs: Int
    public var repeats: Int
    /// Median over the runs of wall-clock seconds per epoch.
    public var secondsPerEpoch: Double
    public var pointEpochsPerSecond: Double
    /// Process CPU time / wall time over the timed runs.
    public var cpuUtilization: Double
    /// Seconds per epoch of every timed run.
    public var runs: [Double]

    /// Runs the compiled C loop at `executable` once for T = `fits` and reads its JSON line.
    /// - Throws: `NPLMError.invalidArgument` when it cannot be started, fails, or prints no measurement.
    public static func measure(executable: String, fits: Int, threads: Int, referenceSize: Int, warmup: Int, epochs: Int,
                               seconds: Double, repeats: Int) throws -> CLoopMeasurement {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // The arguments of tools/cloop/five_d.c (an external program's flags, not nplm's).
        process.arguments = ["\(Parameter.json)", "\(Parameter.fits)", "\(fits)", "\(Parameter.threads)", "\(threads)", "\(Parameter.referenceSize)", "\(referenceSize)",
                             "\(Parameter.warmup)", "\(warmup)", "\(Parameter.epochs)", "\(epochs)", "\(Parameter.seconds)", "\(seconds)", "\(Parameter.repeats)", "\(repeats)"]
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_NUM_THREADS"] = "\(threads)"
        process.environment = environment
        // One pipe for both streams: reading them one after the other could block on a full pipe.
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            throw NPLMError.invalidArgument("\(Parameter.cLoop) \(executable): cannot run it (\(error.localizedDescription)); compile it with `gcc -O3 -march=native -fno-trapping-math -fopenmp -o five_d tools/cloop/five_d.c -lm`")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NPLMError.invalidArgument("\(Parameter.cLoop) \(executable) exited with status \(process.terminationStatus): \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("{") }),
              let measurement = try? NPLMJSON.decoder().decode(CLoopMeasurement.self, from: Data(line.utf8)) else {
            throw NPLMError.invalidArgument("\(Parameter.cLoop) \(executable) printed no measurement; is it tools/cloop/five_d.c?")
        }
        return measurement
    }
}

/// The fast CPU engine against the C loop on the same T, threads and events: ratios of
/// point-epochs/s (wall clock) and of point-epochs per CPU-second (which a busy machine disturbs
/// less: each is divided by its process's CPU use).
public struct CLoopComparison: Codable, Sendable {
    public var cpu: BenchMeasurement
    public var cLoop: CLoopMeasurement
    /// nplm cpu / C loop, point-epochs/s.
    public var ratio: Double
    /// nplm cpu / C loop, point-epochs per CPU-second.
    public var ratioPerCPUSecond: Double

    public init(cpu: BenchMeasurement, cLoop: CLoopMeasurement) {
        self.cpu = cpu
        self.cLoop = cLoop
        ratio = cpu.pointEpochsPerSecond / cLoop.pointEpochsPerSecond
        ratioPerCPUSecond = (cpu.pointEpochsPerSecond / max(cpu.cpuUtilization, 1e-9))
            / (cLoop.pointEpochsPerSecond / max(cLoop.cpuUtilization, 1e-9))
    }
}
