import Foundation
import NPLMStatistics
import NPLMCore
import NPLMEngines

/// The kernel-model result of one test (one data sample against its reference), every width.
public struct KernelRecord: Codable, Sendable, Equatable {
    /// M, the Nyström centres shared by every width.
    public var centres: Int
    public var widths: [Double]
    /// t of each width.
    public var t: [Double]
    /// Each width's conjugate-gradient trace, one entry per Newton step.
    public var cg: [[ConjugateGradientTrace]]
    /// Each width's jitter ε (K_MM + εM·I was factorised).
    public var jitter: [Double]
    /// Each width's p-value against a null campaign, where one was given (`nplm fit --null`).
    public var empiricalP: [Double]?
    /// The centres, where the fit was asked to record them (`KernelFit.recordCentres`): their
    /// indices among the pooled events (the reference, then the data; 0-based, ascending) …
    public var centreIndices: [Int]?
    /// … and their features as the fit saw them (after any preprocessing), one row per centre.
    public var centreFeatures: [[Double]]?

    public init(centres: Int, outcomes: [KernelFitOutcome]) {
        self.centres = centres
        widths = outcomes.map(\.width)
        t = outcomes.map(\.t)
        cg = outcomes.map(\.cg)
        jitter = outcomes.map(\.jitter)
    }
}

/// One kernel test: the pooled events (reference first, then data), their labels and weights, the
/// centres, and the fits of every width. The entry point of the library for `nplm toys --model
/// kernel`, `nplm fit --model kernel` and the benchmarks.
public final class KernelTester {
    /// The engine of the products and the M × M algebra (`BackendFactory.kernelEngine`).
    public let engine: KernelEngine
    public let options: KernelOptions

    /// On `engine`, after checking `options`.
    public init(engine: KernelEngine, options: KernelOptions) throws {
        try options.validate()
        try engine.check(options.precision)
        self.engine = engine
        self.options = options
    }

    /// On the engine `backend` chooses for events of `dimension` features, by the policy of the
    /// networks (`DevicePolicy`); `notice` receives its messages.
    public convenience init(backend: BackendRequest, options: KernelOptions, dimension: Int,
                            notice: (String) -> Void = { _ in }) throws {
        try options.validate()
        try self.init(engine: try BackendFactory.kernelEngine(backend, dimension: dimension, notice: notice), options: options)
    }

    /// On an engine named directly (`.cpu(threads: 2)`, `.opencl(device)`, …).
    public convenience init(engine choice: EngineChoice, options: KernelOptions) throws {
        try options.validate()
        try self.init(engine: try BackendFactory.kernelEngine(choice), options: options)
    }

    /// The device of the opencl engine.
    public var openCLDevice: OpenCLDevice? { engine.device }

    /// "reference", "cpu (AVX2, 2 threads)", …
    public var engineDescription: String { engine.name }

    /// Several tests (toys of a campaign), in order: data sample k against `references[k]`, or
    /// every sample against `references[0]` when there is one (the references share N_R and
    /// `referenceWeights`); `progress` receives the fraction done after each test. The opencl
    /// engine fits the tests and widths of the batch together (one launch per product for all of
    /// them, each test on its own pooled events), as many at once as memory allows
    /// (`openCLTestsPerBatch`), reporting progress after each group.
    public func runBatch(references: [EventSet], referenceWeights: [Double], data: [EventSet], widths: [Double],
                         seed: UInt64, toys: [UInt32], progress: ((Double) -> Void)? = nil) throws -> [KernelRecord] {
        precondition(references.count == 1 || references.count == data.count, "one reference, or one per data sample")
        func reference(_ k: Int) -> EventSet { references[references.count == 1 ? 0 : k] }
        if let device = openCLDevice {
            let problems = try data.indices.map {
                try problem(reference: reference($0), referenceWeights: referenceWeights, data: data[$0], seed: seed, toy: toys[$0])
            }
            var records: [KernelRecord] = []
            let group = try Self.openCLTestsPerBatch(problems, widths: widths.count, device: device, precision: options.precision)
            for start in stride(from: 0, to: problems.count, by: group) {
                let part = Array(problems[start..<min(start + group, problems.count)])
                records += zip(part, try fit(part, widths: widths)).map { KernelRecord(centres: $0.centres.count, outcomes: $1) }
                progress?(Double(records.count) / Double(problems.count))
            }
            return records
        }
        var records: [KernelRecord] = []
        for (j, sample) in data.enumerated() {
            records.append(try run(reference: reference(j), referenceWeights: referenceWeights, data: sample, widths: widths,
                                   seed: seed, toy: toys[j]))
            progress?(Double(j + 1) / Double(data.count))
        }
        return records
    }

