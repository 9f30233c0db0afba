/// The one check of the values that drive training and toy sizes, shared by every command and
/// library entry point: a value that is not finite, out of its range or absurd is refused with
/// the option's name and the value, instead of training to an "infinite" t.
extension TrainingOptions {
    /// The largest number of epochs accepted (10⁹ Adam steps would take years).
    public static let largestEpochs = 1_000_000_000

    public func validate() throws {
        guard epochs >= 1 else { throw NPLMError.invalidArgument("\(Parameter.epochs) must be at least 1, got \(epochs)") }
        guard epochs <= Self.largestEpochs else {
            throw NPLMError.invalidArgument("\(Parameter.epochs) must be at most 1e9, got \(epochs)")
        }
        guard historyEvery >= 0 else {
            throw NPLMError.invalidArgument("\(Parameter.historyEvery) must be 0 or positive, got \(historyEvery)")
        }
        try optimizer.validate()
        try clipping?.validate()
    }
}

extension Adam {
    public func validate() throws {
        guard learningRate > 0, learningRate.isFinite else {
            throw NPLMError.invalidArgument("\(Parameter.learningRate) must be a positive finite number, got \(learningRate)")
        }
        guard beta1 >= 0, beta1 < 1 else { throw NPLMError.invalidArgument("\(Parameter.beta1) must be in [0, 1), got \(beta1)") }
        guard beta2 >= 0, beta2 < 1 else { throw NPLMError.invalidArgument("\(Parameter.beta2) must be in [0, 1), got \(beta2)") }
        guard epsilon > 0, epsilon.isFinite else {
            throw NPLMError.invalidArgument("\(Parameter.epsilon) must be a positive finite number, got \(epsilon)")
        }
    }
}

extension WeightClipping {
    public func validate() throws {
        guard bound > 0, bound.isFinite else { throw NPLMError.invalidArgument("\(Parameter.clip) must be a positive number, got \(bound)") }
    }
}

/// Limits of event counts (expected or actual) that options and weight files give.
public enum SampleSize {
    /// The largest sample accepted: 1e8 events of one feature are 400 MB of float32 plus their
    /// coefficients, and an expected count far beyond that is a typo, not a campaign.
    public static let largest = 100_000_000.0

    /// Refuses an expected count (`option` names it) that is not finite, negative (or zero unless
    /// `allowZero`), or above `largest`.
    public static func check(_ value: Double, parameter: Parameter, allowZero: Bool = false) throws {
        guard value.isFinite, allowZero ? value >= 0 : value > 0 else {
            throw NPLMError.invalidArgument("\(parameter) must be a \(allowZero ? "non-negative" : "positive") number, got \(value)")
        }
        guard value <= largest else { throw NPLMError.invalidArgument("\(parameter) must be at most 1e8 events, got \(value)") }
    }
}
