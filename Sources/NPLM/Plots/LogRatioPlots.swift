import Foundation

/// Which picture of the learned log-ratio a fit or a campaign gets, and its SVG: in 1-D the curve
/// f(x) (`LogRatioCurve`), for d > 1 the marginal histograms of data, reference and e^f·R
/// (`MarginalHistograms`).
public enum LogRatioPlots {
    /// "log-ratio.svg" in 1-D, "marginals.svg" for d > 1.
    public static func fileName(dimension: Int) -> String { dimension == 1 ? "log-ratio.svg" : "marginals.svg" }

    /// The file a campaign's log-ratio picture goes to; nil when there is none for this campaign
    /// (kernel, nuisance and two-sample campaigns).
    public static func fileName(campaign configuration: CampaignConfiguration) -> String? {
        guard configuration.kernel == nil, configuration.nuisances == nil, configuration.benchmark != nil else { return nil }
        return fileName(dimension: configuration.architecture.inputDimension)
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

    /// The picture of a campaign from its records (see `fileName(campaign:)` for which campaigns have one).
    public static func campaign(records: [FitRecord], title: String) throws -> String {
        let curve = try LogRatioCurve.campaign(records: records)
        let median = curve.medianToy.map { ", median toy \($0): t = \(String(format: "%.4g", curve.medianT ?? .nan))" } ?? ""
        return curve.svg(title: title + median)
    }
}
