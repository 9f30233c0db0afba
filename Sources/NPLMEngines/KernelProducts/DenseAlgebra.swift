import CFastLoss
import Foundation
import NPLMStatistics

/// The M × M linear algebra of the Falkon preconditioner, on column-major matrices.
public protocol DenseAlgebra {
    /// The upper Cholesky factor T (TᵀT = a), or nil when a is not positive definite.
    func choleskyUpper(_ a: [Double], size n: Int) -> [Double]?
    /// x with T·x = b (transposed: Tᵀ·x = b) for upper triangular T.
    func solve(_ t: [Double], size n: Int, _ b: [Double], transposed: Bool) -> [Double]
    /// scale · S·Sᵀ.
    func gram(_ s: [Double], size n: Int, scale: Double) -> [Double]
    /// How many independent matrices (one fit's each) may be worked on side by side.
    var workers: Int { get }
}

/// Plain loops in Double: the reference the OpenBLAS path is tested against.
public struct ReferenceDenseAlgebra: DenseAlgebra {
    public init() {}

    public var workers: Int { 1 }

    public func choleskyUpper(_ a: [Double], size n: Int) -> [Double]? { PlainCholesky.upper(a, size: n) }

    public func solve(_ t: [Double], size n: Int, _ b: [Double], transposed: Bool) -> [Double] {
        var x = b
        if transposed {
            // Tᵀ is lower triangular: forward substitution; Tᵀ[i, k] = T[k, i] = t[i·n + k]
            for i in 0..<n {
                var s = x[i]
                for k in 0..<i { s -= t[i * n + k] * x[k] }
                x[i] = s / t[i * n + i]
            }
        } else {
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = x[i]
                for k in (i + 1)..<max(n, i + 1) { s -= t[k * n + i] * x[k] }
                x[i] = s / t[i * n + i]
            }
        }
        return x
    }

    public func gram(_ s: [Double], size n: Int, scale: Double) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            for i in 0...j {
                var sum = 0.0
                for k in 0..<n { sum += s[k * n + i] * s[k * n + j] }
                c[j * n + i] = scale * sum
                c[i * n + j] = scale * sum
            }
        }
        return c
    }
}

/// LAPACK and BLAS from OpenBLAS (Sources/CFastLoss/dense_algebra.c), each call in one thread;
/// `workers` fits' matrices at a time.
public struct BLASDenseAlgebra: DenseAlgebra {
    public let workers: Int

    public init(workers: Int = 1) { self.workers = max(1, workers) }

    /// The kernels OpenBLAS chose for this CPU when it loaded ("SkylakeX", "Haswell", …).
    public static var kernels: String { String(cString: nplm_dense_algebra_core()) }

    /// A line of advice when OpenBLAS did not recognise an AVX2 or AVX-512 CPU and fell back to
    /// its SSE3 ("Prescott") kernels, which it does for CPUs newer than its release (Debian's
    /// 0.3.21 on a Xeon that reports itself only as "Intel Xeon Processor"). The choice is made
    /// when the library loads, so only the environment can change it. nil otherwise.
    public static var kernelsAdvice: String? {
        guard kernels.lowercased() == "prescott" else { return nil }
        let better: String
        switch FastCPUInstructionSet.best {
        case .avx512: better = "SkylakeX"
        case .avx2: better = "Haswell"
        case .baseline: return nil
        }
        return "OpenBLAS runs its SSE3 (Prescott) kernels on this \(FastCPUInstructionSet.best) CPU: OPENBLAS_CORETYPE=\(better) in the environment makes the kernel model's M × M algebra several times faster (a fit's t moves within its conjugate-gradient tolerance)"
    }

    public func choleskyUpper(_ a: [Double], size n: Int) -> [Double]? {
        var t = a
        let info = t.withUnsafeMutableBufferPointer { nplm_cholesky_upper($0.baseAddress, Int32(n)) }
        guard info == 0, t.allSatisfy(\.isFinite) else { return nil }
        return t
    }

    public func solve(_ t: [Double], size n: Int, _ b: [Double], transposed: Bool) -> [Double] {
        var x = b
        t.withUnsafeBufferPointer { tp in
            x.withUnsafeMutableBufferPointer { nplm_triangular_solve(tp.baseAddress, Int32(n), $0.baseAddress, transposed ? 1 : 0) }
        }
        return x
    }

    public func gram(_ s: [Double], size n: Int, scale: Double) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        s.withUnsafeBufferPointer { sp in
            c.withUnsafeMutableBufferPointer { nplm_gram(sp.baseAddress, Int32(n), scale, $0.baseAddress) }
        }
        return c
    }
}
