import NPLMCore

/// The result of `nplm eval`: t of a saved model on given samples, with p and Z (`TestStatistic`);
/// for a kernel model every width's t (`kernel`), the first width's in `t` (dof 0, p and Z NaN: no
/// asymptotic χ², as in the kernel model's fit records).
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
    /// Kernel models: every width's t.
    public var kernel: KernelEvaluation?

    /// The widths of a kernel model, their t on the samples and as the fit computed them.
    public struct KernelEvaluation: Codable, Sendable, Equatable {
        public var widths: [Double]
        public var t: [Double]
        public var savedT: [Double]
        /// The engine that evaluated f ("cpu (AVX-512, 2 threads)").
        public var engine: String

        public init(widths: [Double], t: [Double], savedT: [Double], engine: String) {
            self.widths = widths
            self.t = t
            self.savedT = savedT
            self.engine = engine
        }
    }

    public init(test: ModelTest, t: Double, dof: Int, savedT: Double, events: [String: Int]) {
        self.test = test
        self.t = t
        self.dof = dof
        p = TestStatistic.p(t: t, dof: dof)
        z = TestStatistic.z(t: t, dof: dof)
        self.savedT = savedT
        self.events = events
    }

    /// A kernel model's evaluation: `t` and `savedT` are the first width's.
    public init(kernel: KernelEvaluation, events: [String: Int]) {
        test = .nplm
        t = kernel.t.first ?? .nan
        dof = 0
        p = .nan
        z = .nan
        savedT = kernel.savedT.first ?? .nan
        self.events = events
        self.kernel = kernel
    }
}
