import NPLMCore

/// The result of `nplm eval`: t of a saved model on given samples, with p and Z (`TestStatistic`).
public struct EvalRecord: Codable, Sendable, Equatable {
    public var test: ModelTest
    public var t: Double
    public var dof: Int
    public var p: Double
    public var z: Double
    /// t as the fit computed it when the model was saved.
    public var savedT: Double
    public var events: [String: Int]
    /// Models of fits with nuisances: τ and Δ (t = τ − Δ); nil otherwise.
    public var tau: Double?
    public var delta: Double?

    public init(test: ModelTest, t: Double, dof: Int, savedT: Double, events: [String: Int]) {
        self.test = test
        self.t = t
        self.dof = dof
        p = TestStatistic.p(t: t, dof: dof)
        z = TestStatistic.z(t: t, dof: dof)
        self.savedT = savedT
        self.events = events
    }
}
