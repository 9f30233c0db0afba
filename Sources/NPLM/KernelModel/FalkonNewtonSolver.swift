import Foundation

/// One Newton step's conjugate gradient: iterations run and the final preconditioned residual.
public struct ConjugateGradientTrace: Codable, Sendable, Equatable {
    public var iterations: Int
    public var residual: Double
    /// True when the residual reached the tolerance (false: the iteration limit stopped it, or the
    /// curvature p·Ap stopped being positive).
    public var converged: Bool
}

/// The result of one kernel fit (one width).
public struct KernelFitOutcome: Sendable {
    public var width: Double
    /// t = 2 [Σ_D f − Σ_R w (e^f − 1)] (Letizia et al. 2022, the extended-likelihood ratio of the
    /// NPLM papers evaluated at the learned f); +∞ if the fit produced a non-finite f.
    public var t: Double
    /// Coefficients c of f(x) = Σ_m c_m k(x, x̃_m).
    public var coefficients: [Double]
    /// f at every pooled event (reference then data).
    public var f: [Double]
    public var cg: [ConjugateGradientTrace]
    /// ε of the jitter ε·M·I added to K_MM before its Cholesky factorisation.
    public var jitter: Double
    public var diverged: Bool { !t.isFinite }
}

/// Newton steps on the weighted logistic loss of the kernel model, each solved by preconditioned
/// conjugate gradient, as the logistic Falkon solver of Meanti et al., "Kernel methods through the
/// roof" (NeurIPS 2020), on which Letizia et al. build the kernel NPLM:
///
///   J(c) = (1/n) Σ_i ℓ_i(f_i) + (λ/2) cᵀK_MM c,   f = K_nM c,
///
/// in the variable β = T c (T the upper Cholesky factor of K_MM + εM·I). The Newton matrix
/// H = (1/n) K_nMᵀ D K_nM + λ K_MM (D = ℓ'' at the events) is preconditioned as in Rudi, Carratino
/// and Rosasco, "FALKON: an optimal large scale kernel method" (NeurIPS 2017), with the curvature
/// taken at the centres: A = chol((1/n)·T W Tᵀ + λ I), W = ℓ'' at the centres (the factor 1/n
/// rather than 1/M is the logistic Falkon solver's). Each step solves
/// (A⁻ᵀT⁻ᵀ H T⁻¹A⁻¹) x = A⁻ᵀ(T⁻ᵀ g + λβ), g = (1/n) K_nMᵀ ℓ', by CG from x = 0 until ‖r‖ < tolerance,
/// then β ← β − A⁻¹x.
public struct FalkonNewtonSolver {
    /// Where the products and the M × M algebra come from.
    public var algebra: DenseAlgebra
    public var options: KernelOptions

    /// The jitter ε of K_MM + εM·I: Falkon's value for float32 kernels (Meanti et al.), since the
    /// fast engines compute K_nM in float32: f = K_nM·T⁻¹β carries K_nM's rounding (≈ 1e-7)
    /// amplified by ‖T⁻¹‖ ≤ 1/√(εM), which a float64-sized ε (1e-13) lets grow to order one; with
    /// 1e-5 it stays ≈ 1e-6. It also adds the negligible ridge (λ/2)·εM·‖c‖² to the penalty.
    /// A K_MM whose Cholesky still fails (duplicate centres make it singular, and rounding can
    /// push a zero eigenvalue below −εM) is retried with ε ten times larger, up to `maximumJitter`.
    public static let initialJitter = 1e-5
    public static let maximumJitter = 1e-2

    public init(algebra: DenseAlgebra, options: KernelOptions) {
        self.algebra = algebra
        self.options = options
    }

    /// The jittered Cholesky factor of K_MM and the ε used.
    public func kernelFactor(_ kmm: [Double], size m: Int) throws -> (t: [Double], jitter: Double) {
        var epsilon = Self.initialJitter
        while epsilon <= Self.maximumJitter * 1.0001 {
            var a = kmm
            for j in 0..<m { a[j * m + j] += epsilon * Double(m) }
            if let t = algebra.choleskyUpper(a, size: m) { return (t, epsilon) }
            epsilon *= 10
        }
        throw NPLMError.invalidArgument("kernel model: K_MM of the \(m) centres is not positive definite even with a jitter of \(Self.maximumJitter)·M on its diagonal (non-finite events?)")
    }

