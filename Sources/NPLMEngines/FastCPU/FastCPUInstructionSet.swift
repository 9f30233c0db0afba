import CFastLoss

/// The instruction-set variants of the fast CPU kernel (Sources/CFastLoss).
///
/// Swift and the rest of the binary are compiled for baseline x86-64; only the kernel exists in
/// three variants, and the widest the running CPU supports is chosen at run time. A binary built
/// on an AVX-512 machine therefore still runs on an older cluster node, and one built on an old
/// node uses AVX-512 where it finds it. The AVX2 and AVX-512 variants give bitwise identical
/// results (same lanes, same operations, explicit fused multiply-adds only); the SSE2 variant,
/// for CPUs without FMA, differs in the last bits.
public enum FastCPUInstructionSet: Int32, CaseIterable, Sendable, CustomStringConvertible {
    /// SSE2: any x86-64 CPU.
    case baseline = 0
    /// AVX2 with FMA (x86-64-v3: Intel Haswell, AMD Zen and later).
    case avx2 = 1
    /// AVX-512 F, BW, DQ, VL (x86-64-v4).
    case avx512 = 2

    /// The widest variant the running CPU supports.
    public static var best: FastCPUInstructionSet {
        FastCPUInstructionSet(rawValue: Int32(nplm_best_isa().rawValue)) ?? .baseline
    }

    /// Whether the running CPU can run this variant.
    public var isSupported: Bool { rawValue <= Self.best.rawValue }

    var cValue: nplm_isa { nplm_isa(rawValue: UInt32(rawValue)) }

    public var description: String { String(cString: nplm_isa_name(cValue)) }
}
