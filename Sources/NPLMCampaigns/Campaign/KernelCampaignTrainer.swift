import Foundation
import NPLMCore
import NPLMEngines
import NPLMMethods

/// Trains the toys of a kernel-model campaign (`nplm toys --model kernel`): each toy's data
/// against the campaign's shared reference, every width on the toy's own centres. A toy's record
/// depends only on the configuration and its index (centres from its (seed, toy, centres) stream).
final class KernelCampaignTrainer {
    let configuration: CampaignConfiguration
    let backend: BackendRequest
    private let notice: (String) -> Void
    private var tester: KernelTester?
    private var widths: [Double] = []
    private lazy var reference: (events: EventSet, weights: [Double]) = {
        let benchmark = configuration.benchmark!
        let events = benchmark.reference(seed: configuration.seed)
        return (events, [Double](repeating: benchmark.referenceWeight, count: events.count))
    }()
    private(set) var engineName = ""

    init(configuration: CampaignConfiguration, backend: BackendRequest, notice: @escaping (String) -> Void) {
        self.configuration = configuration
        self.backend = backend
        self.notice = notice
    }

    static func engine(for request: BackendRequest) -> KernelEngineKind { KernelCampaignTrainerEngine.engine(request) }

    private func setUp() throws -> KernelTester {
        if let tester { return tester }
        guard let options = configuration.kernel else { preconditionFailure("not a kernel campaign") }
        let engine = Self.engine(for: backend)
        let made = try KernelTester(engine: engine, options: options, threads: backend.threads, device: backend.device)
        widths = try made.widths(reference: reference.events)
        if options.widths == nil {
            notice("kernel width from the reference sample (90th percentile of pairwise distances): σ = \(String(format: "%.4g", widths[0]))")
        }
        engineName = made.engineDescription
        tester = made
        return made
    }

    func train(toys: [Int], progress: ((Double) -> Void)?) throws -> [FitRecord] {
        guard let benchmark = configuration.benchmark else { preconditionFailure("kernel campaign without a benchmark") }
        let tester = try setUp()
        let samples = toys.map { benchmark.data(seed: configuration.seed, toy: UInt32($0)) }
        let results = try tester.runBatch(reference: reference.events, referenceWeights: reference.weights,
                                          data: samples.map(\.events), widths: widths, seed: configuration.seed,
                                          toys: toys.map { UInt32($0) }, progress: progress)
        return toys.indices.map { j in
            FitRecord(kernel: results[j], dataEvents: samples[j].events.count, referenceEvents: reference.events.count,
                      toy: toys[j], seed: configuration.seed, backgroundEvents: samples[j].background,
                      signalEvents: samples[j].signal)
        }
    }
}

extension FitRecord {
    /// The record of a kernel-model test: t of the first width, dof 0, p NaN (calibrate on null
    /// toys), no history or parameters (the fit is reproducible from the seed and toy index).
    public init(kernel: KernelRecord, dataEvents: Int, referenceEvents: Int, toy: Int? = nil, seed: UInt64? = nil,
                backgroundEvents: Int? = nil, signalEvents: Int? = nil) {
        let t = kernel.t.first ?? .nan
        let outcome = FitOutcome(t: t, finalLoss: -t / 2, history: [], divergedAt: t.isFinite ? nil : 0,
                                 initialParameters: [], finalParameters: [])
        self.init(outcome: outcome, dof: 1, epochs: 0, dataEvents: dataEvents, referenceEvents: referenceEvents, toy: toy,
                  seed: seed, backgroundEvents: backgroundEvents, signalEvents: signalEvents)
        dof = 0
        p = .nan
        self.kernel = kernel
    }
}

/// The kernel engine for a backend request: the reference, or the fast CPU engine (auto and cpu);
/// an OpenCL request takes the OpenCL kernel products.
public enum KernelCampaignTrainerEngine {
    public static func engine(_ request: BackendRequest) -> KernelEngineKind {
        switch request.kind {
        case .reference: return .reference
        case .cpu, .auto: return .cpu
        case .opencl: return .opencl
        }
    }
}
