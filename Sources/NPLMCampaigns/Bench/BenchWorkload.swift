import Foundation
import NPLMCore
import NPLMData

/// A batch of T fits to time: one of the workloads at a chosen size.
///
/// - `oneD`: the 1-D benchmark of D'Agnolo et al., Imperfect Machine, §3.1 (`Benchmark1D`): [1,4,1], N_R reference events
///   with weights N(R₀)/N_R, Poisson(N(R₀) = 2000) data events per fit, weight clipping at 9.
/// - `fiveD`: a 5-D workload of the size of D'Agnolo et al., Imperfect Machine, §4.1: [5,5,5,5,1], N_R reference events with
///   weights N(R₀)/N_R, Poisson(N(R₀) = 20 000) data events per fit, clipping at 2.16. The events
///   are five independent Exp(1) features (timing does not depend on the physics).
/// - `oneDNuisance`: the 1-D workload with the nuisances of D'Agnolo et al., Imperfect Machine, §3
///   (`BenchWorkload+Nuisance.swift`): one shape nuisance with a quadratic δ̂ and one normalisation.
public enum BenchWorkload: String, CaseIterable, Codable, Sendable {
    case oneD = "1d"
    case fiveD = "5d"
    case oneDNuisance = "1d-nuisance"

    public var architecture: Architecture {
        switch self {
        case .oneD, .oneDNuisance: return try! Architecture([1, 4, 1])
        case .fiveD: return try! Architecture([5, 5, 5, 5, 1])
        }
    }

    /// The 1-D benchmark's sizes and clipping (with or without nuisances).
    var isOneD: Bool {
        switch self {
        case .oneD, .oneDNuisance: return true
        case .fiveD: return false
        }
    }

    /// N_R of the measurement: the 1-D benchmark's, 100 000 in 5-D.
    public var defaultReferenceSize: Int { isOneD ? Benchmark1D.defaultReferenceSize : 100_000 }

    /// N(R₀), the expected data events per fit: the 1-D benchmark's, 20 000 in 5-D (D'Agnolo et al.,
    /// Imperfect Machine, §4.1).
    public var expectedData: Double { isOneD ? Benchmark1D.defaultExpectedBackground : 20_000 }

    public var clipping: WeightClipping { WeightClipping(bound: isOneD ? 9 : 2.16) }

    /// Refuses, before anything is drawn, a batch of `fits` fits (1 to 2³² − 1) over `referenceSize`
    /// reference events (at most 1e8) whose memory exceeds the machine's (`TrainingMemory`).
    public func checkSize(fits: Int, referenceSize: Int) throws {
        guard fits >= 1, fits <= Int(UInt32.max) else { throw NPLMError.invalidArgument("\(Parameter.fits) must be 1 to 2^32 − 1, got \(fits)") }
        try SampleSize.check(Double(referenceSize), option: "\(Parameter.referenceSizes)")
        let perFit = Int(expectedData + 6 * expectedData.squareRoot() + 10)
        let (data, overflow) = fits.multipliedReportingOverflow(by: perFit)
        try TrainingMemory.check(architecture: architecture, fits: self == .oneDNuisance ? 2 * fits : fits,
                                 events: overflow ? Int.max : referenceSize + data, dimension: architecture.inputDimension,
                                 options: TrainingOptions(epochs: 1), batchHint: "fewer \(Parameter.fits)")
    }

    /// The batch of `fits` fits over `referenceSize` reference events, and their initial
    /// parameters, all from `seed`.
    public func batch(fits: Int, referenceSize: Int, seed: UInt64 = 1) -> (batch: FitBatch, initialParameters: [Double]) {
        let architecture = self.architecture
        let reference: EventSet, data: [EventSet]
        switch self {
        case .oneDNuisance:
            return nuisanceBatch(fits: fits, referenceSize: referenceSize, seed: seed)
        case .oneD:
            let benchmark = Benchmark1D(expectedBackground: expectedData, referenceSize: referenceSize)
            reference = benchmark.reference(seed: seed)
            data = (0..<fits).map { benchmark.data(seed: seed, toy: UInt32($0)).events }
        case .fiveD:
            var stream = RandomStream(seed: seed, toy: 0, purpose: .reference)
            reference = Self.exponentialEvents(count: referenceSize, stream: &stream)
            data = (0..<fits).map { toy in
                var stream = RandomStream(seed: seed, toy: UInt32(toy), purpose: .background)
                let count = stream.poisson(mean: expectedData)
                return Self.exponentialEvents(count: count, stream: &stream)
            }
        }
        let weights = ReferenceWeights.uniform(total: expectedData, referenceCount: referenceSize)
        let batch = FitBatch.nplm(architecture: architecture, reference: reference, referenceWeights: weights, data: data)
        let initial = (0..<fits).flatMap { architecture.initialParameters(seed: seed, toy: UInt32($0)) }
        return (batch, initial)
    }

    private static func exponentialEvents(count: Int, stream: inout RandomStream) -> EventSet {
        EventSet(dimension: 5, count: count, features: (0..<(5 * count)).map { _ in Float(stream.exponential()) })
    }
}
