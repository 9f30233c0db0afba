/// Everything the optimizer carries from one epoch to the next for a batch of T fits.
public struct TrainingState: Sendable, Equatable {
    public let fitCount: Int
    public let parameterCount: Int
    /// T × P parameters, fit-major.
    public var parameters: [Double]
    /// Adam's first and second moments, T × P.
    public var firstMoment: [Double]
    public var secondMoment: [Double]
    /// Epochs completed (= Adam steps taken by fits that have not diverged).
    public var epoch: Int
    /// For each fit, the epoch at which its loss became non-finite, or nil while it is healthy.
    /// A diverged fit keeps the parameters at which its loss was last finite and takes no more steps.
    public var divergedAt: [Int?]

    public init(parameters: [Double], fitCount: Int) {
        precondition(parameters.count % max(fitCount, 1) == 0)
        self.fitCount = fitCount
        self.parameterCount = parameters.count / fitCount
        self.parameters = parameters
        firstMoment = Array(repeating: 0, count: parameters.count)
        secondMoment = Array(repeating: 0, count: parameters.count)
        epoch = 0
        divergedAt = Array(repeating: nil, count: fitCount)
    }

    /// Whether fit t is still healthy (has not diverged).
    @inlinable
    public func isActive(_ t: Int) -> Bool { divergedAt[t] == nil }

    public var active: [Bool] { (0..<fitCount).map(isActive) }

    public func parameters(fit t: Int) -> ArraySlice<Double> {
        parameters[(t * parameterCount)..<((t + 1) * parameterCount)]
    }
}