    var algebra: DenseAlgebra { engine.algebra }

    /// The widths a test uses: the options' list, or the default width of `reference`.
    public func widths(reference: EventSet) throws -> [Double] {
        if let widths = options.widths { return widths }
        return [try GaussianKernel.defaultWidth(reference: reference)]
    }

    /// The pooled problem of one test.
    public struct Problem {
        /// The reference then the data.
        public let events: EventSet
        public let reference: EventSet
        public let data: EventSet
        public let isData: [Bool]
        public let weights: [Double]
        public let centreIndices: [Int]
        public let centres: EventSet
        public var referenceCount: Int { isData.count - dataCount }
        public let dataCount: Int
    }

    /// Pools `reference` (weights `referenceWeights`) and `data`, and draws the centres from the
    /// (seed, toy) stream.
    public func problem(reference: EventSet, referenceWeights: [Double], data: EventSet, seed: UInt64,
                        toy: UInt32) throws -> Problem {
        precondition(referenceWeights.count == reference.count)
        guard reference.dimension == data.dimension else {
            throw NPLMError.invalidArgument("the data have \(data.dimension) features but the reference has \(reference.dimension)")
        }
        guard reference.count > 0, data.count > 0 else {
            throw NPLMError.invalidArgument("the kernel model needs reference and data events, got \(reference.count) and \(data.count)")
        }
        let events = reference.appending(data)
        let m = try options.centreCount(events: events.count)
        let indices = NystromCentres.draw(count: m, from: events.count, seed: seed, toy: toy)
        let isData = [Bool](repeating: false, count: reference.count) + [Bool](repeating: true, count: data.count)
        let weights = referenceWeights + [Double](repeating: 1, count: data.count)
        return Problem(events: events, reference: reference, data: data, isData: isData, weights: weights, centreIndices: indices,
                       centres: events.subset(indices), dataCount: data.count)
    }

    /// The kernel products of `problem` at `width` on the reference or fast CPU engine.
    package func products(_ problem: Problem, width: Double) -> KernelProducts {
        engine.products(events: problem.events, centres: problem.centres, width: width, precision: options.precision)
    }

    /// Fits every width of `widths` on `problem`.
    public func fit(_ problem: Problem, widths: [Double]) throws -> [KernelFitOutcome] {
        try fit([problem], widths: widths)[0]
    }

    /// Fits every width of `widths` on every problem: on the opencl engine the problems against one
    /// reference sample (consecutive ones with the same bits) as one batch, which stores that
    /// reference once on the device; on the others one problem after the other.
    public func fit(_ problems: [Problem], widths: [Double]) throws -> [[KernelFitOutcome]] {
        for width in widths where !(width > 0 && width.isFinite) {
            throw NPLMError.invalidArgument("\(Parameter.widths): every kernel width σ must be a positive number, got \(width)")
        }
        for problem in problems { try Self.checkWidths(widths, centres: problem.centres) }
        let solver = FalkonNewtonSolver(algebra: algebra, options: options)
        func inputs(_ problem: Problem) -> [FalkonNewtonSolver.Input] {
            widths.map { width in
                FalkonNewtonSolver.Input(kmm: GaussianKernel.matrix(problem.centres, width: width), centreIndices: problem.centreIndices,
                                         isData: problem.isData, weights: problem.weights, width: width)
            }
        }
        guard openCLDevice != nil, let first = problems.first else {
            return try problems.map { problem in
                try solver.fit(batch: SerialKernelProducts(widths.map { products(problem, width: $0) }), inputs: inputs(problem))
            }
        }
        guard problems.allSatisfy({ OpenCLSession.sameBits($0.reference, first.reference) }) else {
            // Tests with references of their own (`ReferenceSample.toy`): one batch per run of equal references.
            var outcomes: [[KernelFitOutcome]] = [], start = 0
            while start < problems.count {
                var end = start + 1
                while end < problems.count && OpenCLSession.sameBits(problems[end].reference, problems[start].reference) { end += 1 }
                outcomes += try fit(Array(problems[start..<end]), widths: widths)
                start = end
            }
            return outcomes
        }
        let outcomes: [KernelFitOutcome]
        do {
            let products = try engine.products(reference: first.reference,
                                               tests: problems.map { .init(data: $0.data, centres: $0.centres, widths: widths) },
                                               precision: options.precision)
            outcomes = try solver.fit(batch: products, inputs: problems.flatMap(inputs))
        } catch let error as OpenCLError {
            throw NPLMError.invalidArgument("\(Parameter.backend) opencl: \(error)")
        }
        return problems.indices.map { Array(outcomes[($0 * widths.count)..<(($0 + 1) * widths.count)]) }
    }

