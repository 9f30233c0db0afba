/// The one check of the values that drive training and toy sizes, shared by every command and
/// library entry point: a value that is not finite, out of its range or absurd is refused with
/// the option's name and the value, instead of training to an "infinite" t.
extension TrainingOptions {
    /// The largest number of epochs accepted (10⁹ Adam steps would take years).
    public static let largestEpochs = 1_000_000_000
    /// The most history checkpoints (epochs / --history-every) a training records: each is a
    /// (epoch, loss) pair in every record line.
    public static let largestCheckpoints = 1_000_000

    public func validate() throws {
        guard epochs >= 1 else { throw NPLMError.invalidArgument("\(Parameter.epochs) must be at least 1, got \(epochs)") }
        guard epochs <= Self.largestEpochs else {
            throw NPLMError.invalidArgument("\(Parameter.epochs) must be at most 1e9, got \(epochs)")
        }
        guard historyEvery >= 0 else {
            throw NPLMError.invalidArgument("\(Parameter.historyEvery) must be 0 or positive, got \(historyEvery)")
        }
        if historyEvery > 0 && epochs / historyEvery > Self.largestCheckpoints {
            throw NPLMError.invalidArgument("\(Parameter.historyEvery) \(historyEvery) records \(epochs / historyEvery) losses of \(Parameter.epochs) \(epochs) in every record; at most 1e6: use \(Parameter.historyEvery) \((epochs + Self.largestCheckpoints - 1) / Self.largestCheckpoints) or more")
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
        try check(value, option: "\(parameter)", allowZero: allowZero)
    }

    /// `check` for a value named by any text (a model file's field, say).
    public static func check(_ value: Double, option parameter: ErrorText, allowZero: Bool = false) throws {
        guard value.isFinite, allowZero ? value >= 0 : value > 0 else {
            throw NPLMError.invalidArgument("\(parameter) must be a \(allowZero ? "non-negative" : "positive") number, got \(value)")
        }
        guard value <= largest else { throw NPLMError.invalidArgument("\(parameter) must be at most 1e8 events, got \(value)") }
    }

    /// The smallest expected count N(R₀) accepted: with N_R ≤ 1e8 reference events the weight
    /// N(R₀)/N_R is then at least 1e-14, a normal float32 (the engines' precision) far from the
    /// subnormals, and the fitted e^f ≈ N_D/N(R₀) at the minimum stays within float32 for every
    /// data count up to 1e8. Below it the weights round to zero and t means nothing.
    public static let smallestExpected = 1e-6

    /// Refuses an expected count N(R₀) (`parameter` names it) outside [`smallestExpected`, `largest`].
    public static func checkExpected(_ value: Double, parameter: Parameter) throws {
        try checkExpected(value, option: "\(parameter)")
    }

    /// `checkExpected` for a value named by any text (a model file's field, say).
    public static func checkExpected(_ value: Double, option parameter: ErrorText) throws {
        try check(value, option: parameter)
        guard value >= smallestExpected else {
            throw NPLMError.invalidArgument("\(parameter) must be at least 1e-6 events, got \(value): the reference weights N(R0)/N_R would vanish in float32 and t would mean nothing")
        }
    }
}
