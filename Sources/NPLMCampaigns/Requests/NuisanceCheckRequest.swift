import Foundation
import NPLMCore
import NPLMData
import NPLMMethods

/// `nplm nuisance check`: a learned shape effect against binned ratios of samples (and the exact
/// log-ratio of a built-in nuisance).
public struct NuisanceCheckRequest: Sendable {
    /// The model file of `nplm nuisance train` (required).
    public var model: String?
    public var samples = ShapeSamplesRequest()
    /// The built-in samples' seed (default: the model's seed + 1).
    public var seed: UInt64?
    public var bins = 20
    public var feature = 0
    /// An SVG of the deviations against x.
    public var plot: String?
    public var output: String?

    public init() {}

    public struct Run: Sendable {
        public var effect: LearnedShapeEffect
        public var report: NuisanceCheckReport
    }

    /// Checks the options and the outputs, compares, and writes the plot and the JSON asked for.
    public func run() throws -> Run {
        guard let model else { throw NPLMError.invalidArgument("Missing expected argument '\(Parameter.model) <model>'") }
        let effect = try LearnedShapeEffect(path: model, label: "\(Parameter.model) \(model)")
        let nus = try samples.parsedPoints() ?? effect.points
        let outputs = try [(plot, Parameter.plot), (output, .output)].compactMap { path, parameter in
            try path.map { try AtomicWrite.checkWritable($0, label: "\(parameter) \($0)") }
        }
        try OutputTarget.refuseAliases(outputs: outputs, inputs: [("\(Parameter.model)", model)] + samples.inputFiles)
        let data = try samples.load(nus: nus, seed: seed ?? (effect.model.training.seed &+ 1))
        let exact: ((Double, Double) -> Double)? = samples.builtin == .scale ? { ScaleShapeEffect.exactLogRatio(x: $0, nu: $1) } : nil
        let report = try NuisanceCheck.run(effect: effect, data: data, exact: exact, bins: bins, feature: feature)
        var items: [AtomicWrite.Item] = []
        if let plot {
            let title = "learned log-ratio, order \(effect.order) (solid); " + (exact == nil ? "binned samples (dots)" : "exact (dashed), binned samples (dots)")
            items.append(AtomicWrite.Item(Data(report.plot(title: title).utf8), to: plot, label: "\(Parameter.plot) \(plot)"))
        }
        if let output { items.append(AtomicWrite.Item(try NPLMJSON.line(report), to: output, label: "\(Parameter.output) \(output)")) }
        try AtomicWrite.writeAll(items)
        return Run(effect: effect, report: report)
    }
}
