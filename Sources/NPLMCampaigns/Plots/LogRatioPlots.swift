import Foundation
import NPLMCore
import NPLMData
import NPLMMethods

/// Which picture of the learned log-ratio a fit or a campaign gets, and its SVG: in 1-D the curve
/// f(x) (`LogRatioCurve`), for d > 1 the marginal histograms of data, reference and e^f·R
/// (`MarginalHistograms`).
public enum LogRatioPlots {
    /// "log-ratio.svg" in 1-D, "marginals.svg" for d > 1.
    public static func fileName(dimension: Int) -> String { dimension == 1 ? "log-ratio.svg" : "marginals.svg" }

    /// The file a campaign's log-ratio picture goes to; nil when there is none for this campaign
    /// (kernel, nuisance and two-sample campaigns, and toys of a user's reference, whose events the
    /// records do not hold).
    public static func fileName(campaign configuration: CampaignConfiguration) -> String? {
        guard configuration.kernel == nil, configuration.nuisances == nil, configuration.toyBenchmark != nil,
              configuration.userSample == nil else { return nil }
        return fileName(dimension: configuration.architecture.inputDimension)
    }

    /// The configuration of an NPLM network campaign and its toys that have a learned f (not
    /// diverged, finite t and parameters), by ascending t (ties by toy index): the median toy is
    /// fits[(count − 1)/2]. Throws for kernel, nuisance and two-sample campaigns, and when no toy
    /// has a finite t.
    static func campaignFits(_ records: [FitRecord]) throws -> (configuration: CampaignConfiguration, fits: [FitRecord]) {
        guard let configuration = records.first?.configuration else {
            throw NPLMError.invalidArgument("the records carry no campaign configuration: the log-ratio plot needs a campaign file from nplm toys")
        }
        guard configuration.kernel == nil, configuration.nuisances == nil, configuration.toyBenchmark != nil,
              configuration.userSample == nil else {
            throw NPLMError.invalidArgument("the log-ratio plot is drawn for NPLM network campaigns of a built-in benchmark without nuisances (not for kernel, nuisance or two-sample campaigns, nor toys of a user's reference)")
        }
        let count = configuration.architecture.parameterCount
        let fits = records.filter { record in
            !record.diverged && record.t.isFinite && record.finalParameters.count == count && record.finalParameters.allSatisfy(\.isFinite)
        }.sorted { ($0.t, $0.toy ?? 0) < ($1.t, $1.toy ?? 0) }
        guard !fits.isEmpty else { throw NPLMError.invalidArgument("no toy of the campaign has a finite t: no log-ratio to draw") }
        return (configuration, fits)
    }

    /// The picture of an NPLM network fit (samples in the features' own units, the network's
    /// inputs transformed by `preprocessing`).
    public static func fit(data: EventSet, reference: EventSet, weights: [Float], architecture: Architecture,
                           parameters: [Double], preprocessing: FeatureTransform?, title: String) throws -> String {
        if architecture.inputDimension == 1 {
            return try LogRatioCurve.fit(data: data, reference: reference, weights: weights, architecture: architecture,
                                         parameters: parameters, preprocessing: preprocessing).svg(title: title)
        }
        return try MarginalHistograms.fit(data: data, reference: reference, weights: weights, architecture: architecture,
                                          parameters: parameters, preprocessing: preprocessing).svg(title: title)
    }

    /// The file of width σ's picture of a kernel-model fit: "log-ratio-sigma-2.4.svg" in 1-D,
    /// "marginals-sigma-2.4.svg" for d > 1 (σ as the kernel campaign's histograms name it).
    public static func fileName(dimension: Int, width: Double) -> String {
        "\(dimension == 1 ? "log-ratio" : "marginals")-sigma-\(String(format: "%g", width)).svg"
    }

    /// The pictures of a kernel-model fit, one per width (file names `fileName(dimension:width:)`):
    /// in 1-D the saved f on a grid over the reference's bulk (every kernel value in Double) with
    /// the binned data/reference log-ratio; for d > 1 the marginal histograms, with e^f·R from f at
    /// the reference events as the fit computed it (`outcomes[w].f`, the reference first). Samples
    /// in the features' own units (the model's preprocessing is applied to the grid); `titlePrefix`
    /// is completed with the width and its t. Throws when a width's fit diverged.
    public static func kernelFit(data: EventSet, reference: EventSet, weights: [Float], model: KernelModelFile,
                                 outcomes: [KernelFitOutcome], titlePrefix: String) throws -> [(file: String, svg: String)] {
        precondition(outcomes.count == model.widths.count && weights.count == reference.count)
        return try model.widths.indices.map { w in
            let title = "\(titlePrefix): σ = \(String(format: "%g", model.widths[w])), t = \(String(format: "%.6g", model.t[w]))"
            let file = fileName(dimension: reference.dimension, width: model.widths[w])
            if reference.dimension == 1 {
                let curve = try LogRatioCurve.fit(data: data, reference: reference, weights: weights) { grid in
                    try model.logRatio(try model.prepared(grid, label: "the grid of x"), width: w)
                }
                return (file, curve.svg(title: title))
            }
            let f = Array(outcomes[w].f[0..<reference.count])
            guard f.allSatisfy(\.isFinite) else {
                throw NPLMError.invalidArgument("the kernel fit of σ = \(model.widths[w]) has a non-finite f: no log-ratio to draw")
            }
            return (file, MarginalHistograms(data: data, reference: reference, weights: weights, logRatio: f).svg(title: title))
        }
    }

    /// The picture of a campaign from its records (see `fileName(campaign:)` for which campaigns
    /// have one): the 1-D curve, or the marginals of the median toy of a Gaussian-mixture campaign;
    /// `title` (the campaign's name) is completed with what is drawn and the median toy.
    public static func campaign(records: [FitRecord], title: String) throws -> String {
        func median(_ toy: Int?, _ t: Double?) -> String {
            toy.map { ", median toy \($0): t = \(String(format: "%.4g", t ?? .nan))" } ?? ""
        }
        if records.first?.configuration?.mixture != nil {
            let histograms = try MarginalHistograms.campaign(records: records)
            return histograms.svg(title: title + ": data, R and e^f·R" + median(histograms.toy, histograms.t))
        }
        let curve = try LogRatioCurve.campaign(records: records)
        return curve.svg(title: title + ": learned log-ratio" + median(curve.medianToy, curve.medianT))
    }
}
