import Foundation
import NPLMCore
import NPLMEngines

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
    /// ε of the jitter ε·M·I added to K_MM before its Cholesky factorisation (part of the
    /// objective: `FalkonNewtonSolver`).
    public var jitter: Double
    public var diverged: Bool { !t.isFinite }
}

/// Newton steps on the weighted logistic loss of the kernel model, each solved by preconditioned
/// conjugate gradient, as the logistic Falkon solver of Meanti et al., "Kernel methods through the
/// roof" (NeurIPS 2020), on which Letizia et al. build the kernel NPLM ("Learning new physics
/// efficiently with nonparametric methods", 2022). The objective is that of the authors' code
/// (Falkon's `LogisticFalkon` with its `WeightedCrossEntropyLoss`):
///
///   J(c) = (1/n) Σ_i ℓ_i(f_i) + (λ/2) cᵀ(K_MM + εM·I)c,   f = K_nM c,
///
/// solved in the variable β = T c, T the upper Cholesky factor of K_MM + εM·I, where the penalty
/// is (λ/2)‖β‖². The jitter εM·I is Falkon's (ε = 1e-13 for the authors' float64 data,
/// `KernelOptions.jitter`), in the objective there too. It is not negligible at small λ: on a 1-D
/// toy (4000 reference events, M = 200, σ = 1) the exact float64 minimiser's t moves by 2–4 % per
/// decade of ε between 1e-15 and 1e-12 at λ = 1e-10 and 1e-7, and at ε ≈ 1e-15 the jitter εM is
/// the size of K_MM's own rounding (≈ 1e-16‖K_MM‖); so ε is part of the statistic's definition,
/// and 1e-13 is the authors'. The Newton matrix H = (1/n) K_nMᵀ D K_nM + λ (K_MM + εM·I)
/// (D = ℓ'' at the events) is preconditioned as in Rudi, Carratino and Rosasco, "FALKON: an
/// optimal large scale kernel method" (NeurIPS 2017), with the curvature taken at the centres:
/// A = chol((1/n)·T W Tᵀ + λ I), W = ℓ'' at the centres (the factor 1/n rather than 1/M is the
/// logistic Falkon solver's). Each step solves (A⁻ᵀT⁻ᵀ H T⁻¹A⁻¹) x = A⁻ᵀ(T⁻ᵀ g + λβ),
/// g = (1/n) K_nMᵀ ℓ', by CG from x = 0 until ‖r‖ < tolerance, then β ← β − A⁻¹x.
///
/// Precision: f = K_nM T⁻¹β, and ‖T⁻¹‖ reaches 1/√(εM) (≈ 6e4 at ε = 1e-13, M = 3000), so the
/// kernel values must be as precise as the jitter is small (`KernelPrecision`); the products are
/// float64 by default. The M × M algebra is in Double throughout.
public struct FalkonNewtonSolver {
    /// Where the products and the M × M algebra come from.
    public var algebra: DenseAlgebra
    public var options: KernelOptions

    /// A K_MM + εM·I whose Cholesky fails (duplicate centres make K_MM singular, and rounding can
    /// push a zero eigenvalue below −εM) is retried with ε ten times larger, up to this; Falkon
    /// stops with an error instead.
    public static let maximumJitter = 1e-2

    public init(algebra: DenseAlgebra, options: KernelOptions) {
        self.algebra = algebra
        self.options = options
    }

