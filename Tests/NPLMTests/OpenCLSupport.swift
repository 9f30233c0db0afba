import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// Shared set-up of the OpenCL tests: the device they run on, random batches, tolerances.
enum OpenCLTestSupport {
    /// The first OpenCL device (PoCL in CI); skips the test with the reason when there is none.
    static func device() throws -> OpenCLDevice {
        let devices = try OpenCLDevice.all()
        guard let device = devices.first(where: { $0.kind == .gpu }) ?? devices.first else {
            throw XCTSkip("no OpenCL platform or device on this machine (install pocl-opencl-icd to run the OpenCL tests)")
        }
        return device
    }

    /// A random batch: `shared` shared events, fit t with `own[t]` own events, random terms.
    static func batch(_ random: inout TestRandom, architecture: Architecture, shared: Int, own: [Int],
                      loss: LossKind, offsets: Bool, termsPerFit: Bool) -> FitBatch {
        let d = architecture.inputDimension
        let sharedEvents = random.events(count: shared, dimension: d)
        let sharedTerms = (0..<(termsPerFit ? own.count : 1)).map { _ in random.terms(count: shared, offsets: offsets) }
        let ownEvents = own.map { random.events(count: $0, dimension: d) }
        let ownTerms = own.map { random.terms(count: $0, offsets: offsets) }
        return FitBatch(architecture: architecture, shared: sharedEvents, sharedTerms: sharedTerms,
                        own: ownEvents, ownTerms: ownTerms, loss: loss)
    }

    /// A random batch with an offset basis of `basisCount` columns in [−1, 1] on every block
    /// (nuisance parameters), exp-linear, offsets on the shared terms.
    static func nuisanceBatch(_ random: inout TestRandom, architecture: Architecture, shared: Int, own: [Int],
                              basisCount: Int) -> FitBatch {
        func columns(_ count: Int) -> [[Float]] { (0..<basisCount).map { _ in random.floats(count, -1, 1) } }
        let d = architecture.inputDimension
        let sharedEvents = random.events(count: shared, dimension: d)
        let sharedTerms = random.terms(count: shared, offsets: true).with(basis: columns(shared))
        let ownEvents = own.map { random.events(count: $0, dimension: d) }
        let ownTerms = own.map { random.terms(count: $0, offsets: false).with(basis: columns($0)) }
        return FitBatch(architecture: architecture, shared: sharedEvents, sharedTerms: [sharedTerms],
                        own: ownEvents, ownTerms: ownTerms)
    }

    /// Loss, gradient and basis gradient from any engine at offset coefficients T×(M + 1).
    static func evaluate(_ engine: LossEngine, _ parameters: [Double], coefficients: [Double])
        throws -> (loss: [Double], gradient: [Double], basisGradient: [Double]) {
        let T = engine.batch.fitCount
        var loss = [Double](repeating: 0, count: T)
        var gradient = [Double](repeating: 0, count: T * engine.batch.parameterCount)
        var basisGradient = [Double](repeating: 0, count: T * engine.batch.basisCount)
        try engine.lossAndGradient(parameters: parameters, offsetCoefficients: coefficients, active: nil, loss: &loss,
                                   gradient: &gradient, basisGradient: &basisGradient)
        return (loss, gradient, basisGradient)
    }

    /// Loss and gradient from any engine.
    static func evaluate(_ engine: LossEngine, _ parameters: [Double]) throws -> (loss: [Double], gradient: [Double]) {
        var loss = [Double](repeating: 0, count: engine.batch.fitCount)
        var gradient = [Double](repeating: 0, count: engine.batch.fitCount * engine.batch.parameterCount)
        try engine.lossAndGradient(parameters: parameters, active: nil, loss: &loss, gradient: &gradient)
        return (loss, gradient)
    }
}
