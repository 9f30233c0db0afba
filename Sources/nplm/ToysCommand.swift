import ArgumentParser
import Foundation
import NPLM
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ToysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toys",
        abstract: "Run a toy campaign on a built-in benchmark, 1-D or d-dimensional (no input files needed).",
        discussion: """
        Preset nplm (default): background e^-x with N(R0) expected events, a reference sample of N_R \
        events with weights N(R0)/N_R shared by every toy (or one per toy: --reference-sample toy), and Poisson data with an optional NP1, NP2 or \
        NP3 signal; dof = P. Preset symmetric: samples A and B of e^-x with Poisson sizes --size-a and \
        --size-b, the signal in A only, the symmetrized test t_A+B (or the cross-entropy t^delta); \
        dof = P - 1. Every toy is reproducible from (seed, toy index) alone.

        --benchmark gauss (preset nplm): a fixed mixture of three correlated Gaussians in --dimension \
        d = 4..30 features (default d: the architecture's input width), N(R0) \
        \(Int(GaussianMixtureBenchmark.defaultExpectedBackground)) and N_R \(GaussianMixtureBenchmark.defaultReferenceSize) by default; the signal is one component changed: --signal shift (its mean along x1 by s sigma), \
        widen (its widths by 1 + s) or correlate (its correlations towards 0.8 by the fraction s), s = \
        --signal-strength. Without --clip the 5-D architectures of D'Agnolo et al. Table 3 take its \
        clipping: \(WeightClipping.imperfectMachine5DText).

        Campaigns at scale: --shard i/n trains the toys whose index is i modulo n (i = 0..n-1); the \
        union of the n shard files, joined with `nplm merge`, is byte for byte the single-machine \
        file. Results are appended and flushed after every batch: rerunning the same command after an \
        interruption trains only the missing toys. Every line carries the campaign's configuration \
        hash; a rerun with other options into the same file is refused.
        """)

    @Option(help: "Number of toys in the campaign (toys 0..N-1; a shard trains its share).")
    var toys: Int = 100

    @Option(help: "Campaign seed.")
    var seed: UInt64 = 1

    @Option(help: "Toys: nplm (data against a reference) or symmetric (two samples A and B).")
    var preset: CampaignPreset = .nplm

    @Option(help: "N(R0): expected background events in a data sample (preset nplm; default \(Int(Benchmark1D.defaultExpectedBackground))).")
    var expected: Double?

    @Option(help: "N_R: events in the reference sample (preset nplm; default \(Benchmark1D.defaultReferenceSize), \(GaussianMixtureBenchmark.defaultReferenceSize) with --benchmark gauss).")
    var referenceSize: Int?

    @Option(help: "N_A: expected events in sample A (preset symmetric).")
    var sizeA: Double?

    @Option(help: "N_B: expected events in sample B (preset symmetric).")
    var sizeB: Double?

    @Option(help: "Two-sample statistic of preset symmetric: symmetrized or crossentropy.")
    var statistic: TwoSampleStatistic?

    @Option(help: "Built-in benchmark of preset nplm: 1d (e^-x) or gauss (a correlated Gaussian mixture in d dimensions).")
    var benchmark: ToyBenchmarkKind = .oneD

    @Option(help: "Features d = 4..30 of --benchmark gauss (default: the architecture's input width).")
    var dimension: Int?

    @Option(help: "Signal injected in the data (in sample A for preset symmetric): none, NP1, NP2 or NP3; with --benchmark gauss shift, widen or correlate.")
    var signal: ToySignal = .none

    @Option(help: "Strength s of a --benchmark gauss signal: shift in sigma, widen by 1 + s, correlate by the fraction s (defaults \(MixtureSignal.shift.defaultStrength), \(MixtureSignal.widen.defaultStrength), \(MixtureSignal.correlate.defaultStrength): Z_id about 4 at N(R0) \(Int(GaussianMixtureBenchmark.defaultExpectedBackground)), d 5).")
    var signalStrength: Double?

    @Option(help: "N_S: expected signal events (default: the seeds' value for the signal).")
    var signalEvents: Double?

    @Option(help: "Fit nuisance parameters (preset nplm): scale, norm or scale,norm; t = tau - Delta.")
    var nuisances: String?

    @Option(help: "Sigma of each nuisance's auxiliary Gaussian: one value for all, or one per nuisance.")
    var nuisanceSigma: String = "\(Benchmark1D.defaultNuisanceSigma)"

    @Option(help: "True nuisances nu* of the toys' data, in units of sigma (one value, or one per nuisance; default 0).")
    var nuisanceTruth: String?

    @Option(help: "Order 1-4 of the exact Taylor expansion of the scale nuisance (default 2).")
    var shapeOrder: Int?

    @Option(help: "Learned delta networks of the scale nuisance (a model file of `nplm nuisance train`).")
    var deltaModel: String?

    @Option(help: "Toys trained together in one batch (results are the same for any batch size).")
    var batch: Int = 64

    @Option(help: "Train only shard i of n (toys with index = i mod n), e.g. --shard 0/4.")
    var shard: String?

    @Option(help: "Append one JSON line per toy to this file (resumes an interrupted run).")
    var output: String?

    @Option(help: "Truncate the 1-D benchmark's background (reference and data) to x < this value, as the kernel NPLM's published 1-D generator draws it (e^-8x on [0, 1]: 8 here); default: not truncated, as D'Agnolo et al.")
    var truncate: Double?

    @Option(help: "Reference sample of preset nplm: campaign (one for every toy, from (seed, 0)) or toy (each toy its own, from (seed, toy): t's null distribution averaged over reference samples, as the kernel NPLM's authors draw toys).")
    var referenceSample: ReferenceSample = .campaign

    @Option(help: "Write every toy's samples (of the shard) into this folder as .npy instead of training: toy-K-data.npy, with --reference-sample toy toy-K-reference.npy (else reference.npy once), for --preset symmetric toy-K-a.npy and toy-K-b.npy; the samples the campaign trains on, from the same (seed, toy) streams, for nplm fit or other code.")
    var writeSamples: String?

    @Option(help: "Null toys of your own reference sample (.npy, .csv or file.h5:/dataset) instead of a built-in benchmark: every toy against it with weights N(R0)/N_R (N(R0) from --expected, required), its data Poisson(N(R0)) events drawn with replacement from --pool (default: the reference itself). The campaign is named by the events (not the path): nplm fit --null takes it for fits against the same reference.")
    var reference: String?

    @Option(help: "With --reference: one weight per reference event (.npy, one-column .csv or file.h5:/dataset); N(R0) is their sum (no --expected), and without --pool the toys' data are drawn in proportion to them.")
    var referenceWeights: String?

    @Option(help: "With --reference: events of the reference hypothesis simulated apart from the reference, which the toys' data are drawn from; give it only when it is many times larger than the reference (one as small adds its own fluctuations and raises t).")
    var pool: String?

    @Option(help: "With --pool: one weight per pool event (0 or positive), which the toys' data are drawn in proportion to.")
    var poolWeights: String?

    @Option(help: "Model: network (the NPLM network) or kernel (Gaussian kernel, Nyström centres, Falkon-style solver; preset nplm).")
    var model: ModelFamily = .network

    @OptionGroup var training: TrainingOptionGroup

    @OptionGroup var kernel: KernelOptionGroup

    /// The options as the library takes them (`ToyCampaignRequest`: its checks, the campaign it makes).
    func request() throws -> ToyCampaignRequest {
        var request = ToyCampaignRequest()
        request.toys = toys
        request.seed = seed
        request.preset = preset
        request.expected = expected
        request.referenceSize = referenceSize
        request.sizeA = sizeA
        request.sizeB = sizeB
        request.statistic = statistic
        request.benchmark = benchmark
        request.dimension = dimension
        request.signal = signal
        request.signalStrength = signalStrength
        request.signalEvents = signalEvents
        request.nuisances = nuisances
        request.nuisanceSigma = nuisanceSigma
        request.nuisanceTruth = nuisanceTruth
        request.shapeOrder = shapeOrder
        request.deltaModel = deltaModel
        request.batch = batch
        request.shard = shard
        request.output = output
        request.truncate = truncate
        request.model = model
        request.referenceSample = referenceSample
        request.writeSamples = writeSamples
        request.reference = reference.map { .file($0, parameter: .reference) }
        request.pool = pool.map { .file($0, parameter: .pool) }
        request.poolWeights = poolWeights.map { .file($0, parameter: .poolWeights) }
        request.referenceWeights = referenceWeights.map { .file($0, parameter: .referenceWeights) }
        request.training = training.request
        request.kernel = try kernel.request()
        return request
    }

    func validate() throws {
        let request = try request()
        try flagged { try request.validate() }
    }

    func run() throws {
        let request = try request()
        if writeSamples != nil { return _ = try request.writeToySamples(notice: note) }
        let campaign = try request.campaignRun()
        let configuration = campaign.configuration
        let reporter = ProgressReporter()
        let records = try campaign.run(notice: { reporter.finishLine(); note($0) }, progress: reporter.report)
        reporter.finishLine()
        print("campaign \(configuration.hash), shard \(campaign.shard)")
        print(CampaignSummary.text(records: records, configuration: configuration))
    }
}