    /// Fits one width. `isData[i]` labels event i, `weights[i]` is its loss weight (1 for data,
    /// w for reference), `centreIndices` the pooled events that are the centres.
    public func fit(products: KernelProducts, kmm: [Double], centreIndices: [Int], isData: [Bool], weights: [Double],
                    width: Double) throws -> KernelFitOutcome {
        let n = products.eventCount, m = products.centreCount
        precondition(isData.count == n && weights.count == n && centreIndices.count == m && kmm.count == m * m)
        let lambda = options.lambda
        let (t, jitter) = try kernelFactor(kmm, size: m)
        var beta = [Double](repeating: 0, count: m)
        var f = [Double](repeating: 0, count: n)
        var c = [Double](repeating: 0, count: m)
        var traces: [ConjugateGradientTrace] = []
        let invN = 1 / Double(n)
        for _ in 0..<options.newtonSteps {
            // preconditioner: A = chol((1/n) T W Tᵀ + λ I), T·diag(√W) formed column by column
            var s = t
            for col in 0..<m {
                let i = centreIndices[col]
                let root = WeightedLogisticLoss.curvature(f[i], isData: isData[i], weight: weights[i]).squareRoot()
                for row in 0..<m { s[col * m + row] *= root }
            }
            var inner = algebra.gram(s, size: m, scale: invN)
            for j in 0..<m { inner[j * m + j] += lambda }
            guard let a = algebra.choleskyUpper(inner, size: m) else {
                throw NPLMError.invalidArgument("kernel model: the Newton matrix of the preconditioner is not positive definite (λ = \(lambda)); use a larger --lambda")
            }
            let slope = (0..<n).map { WeightedLogisticLoss.slope(f[$0], isData: isData[$0], weight: weights[$0]) * invN }
            let curvature = (0..<n).map { WeightedLogisticLoss.curvature(f[$0], isData: isData[$0], weight: weights[$0]) * invN }
            let g = products.transposed(slope)
            var rhs = algebra.solve(t, size: m, g, transposed: true)
            for j in 0..<m { rhs[j] += lambda * beta[j] }
            rhs = algebra.solve(a, size: m, rhs, transposed: true)
            let operatorApply: ([Double]) -> [Double] = { x in
                let y = algebra.solve(a, size: m, x, transposed: false)
                let z = algebra.solve(t, size: m, y, transposed: false)
                var h = algebra.solve(t, size: m, products.curvature(z, weights: curvature), transposed: true)
                for j in 0..<m { h[j] += lambda * y[j] }
                return algebra.solve(a, size: m, h, transposed: true)
            }
            let (x, trace) = Self.conjugateGradient(operatorApply, rhs, tolerance: options.cgTolerance,
                                                     maxIterations: options.cgMaxIterations)
            traces.append(trace)
            let step = algebra.solve(a, size: m, x, transposed: false)
            for j in 0..<m { beta[j] -= step[j] }
            c = algebra.solve(t, size: m, beta, transposed: false)
            f = products.evaluate(c)
        }
        return KernelFitOutcome(width: width, t: Self.statistic(f: f, isData: isData, weights: weights), coefficients: c,
                                f: f, cg: traces, jitter: jitter)
    }

    /// t = 2 [Σ_D f − Σ_R w (e^f − 1)]; +∞ when f is not finite everywhere.
    public static func statistic(f: [Double], isData: [Bool], weights: [Double]) -> Double {
        var dataSum = 0.0, referenceSum = 0.0
        for i in f.indices {
            guard f[i].isFinite else { return .infinity }
            if isData[i] { dataSum += f[i] } else { referenceSum += weights[i] * Foundation.expm1(f[i]) }
        }
        let t = 2 * (dataSum - referenceSum)
        return t.isFinite ? t : .infinity
    }

    /// Conjugate gradient from x = 0 for a symmetric positive definite operator, stopping when
    /// ‖r‖ < tolerance (absolute, as the logistic Falkon solver), after `maxIterations`, or when
    /// p·Ap ≤ 0 (a direction of no curvature left: the residual cannot shrink further).
    public static func conjugateGradient(_ apply: ([Double]) -> [Double], _ b: [Double], tolerance: Double,
                                         maxIterations: Int) -> ([Double], ConjugateGradientTrace) {
        var x = [Double](repeating: 0, count: b.count)
        var r = b, p = b
        var rs = dot(r, r)
        var iterations = 0
        while iterations < maxIterations && rs.squareRoot() >= tolerance {
            let ap = apply(p)
            let curvature = dot(p, ap)
            guard curvature > 0, curvature.isFinite else { break }
            let alpha = rs / curvature
            for j in x.indices {
                x[j] += alpha * p[j]
                r[j] -= alpha * ap[j]
            }
            let rsNew = dot(r, r)
            iterations += 1
            if rsNew.squareRoot() < tolerance { rs = rsNew; break }
            let ratio = rsNew / rs
            for j in p.indices { p[j] = r[j] + ratio * p[j] }
            rs = rsNew
        }
        return (x, ConjugateGradientTrace(iterations: iterations, residual: rs.squareRoot(),
                                          converged: rs.squareRoot() < tolerance))
    }

    @inline(__always) static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for j in a.indices { s += a[j] * b[j] }
        return s
    }
}
