/// A concrete engine: what `DevicePolicy` resolves a `BackendRequest` to, or what a caller that
/// times every engine (`nplm bench`) names directly. Networks and the kernel model's products are
/// built on the same choices (`BackendFactory`).
public enum EngineChoice: Sendable {
    /// The plain Double reference engine.
    case reference
    /// The fast CPU engine: `threads` workers (nil: every core); `instructionSet` nil for the
    /// widest this CPU has; `unrolledKernels` false forces the general network kernel (bench).
    case cpu(threads: Int?, instructionSet: FastCPUInstructionSet? = nil, unrolledKernels: Bool = true)
    /// An OpenCL device.
    case opencl(OpenCLDevice)

    /// The kind of engine (never `.auto`).
    public var kind: BackendKind {
        switch self {
        case .reference: return .reference
        case .cpu: return .cpu
        case .opencl: return .opencl
        }
    }

    /// The worker threads of the fast CPU engine (nil for the others, and for every core).
    public var threads: Int? {
        if case .cpu(let threads, _, _) = self { return threads }
        return nil
    }

    /// Every engine of `kind` on this machine, as `nplm bench` times them: the reference, the
    /// fast CPU engine at each of `threadCounts`, or every OpenCL device in `nplm devices` order
    /// (none when OpenCL cannot be listed). `.auto` counts as the fast CPU engine.
    public static func every(_ kind: BackendKind, threadCounts: [Int], instructionSet: FastCPUInstructionSet? = nil,
                             unrolledKernels: Bool = true) -> [EngineChoice] {
        switch kind {
        case .reference: return [.reference]
        case .cpu, .auto:
            return threadCounts.map { .cpu(threads: $0, instructionSet: instructionSet, unrolledKernels: unrolledKernels) }
        case .opencl: return ((try? OpenCLDevice.all()) ?? []).map { .opencl($0) }
        }
    }
}
