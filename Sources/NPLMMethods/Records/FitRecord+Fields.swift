import NPLMCore

/// The fields of a network's fit on the record itself, as the network code reads and writes
/// them. A kernel-model record has no network fit: there they read as its line writes them
/// (`kernelLineFields`) — t and diverged of its first width — and cannot be set.
extension FitRecord {
    /// The network's fit (nil for a kernel-model record).
    public var network: NetworkFit? {
        if case .network(let fit) = fit { return fit }
        return nil
    }

    /// The kernel model's result (nil for a network's fit).
    public var kernel: KernelRecord? {
        if case .kernel(let record) = fit { return record }
        return nil
    }

    /// The fields a kernel-model record's line carries where a network's has its fit, so that
    /// lines keep the keys (and bytes) they always had: t of the first width, diverged when that
    /// t is not finite (at epoch 0), dof 0 and p NaN (no asymptotic χ²), no epochs, history or
    /// parameters.
    static func kernelLineFields(_ kernel: KernelRecord) -> NetworkFit {
        let t = kernel.t.first ?? .nan
        return NetworkFit(t: t, dof: 0, p: .nan, z: nil, diverged: !t.isFinite, divergedAtEpoch: t.isFinite ? nil : 0, epochs: 0,
                          history: [], initialParameters: [], finalParameters: [], components: nil, nuisances: nil)
    }

    /// The network's fit, or a kernel record's line fields.
    var lineFields: NetworkFit {
        switch fit {
        case .network(let fit): return fit
        case .kernel(let kernel): return Self.kernelLineFields(kernel)
        }
    }

    private mutating func setNetwork<Value>(_ field: WritableKeyPath<NetworkFit, Value>, _ value: Value) {
        guard case .network(var network) = fit else { preconditionFailure("a network fit's field set on a kernel-model record") }
        network[keyPath: field] = value
        fit = .network(network)
    }

    /// t = −2 min L of the network (+∞ if it diverged); a kernel record's first width's t.
    public var t: Double {
        get { lineFields.t }
        set { setNetwork(\.t, newValue) }
    }
    public var dof: Int {
        get { lineFields.dof }
        set { setNetwork(\.dof, newValue) }
    }
    public var p: Double {
        get { lineFields.p }
        set { setNetwork(\.p, newValue) }
    }
    public var z: Double? {
        get { lineFields.z }
        set { setNetwork(\.z, newValue) }
    }
    public var diverged: Bool {
        get { lineFields.diverged }
        set { setNetwork(\.diverged, newValue) }
    }
    public var divergedAtEpoch: Int? {
        get { lineFields.divergedAtEpoch }
        set { setNetwork(\.divergedAtEpoch, newValue) }
    }
    public var epochs: Int {
        get { lineFields.epochs }
        set { setNetwork(\.epochs, newValue) }
    }
    public var history: [HistoryPoint] {
        get { lineFields.history }
        set { setNetwork(\.history, newValue) }
    }
    public var initialParameters: [Double] {
        get { lineFields.initialParameters }
        set { setNetwork(\.initialParameters, newValue) }
    }
    public var finalParameters: [Double] {
        get { lineFields.finalParameters }
        set { setNetwork(\.finalParameters, newValue) }
    }
    public var components: [Double]? {
        get { lineFields.components }
        set { setNetwork(\.components, newValue) }
    }
    public var nuisances: NuisanceRecord? {
        get { lineFields.nuisances }
        set { setNetwork(\.nuisances, newValue) }
    }
}
