import ArgumentParser
import Foundation
import NPLM

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the OpenCL platforms and devices, with their limits and the kernel layout nplm would use.",
        discussion: "The index in the first column is what --device N selects.")

    @Flag(help: .hidden)
    var benchmark = false

    @Option(help: .hidden)
    var benchmarkFits: [Int] = [1, 16, 64]

    @Option(help: .hidden)
    var vectorWidth: Int?

    @Option(help: .hidden)
    var chunk: Int?

    @Option(help: .hidden)
    var seconds: Double = 3

    @Option(help: "OpenCL device index for --benchmark (default: the first GPU, else the first device).")
    var device: Int?

    func validate() throws {
        if let vectorWidth, ![1, 2, 4, 8, 16].contains(vectorWidth) {
            throw ValidationError("--vector-width must be 1, 2, 4, 8 or 16, got \(vectorWidth)")
        }
        if let chunk, !(chunk >= 16 && chunk % 16 == 0) {
            throw ValidationError("--chunk must be a positive multiple of 16, got \(chunk)")
        }
        guard benchmarkFits.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--benchmark-fits must be positive") }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive, got \(seconds)") }
    }

    func run() throws {
        if benchmark { return try runBenchmark() }
        let devices = try OpenCLDevice.all()
        guard !devices.isEmpty else {
            print("no OpenCL platform or device found (install an ICD such as pocl-opencl-icd; OCL_ICD_VENDORS, if set, must name a folder of .icd files)")
            return
        }
        var platform = ""
        for device in devices {
            if device.platformName != platform {
                platform = device.platformName
                print("platform: \(device.platformName) (\(device.platformVersion))")
            }
            print("  \(device.index): \(device.name) [\(device.kind.rawValue)] \(device.version), driver \(device.driverVersion)")
            print("     compute units \(device.computeUnits), max work-group \(device.maxWorkGroupSize), work-item sizes \(device.maxWorkItemSizes.map(String.init).joined(separator: "×"))")
            print("     global memory \(Self.bytes(device.globalMemory)), max allocation \(Self.bytes(device.maxAllocation)), local memory \(Self.bytes(device.localMemory))")
            print("     fp64 \(device.fp64 ? "yes" : "no"), preferred float vector width \(device.preferredFloatWidth)")
            print("     nplm kernel layout: \(OpenCLVariant.choose(for: device))")
        }
    }

    /// User + system CPU time of this process (every thread) so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + 1e-6 * Double(t.tv_usec) }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func bytes(_ value: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var size = Double(value), unit = 0
        while size >= 1024 && unit < units.count - 1 { size /= 1024; unit += 1 }
        return unit == 0 ? "\(value) B" : String(format: "%.1f %@", size, units[unit])
    }

    /// Undocumented: point-epochs/s of device training on the [1,4,1] 1-D workload (N_R = 200 000,
    /// N(R0) = 2000), and kernel times from profiling events. `nplm bench` is the documented way.
    func runBenchmark() throws {
        let device = try OpenCLDevice.select(self.device)
        var variant = OpenCLVariant.choose(for: device)
        if let vectorWidth { variant.vectorWidth = vectorWidth }
        if let chunk { variant.chunkEvents = chunk }
        let architecture = try Architecture([1, 4, 1])
        let workload = Benchmark1D(expectedBackground: 2000, referenceSize: 200_000)
        let reference = workload.reference(seed: 1)
        let weights = [Float](repeating: Float(workload.referenceWeight), count: reference.count)
        print("device \(device), variant \(variant)")
        for fits in benchmarkFits {
            let data = (0..<fits).map { workload.data(seed: 1, toy: UInt32($0)).events }
            let batch = FitBatch.nplm(architecture: architecture, reference: reference, referenceWeights: weights, data: data)
            let initial = (0..<fits).flatMap { architecture.initialParameters(seed: 1, toy: UInt32($0)) }
            let backend = try OpenCLTrainingBackend(engine: try OpenCLEngine(batch: batch, device: device, variant: variant))
            var state = TrainingState(parameters: initial, fitCount: fits)
            let clipping = WeightClipping(bound: 9)
            try backend.advance(&state, epochs: 3, optimizer: Adam(), clipping: clipping)  // lazy kernel compilation
            var epochs = 4, elapsed = 0.0
            while true {
                let start = Date()
                try backend.advance(&state, epochs: epochs, optimizer: Adam(), clipping: clipping)
                elapsed = Date().timeIntervalSince(start)
                if elapsed > seconds / 4 || epochs > 1_000_000 { break }
                epochs = Int(Double(epochs) * min(64, max(2, seconds / 4 / max(elapsed, 1e-4))))
            }
            let start = Date(), startCPU = Self.processCPUSeconds()
            try backend.advance(&state, epochs: epochs, optimizer: Adam(), clipping: clipping)
            elapsed = Date().timeIntervalSince(start)
            let cpu = Self.processCPUSeconds() - startCPU
            let rate = Double(batch.totalFitEvents) * Double(epochs) / elapsed
            // On a machine shared with other jobs: the rate per CPU-second of this process, times
            // the device's compute units, is what an idle machine would give with perfect scaling.
            let perCPU = Double(batch.totalFitEvents) * Double(epochs) / cpu
            let times = try backend.engine.profileLossAndGradient(parameters: state.parameters, repeats: 10)
            print(String(format: "T=%3d: %.3g point-epochs/s (%d epochs in %.2f s, %.3f ms/epoch; %.3g per CPU-second, CPU %.0f%%); kernels: loss+gradient %.3f ms, combine %.3f ms",
                         fits, rate, epochs, elapsed, 1000 * elapsed / Double(epochs), perCPU, 100 * cpu / elapsed,
                         times.loss * 1000, times.combine * 1000))
        }
    }
}
