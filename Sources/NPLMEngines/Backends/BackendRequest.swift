/// Which engine trains a batch.
public enum BackendKind: String, CaseIterable, Codable, Sendable {
    /// The plain Double reference engine (slow; the ground truth).
    case reference
    /// The fast CPU engine.
    case cpu
    /// An OpenCL device.
    case opencl
    /// An OpenCL GPU when present, else the fastest CPU path.
    case auto
}

/// How to build a backend: the user's choice plus the knobs every backend understands.
public struct BackendRequest: Sendable {
    public var kind: BackendKind
    /// Worker threads for CPU engines; nil means every core.
    public var threads: Int?
    /// OpenCL device index in the order `nplm devices` lists them.
    public var device: Int?

    public init(kind: BackendKind = .auto, threads: Int? = nil, device: Int? = nil) {
        self.kind = kind
        self.threads = threads
        self.device = device
    }
}
