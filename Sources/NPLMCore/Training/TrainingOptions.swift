/// What a training run does: epochs, optimizer, clipping, history.
public struct TrainingOptions: Hashable, Codable, Sendable {
    public var epochs: Int
    /// Record the loss every this many epochs (and at the last epoch). 0: final loss only.
    public var historyEvery: Int
    public var optimizer: Adam
    public var clipping: WeightClipping?

    public init(epochs: Int, historyEvery: Int = 0, optimizer: Adam = Adam(), clipping: WeightClipping? = nil) {
        self.epochs = epochs
        self.historyEvery = historyEvery
        self.optimizer = optimizer
        self.clipping = clipping
    }

    /// The epochs at which the loss is recorded: K, 2K, … and the last epoch.
    public var checkpoints: [Int] {
        var epochs: [Int] = []
        if historyEvery > 0 { epochs = Array(stride(from: historyEvery, to: self.epochs, by: historyEvery)) }
        if self.epochs > 0 { epochs.append(self.epochs) }
        return epochs
    }
}

/// The outcome of one fit.
public struct FitOutcome: Sendable, Equatable {
    /// The test statistic t = −2 × the loss at the final parameters (non-finite if diverged).
    public var t: Double
    public var finalLoss: Double
    /// (epoch, loss) at every checkpoint.
    public var history: [HistoryPoint]
    /// Epoch at which the loss became non-finite, or nil.
    public var divergedAt: Int?
    public var initialParameters: [Double]
    public var finalParameters: [Double]

    public var diverged: Bool { divergedAt != nil }

    public init(t: Double, finalLoss: Double, history: [HistoryPoint], divergedAt: Int?,
                initialParameters: [Double], finalParameters: [Double]) {
        self.t = t
        self.finalLoss = finalLoss
        self.history = history
        self.divergedAt = divergedAt
        self.initialParameters = initialParameters
        self.finalParameters = finalParameters
    }
}

/// The loss at one checkpoint of training (every `TrainingOptions.historyEvery` epochs and the last).
public struct HistoryPoint: Codable, Sendable, Equatable {
    public var epoch: Int
    public var loss: Double

    public init(epoch: Int, loss: Double) {
        self.epoch = epoch
        self.loss = loss
    }
}
