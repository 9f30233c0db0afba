import ArgumentParser
import NPLM

extension ToyBenchmarkKind: ExpressibleByArgument {}

extension ToySignal: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }

    public static var allValueStrings: [String] { names }
}

/// `GaussianMixtureBenchmark.forNetwork`, its refusal as a ValidationError (toys and calibrate).
func gaussianMixture(dimension: Int?, architecture: Architecture, expected: Double, referenceSize: Int,
                     signal: MixtureSignal = .none, strength: Double? = nil) throws -> GaussianMixtureBenchmark {
    do {
        return try GaussianMixtureBenchmark.forNetwork(architecture, dimension: dimension, expected: expected,
                                                       referenceSize: referenceSize, signal: signal, strength: strength)
    } catch {
        throw ValidationError(ParameterFlags.message(error))
    }
}

/// `Benchmark1D.check`, its refusal as a ValidationError.
func checkOneDimensional(_ architecture: Architecture) throws {
    do { try Benchmark1D.check(architecture) } catch { throw ValidationError(ParameterFlags.message(error)) }
}
