import Foundation
import NPLMCore
import NPLMEngines

/// Running a saved kernel model on events (`nplm eval`, the log-ratio of a fit).
///
/// t of a saved kernel model on new samples is the fit's statistic at the saved f: for every
/// width, f_σ(x) = Σ_m c_m exp(−‖x − x̃_m‖²/2σ²) with the saved centres and coefficients, evaluated
/// at every event of the new data D and reference R (after the saved preprocessing), and
///   t_σ = 2 [Σ_D f_σ − Σ_R w (e^{f_σ} − 1)],
/// with the reference weights w of the saved normalisation on the new samples (N(R₀)/N_R with the
/// saved N(R₀), N_D/N_R, or the weights given) — the formula the fit ends with
/// (`FalkonNewtonSolver.statistic`), so there is one definition. Nothing is refitted: on other
/// samples this is the saved f's extended log-likelihood ratio, not a new test's t.
extension KernelModelFile {
    /// t of every width on `data` against `reference` (both prepared: `prepared(_:label:)`) with
    /// `weights`, on `engine` with the saved kernel-value precision. The events are pooled as the
    /// fit pooled them (reference, then data) and f comes from the engine's own product K·c, so on
    /// the fit's samples and engine this is the fit's t bit for bit.
    public func statistics(data: EventSet, reference: EventSet, weights: ReferenceWeights, engine: KernelEngine) throws -> [Double] {
        precondition(weights.values.count == reference.count, "one reference weight per reference event")
        for (events, name) in [(data, "data"), (reference, "reference")] where events.dimension != dimension {
            throw NPLMError.invalidArgument("the \(name) have \(events.dimension) feature(s) per event but the kernel model takes \(dimension)")
        }
        guard data.count > 0, reference.count > 0 else {
            throw NPLMError.invalidArgument("the kernel model's t needs reference and data events, got \(reference.count) and \(data.count)")
        }
        try engine.check(options.precision)
        let f: [[Double]]
        do {
            let products = try engine.products(reference: reference, tests: [.init(data: data, centres: centreEvents, widths: widths)],
                                               precision: options.precision)
            f = try products.evaluate(coefficients, fits: Array(widths.indices))
        } catch let error as OpenCLError {
            throw NPLMError.invalidArgument("\(Parameter.backend) opencl: \(error)")
        }
        let isData = [Bool](repeating: false, count: reference.count) + [Bool](repeating: true, count: data.count)
        let lossWeights = weights.kernelValues + [Double](repeating: 1, count: data.count)
        return f.map { FalkonNewtonSolver.statistic(f: $0, isData: isData, weights: lossWeights) }
    }

    /// f of width number `width` at every event of `events` (prepared), every kernel value in
    /// Double (the reference products): what the log-ratio plots and the Python package draw.
    public func logRatio(_ events: EventSet, width: Int) throws -> [Double] {
        precondition(widths.indices.contains(width))
        guard events.dimension == dimension else {
            throw NPLMError.invalidArgument("the events have \(events.dimension) feature(s) but the kernel model takes \(dimension)")
        }
        return ReferenceKernelProducts(events: events, centres: centreEvents, width: widths[width]).evaluate(coefficients[width])
    }
}