/// Shows a campaign's progress on standard error: a bar redrawn in place on a terminal, a plain
/// line per finished batch otherwise (a log file, a batch system), and inside a long batch at
/// most one line every 30 s (at history checkpoints), so a log shows the run is alive.
final class ProgressReporter {
    private let meter = ProgressMeter()
    private let terminal = isatty(STDERR_FILENO) != 0
    private var lastDraw = Date.distantPast
    private var barShown = false

    func report(_ progress: CampaignRun.Progress) {
        let batchFinished = progress.batchSize == 0
        let now = Date()
        if terminal {
            guard batchFinished || now.timeIntervalSince(lastDraw) >= 0.25 else { return }
            lastDraw = now
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + meter.text(progress, now: now, bar: true)).utf8))
            barShown = true
        } else if batchFinished || now.timeIntervalSince(lastDraw) >= 30 {
            lastDraw = now
            note(meter.text(progress, now: now, bar: false))
        }
    }

    /// Ends the bar's line so that other messages start on a new one.
    func finishLine() {
        if barShown { FileHandle.standardError.write(Data("\n".utf8)) }
        barShown = false
    }
}

extension CampaignPreset: ExpressibleByArgument {}
extension ReferenceSample: ExpressibleByArgument {}
extension ToyBenchmarkKind: ExpressibleByArgument {}

extension ToySignal: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }

    public static var allValueStrings: [String] { names }
}