    /// The jittered Cholesky factor of K_MM and the ε used (from `options.effectiveJitter`).
    public func kernelFactor(_ kmm: [Double], size m: Int) throws -> (t: [Double], jitter: Double) {
        var epsilon = options.effectiveJitter
        while epsilon <= Self.maximumJitter * 1.0001 {
            var a = kmm
            for j in 0..<m { a[j * m + j] += epsilon * Double(m) }
            if let t = algebra.choleskyUpper(a, size: m) { return (t, epsilon) }
            epsilon *= 10
        }
        throw NPLMError.invalidArgument("kernel model: K_MM of the \(m) centres is not positive definite even with a jitter of \(Self.maximumJitter)·M on its diagonal\(kmm.allSatisfy(\.isFinite) ? "" : ": it holds non-finite entries (a width too small for the events' scale?)")")
    }

    /// One fit of a batch: its K_MM, its centres among its pooled events, the events' labels
    /// (`isData[i]`) and loss weights (1 for data, w for reference), its width.
    public struct Input {
        public var kmm: [Double]
        public var centreIndices: [Int]
        public var isData: [Bool]
        public var weights: [Double]
        public var width: Double

        public init(kmm: [Double], centreIndices: [Int], isData: [Bool], weights: [Double], width: Double) {
            self.kmm = kmm
            self.centreIndices = centreIndices
            self.isData = isData
            self.weights = weights
            self.width = width
        }
    }

    /// Fits one width. `isData[i]` labels event i, `weights[i]` is its loss weight (1 for data,
    /// w for reference), `centreIndices` the pooled events that are the centres.
    public func fit(products: KernelProducts, kmm: [Double], centreIndices: [Int], isData: [Bool], weights: [Double],
                    width: Double) throws -> KernelFitOutcome {
        try fit(batch: SerialKernelProducts([products]),
                inputs: [Input(kmm: kmm, centreIndices: centreIndices, isData: isData, weights: weights, width: width)])[0]
    }

    /// Fits every input of a batch in lockstep: fit j's products are fit j of `products`. Each
    /// fit's arithmetic is its own (the batch only gathers the products of the fits whose
    /// conjugate gradient is still running into one call), so its outcome does not depend on the
    /// other fits of the batch.
    public func fit(batch products: KernelProductBatch, inputs: [Input]) throws -> [KernelFitOutcome] {
        precondition(products.fitCount == inputs.count)
        let lambda = options.lambda
        let all = Array(inputs.indices)
        // The fits' M × M algebra side by side (each fit's on one thread: its arithmetic is its own).
        func eachFit<T>(_ fits: [Int], _ body: (Int) throws -> T) throws -> [T] {
            try concurrentMap(fits.count, workers: algebra.workers) { try body(fits[$0]) }
        }
        let factors = try eachFit(all) { try kernelFactor(inputs[$0].kmm, size: inputs[$0].centreIndices.count) }
        var beta = inputs.map { [Double](repeating: 0, count: $0.centreIndices.count) }
        var f = inputs.map { [Double](repeating: 0, count: $0.isData.count) }
        var c = beta
        var traces = inputs.map { _ in [ConjugateGradientTrace]() }
        for _ in 0..<options.newtonSteps {
            let newton = try eachFit(all) { j -> (preconditioner: [Double], slope: [Double], curvature: [Double]) in
                let input = inputs[j]
                let n = input.isData.count, m = input.centreIndices.count, t = factors[j].t
                let invN = 1 / Double(n)
                precondition(input.weights.count == n && input.kmm.count == m * m)
                // preconditioner: A = chol((1/n) T W Tᵀ + λ I), T·diag(√W) formed column by column
                var s = t
                for col in 0..<m {
                    let i = input.centreIndices[col]
                    let root = WeightedLogisticLoss.curvature(f[j][i], isData: input.isData[i], weight: input.weights[i]).squareRoot()
                    for row in 0..<m { s[col * m + row] *= root }
                }
                var inner = algebra.gram(s, size: m, scale: invN)
                for k in 0..<m { inner[k * m + k] += lambda }
                guard let a = algebra.choleskyUpper(inner, size: m) else {
                    throw NPLMError.invalidArgument("kernel model: the Newton matrix of the preconditioner is not positive definite (λ = \(lambda)); use a larger \(Parameter.lambda)")
                }
                return (a, (0..<n).map { WeightedLogisticLoss.slope(f[j][$0], isData: input.isData[$0], weight: input.weights[$0]) * invN },
                        (0..<n).map { WeightedLogisticLoss.curvature(f[j][$0], isData: input.isData[$0], weight: input.weights[$0]) * invN })
            }
            let preconditioners = newton.map(\.preconditioner), curvatures = newton.map(\.curvature)
            let g = try products.transposed(newton.map(\.slope), fits: all)
            let rhs = try eachFit(all) { j -> [Double] in
                let m = inputs[j].centreIndices.count
                var rhs = algebra.solve(factors[j].t, size: m, g[j], transposed: true)
                for k in 0..<m { rhs[k] += lambda * beta[j][k] }
                return algebra.solve(preconditioners[j], size: m, rhs, transposed: true)
            }
            let operatorApply: ([Int], [[Double]]) throws -> [[Double]] = { fits, xs in
                let yz = try eachFit(Array(fits.indices)) { k -> (y: [Double], z: [Double]) in
                    let j = fits[k], m = inputs[j].centreIndices.count
                    let y = algebra.solve(preconditioners[j], size: m, xs[k], transposed: false)
                    return (y, algebra.solve(factors[j].t, size: m, y, transposed: false))
                }
                let kz = try products.curvature(yz.map(\.z), weights: fits.map { curvatures[$0] }, fits: fits)
                return try eachFit(Array(fits.indices)) { k in
                    let j = fits[k], m = inputs[j].centreIndices.count
                    var h = algebra.solve(factors[j].t, size: m, kz[k], transposed: true)
                    for i in 0..<m { h[i] += lambda * yz[k].y[i] }
                    return algebra.solve(preconditioners[j], size: m, h, transposed: true)
                }
            }
            let solved = try Self.conjugateGradient(operatorApply, rhs, tolerance: options.cgTolerance,
                                                    maxIterations: options.cgMaxIterations)
            for j in all {
                let m = inputs[j].centreIndices.count
                traces[j].append(solved[j].trace)
                let step = algebra.solve(preconditioners[j], size: m, solved[j].x, transposed: false)
                for k in 0..<m { beta[j][k] -= step[k] }
                c[j] = algebra.solve(factors[j].t, size: m, beta[j], transposed: false)
            }
            f = try products.evaluate(c, fits: all)
        }
        return all.map { j in
            KernelFitOutcome(width: inputs[j].width, t: Self.statistic(f: f[j], isData: inputs[j].isData, weights: inputs[j].weights),
                             coefficients: c[j], f: f[j], cg: traces[j], jitter: factors[j].jitter)
        }
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

    /// Conjugate gradient from x = 0 for symmetric positive definite operators, one system per
    /// right-hand side of `b`, run in lockstep: `apply(fits, vectors)` applies the operators of
    /// the listed systems (those still running) to their vectors. A system stops when
    /// ‖r‖ < tolerance (absolute, tested after each iteration, so at least one runs, as Falkon's
    /// `ConjugateGradient`), after `maxIterations`, or when p·Ap ≤ 0 (a direction of no curvature
    /// left: the residual cannot shrink further); its iterates are those of a conjugate gradient
    /// run alone. (Falkon also recomputes the residual as b − A·x every 10 iterations, at the
    /// cost of one more product; in Double that changes nothing but the rounding, so it is not
    /// done here.)
    public static func conjugateGradient(_ apply: ([Int], [[Double]]) throws -> [[Double]], _ b: [[Double]], tolerance: Double,
                                         maxIterations: Int) rethrows -> [(x: [Double], trace: ConjugateGradientTrace)] {
        var x = b.map { [Double](repeating: 0, count: $0.count) }
        var r = b, p = b
        var rs = b.map { dot($0, $0) }
        var iterations = [Int](repeating: 0, count: b.count)
        var stopped = [Bool](repeating: false, count: b.count)
        while true {
            let running = b.indices.filter {
                !stopped[$0] && iterations[$0] < maxIterations && (iterations[$0] == 0 || rs[$0].squareRoot() >= tolerance)
            }
            if running.isEmpty { break }
            let aps = try apply(running, running.map { p[$0] })
            for (k, j) in running.enumerated() {
                let ap = aps[k]
                let curvature = dot(p[j], ap)
                guard curvature > 0, curvature.isFinite else { stopped[j] = true; continue }
                let alpha = rs[j] / curvature
                for i in x[j].indices {
                    x[j][i] += alpha * p[j][i]
                    r[j][i] -= alpha * ap[i]
                }
                let rsNew = dot(r[j], r[j])
                iterations[j] += 1
                if rsNew.squareRoot() < tolerance { rs[j] = rsNew; stopped[j] = true; continue }
                let ratio = rsNew / rs[j]
                for i in p[j].indices { p[j][i] = r[j][i] + ratio * p[j][i] }
                rs[j] = rsNew
            }
        }
        return b.indices.map { j in
            (x[j], ConjugateGradientTrace(iterations: iterations[j], residual: rs[j].squareRoot(),
                                          converged: rs[j].squareRoot() < tolerance))
        }
    }

    @inline(__always) static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for j in a.indices { s += a[j] * b[j] }
        return s
    }
}
