import NPLMCore
import NPLMStatistics

/// One line of `nplm fit` with several data samples (`NPLMFitMany`): the fit of one sample — the
/// keys of the `FitRecord` a fit of that sample alone writes, with the same values — and its
/// name, and with a null campaign its empirical p-value.
///
/// ```json
/// {"dataEvents":2031,"dof":13,"null":{"atLeast":57,"campaign":"…","isBound":false,"p":0.285,"toys":199,"z":0.567},
///  "p":0.51,"referenceEvents":20000,"sample":"runs.h5:/batches/b07","seed":1,"t":12.2,…}
/// ```
public struct SampleFitRecord: Sendable, Equatable {
    /// The sample as it was given: a file, `file.h5:/group/name`, or the caller's label.
    public var sample: String
    /// The fit, as `NPLMFit` records it for this sample alone.
    public var fit: FitRecord
    /// With a null campaign: t against the null toys.
    public var null: NullPValue?

    public init(sample: String, fit: FitRecord, null: NullPValue? = nil) {
        self.sample = sample
        self.fit = fit
        self.null = null
    }

    /// The empirical p-value of a fit's t against the t of a null campaign:
    /// p = (1 + #{t_null ≥ t}) / (1 + N_null) (`EmpiricalPValue`), Z = Φ⁻¹(1 − p).
    public struct NullPValue: Codable, Sendable, Equatable {
        /// The null campaign's hash.
        public var campaign: String
        /// N_null: the null toys with a t (diverged toys count, with t = +∞).
        public var toys: Int
        /// #{t_null ≥ t}.
        public var atLeast: Int
        public var p: Double
        public var z: Double
        /// t is above every null toy: p is an upper bound (1/(1 + N_null)) and Z a lower bound.
        public var isBound: Bool

        /// t against the null toys `null` of the campaign `campaign`.
        public init(t: Double, null: EmpiricalPValue, campaign: String) {
            self.campaign = campaign
            toys = null.nullCount
            atLeast = null.countAtOrAbove(t)
            p = null.pValue(t)
            z = null.z(t)
            isBound = null.isBound(t)
        }
    }
}

extension SampleFitRecord: Codable {
    private enum CodingKeys: String, CodingKey { case sample, null }

    /// The fit's keys at the top level, next to `sample` and `null`.
    public func encode(to encoder: Encoder) throws {
        try fit.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sample, forKey: .sample)
        try container.encodeIfPresent(null, forKey: .null)
    }

    public init(from decoder: Decoder) throws {
        fit = try FitRecord(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sample = try container.decode(String.self, forKey: .sample)
        null = try container.decodeIfPresent(NullPValue.self, forKey: .null)
    }
}