    /// Refuses a width too small for the events' scale: one whose kernel exp(−‖x − x'‖²/2σ²) is not a
    /// number in double precision (1/2σ² overflows, so even a centre's kernel with itself, exp(−∞·0),
    /// is undefined), or whose kernel between the two farthest centres is not finite.
    static func checkWidths(_ widths: [Double], centres: EventSet) throws {
        var spread = 0.0
        for k in 0..<centres.dimension {
            let values = (0..<centres.count).map { Double(centres.value(event: $0, feature: k)) }
            spread = max(spread, (values.max() ?? 0) - (values.min() ?? 0))
        }
        for width in widths {
            let gamma = GaussianKernel.gamma(width: width)
            guard gamma.isFinite, (gamma * spread * spread).isFinite || spread == 0 else {
                throw NPLMError.invalidArgument("\(Parameter.widths): σ = \(width) is too small for the events' scale (the centres spread over \(String(format: "%.4g", spread)) in their widest feature): exp(−d²/2σ²) is not a number in double precision; give widths comparable to the distances between events (leave \(Parameter.widths) out for the default, the 90th percentile of the reference's pairwise distances)")
            }
        }
    }

    /// How many of `problems` one OpenCL batch fits together: the lockstep solver keeps about four
    /// M × M matrices and six n-vectors of doubles per fit on the host (a batch takes at most a
    /// quarter of the memory), the device three n-vectors and ⌈n / CHUNK⌉ M-vectors of partial
    /// sums per fit (at most half its memory, the partial sums within one allocation).
    static func openCLTestsPerBatch(_ problems: [Problem], widths: Int, device: OpenCLDevice,
                                    precision: KernelPrecision = .float64) throws -> Int {
        guard let largest = problems.max(by: { $0.events.count * $0.centres.count < $1.events.count * $1.centres.count }) else { return 1 }
        let n = Double(largest.events.count), m = Double(largest.centres.count), fits = Double(widths)
        let variant = try OpenCLKernelVariant.choose(for: device, dimension: largest.events.dimension, precision: precision)
        let partial = 8 * (n / Double(variant.chunk)).rounded(.up) * m
        let host = 8 * (4 * m * m + 6 * n) * fits, deviceBytes = (8 * 3 * n + partial) * fits
        let count = min(TrainingMemory.physicalMemory / 4 / host, Double(device.globalMemory) / 2 / deviceBytes,
                        Double(device.maxAllocation) / (partial * fits))
        return max(1, min(problems.count, Int(count)))
    }

    /// `runBatch` with the reference weights of an NPLM fit (`ReferenceWeights`, the networks' too).
    public func runBatch(references: [EventSet], weights: ReferenceWeights, data: [EventSet], widths: [Double], seed: UInt64,
                         toys: [UInt32], progress: ((Double) -> Void)? = nil) throws -> [KernelRecord] {
        try runBatch(references: references, referenceWeights: weights.kernelValues, data: data, widths: widths, seed: seed,
                     toys: toys, progress: progress)
    }

    /// `run` with the reference weights of an NPLM fit (`ReferenceWeights`, the networks' too).
    public func run(reference: EventSet, weights: ReferenceWeights, data: EventSet, widths: [Double], seed: UInt64,
                    toy: UInt32) throws -> KernelRecord {
        try run(reference: reference, referenceWeights: weights.kernelValues, data: data, widths: widths, seed: seed, toy: toy)
    }

    /// The whole test: pool, draw centres, fit every width.
    public func run(reference: EventSet, referenceWeights: [Double], data: EventSet, widths: [Double], seed: UInt64,
                    toy: UInt32) throws -> KernelRecord {
        let problem = try problem(reference: reference, referenceWeights: referenceWeights, data: data, seed: seed, toy: toy)
        return KernelRecord(centres: problem.centres.count, outcomes: try fit(problem, widths: widths))
    }
}

extension KernelRecord {
    /// Each width's empirical p-value against a null campaign of the kernel model with the same
    /// widths (`nplm fit --model kernel --null`).
    public mutating func calibrate(null: [FitRecord], nullFile: String) throws {
        let rows = null.compactMap(\.kernel).filter { $0.t.allSatisfy(\.isFinite) }
        guard rows.count == null.count || !rows.isEmpty, let first = rows.first, first.widths == widths else {
            throw NPLMError.invalidInput(file: "\(nullFile)", "is not a kernel-model null campaign with the widths \(widths)")
        }
        let calibration = try MultipleTestingCalibration(null: rows.map(\.t))
        empiricalP = calibration.pValues(t)
    }
}
