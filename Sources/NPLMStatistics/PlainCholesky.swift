import Foundation

/// The upper Cholesky factor in plain Double loops: the reference the kernel model's OpenBLAS
/// factorisation is tested against, and the factor of the small correlation matrices of
/// `CopulaCalibration`.
public enum PlainCholesky {
    /// T with TᵀT = a for the column-major n × n matrix a (entry (row i, column j) at j·n + i), or
    /// nil when a is not positive definite.
    public static func upper(_ a: [Double], size n: Int) -> [Double]? {
        var t = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var diagonal = a[j * n + j]
            for k in 0..<j { diagonal -= t[j * n + k] * t[j * n + k] }
            guard diagonal > 0, diagonal.isFinite else { return nil }
            let tjj = diagonal.squareRoot()
            t[j * n + j] = tjj
            for i in (j + 1)..<max(n, j + 1) {
                var s = a[i * n + j]
                for k in 0..<j { s -= t[j * n + k] * t[i * n + k] }
                t[i * n + j] = s / tjj   // T[j, i], row j, column i
            }
        }
        return t
    }
}
