import Foundation
import NPLMStatistics
import NPLMCore
import NPLMEngines
import NPLMMethods

/// The weight-clipping selection of D'Agnolo et al., Imperfect Machine, §3.1 for an NPLM campaign on the null hypothesis.
///
/// 1. Bracket: from a small W_low and a large W_high, ⟨t⟩ − dof should be negative at W_low
///    (too much clipping pulls t below χ²_dof) and positive at W_high; each end is widened
///    (÷3, ×3, twice at most) until it is.
/// 2. Root finding on ⟨t⟩ = dof with few toys: bisection in log W, until ⟨t⟩ at the midpoint is
///    compatible with dof within its error (s/√n) — the mean cannot narrow the window further —
///    or the step budget ends. The bracket left is the window.
/// 3. Inside the window, with more toys, the W of largest KS p-value against χ²_dof is chosen
///    among a log-spaced grid and (first scan) the W where ⟨t⟩ = dof by interpolation between the
///    window's ends; each further toy count rescans the interval between the best point's neighbours.
///
/// All W use the same toys (toys 0 ..< n of one seed), so the comparison between W is not blurred
/// by different data, and a larger toy count reuses the toys already trained at that W.
public final class ClippingCalibration {
    /// One W at one toy count: a cell of D'Agnolo et al., Imperfect Machine, Table 1.
    public struct Cell: Codable, Sendable {
        public var toys: Int
        public var ksPValue: Double
        /// ⟨t⟩ − dof and its error s/√n (over the finite t).
        public var meanMinusDof: Double
        public var error: Double
        public var diverged: Int
    }

    /// One clipping value W of the scan and its cell for every toy count.
    public struct Row: Codable, Sendable {
        public var clip: Double
        public var cells: [Cell]
    }

    /// The calibration: the dof, the window of W scanned, the chosen W with its KS p-value, and the table.
    public struct Result: Codable, Sendable {
        public var dof: Int
        public var window: [Double]
        public var chosen: Double
        /// The chosen W's KS p-value with `chosenToys` toys (the last scan's count).
        public var chosenKSPValue: Double
        public var chosenToys: Int
        public var rows: [Row]
        public var toyCounts: [Int]
    }

    public let dof: Int
    /// Trains toys `toys` of the null campaign at clip W and returns their t (+∞ if diverged).
    private let train: (_ clip: Double, _ toys: [Int]) throws -> [Double]
    private let log: (String) -> Void
    /// t of toys 0 ..< count per W.
    private var trained: [Double: [Double]] = [:]
    /// epochs × learning rate: about how far Adam can move a weight (nil when unknown).
    private let reach: Double?

    /// Calibrates with any trainer: `train(W, toys)` returns the toys' t at clip W.
    public init(dof: Int, reach: Double? = nil, log: @escaping (String) -> Void = { _ in },
                train: @escaping (_ clip: Double, _ toys: [Int]) throws -> [Double]) {
        self.dof = dof
        self.reach = reach
        self.log = log
        self.train = train
    }

    /// Calibrates the NPLM campaign `base` (its clipping replaced by each W), batch by batch.
    public convenience init(base: CampaignConfiguration, clipBiases: Bool, backend: BackendRequest, batch: Int,
                            log: @escaping (String) -> Void = { _ in }) {
        self.init(dof: base.degreesOfFreedom, reach: Double(base.training.epochs) * base.training.optimizer.learningRate,
                  log: log) { w, toys in
            var configuration = base
            configuration.training.clipping = WeightClipping(bound: w, includeBiases: clipBiases)
            try configuration.checkMemory(batch: max(1, min(batch, toys.count)))
            let runner = CampaignRunner(configuration: configuration, backend: backend)
            var t: [Double] = []
            for start in stride(from: 0, to: toys.count, by: batch) {
                t += try runner.train(toys: Array(toys[start..<min(start + batch, toys.count)]), shard: .whole)
                    .map { $0.diverged ? .infinity : $0.t }
            }
            return t
        }
    }

    /// W rounded to three significant digits, so that table rows read like 002 Table 1.
    public static func round(_ w: Double) -> Double {
        let scale = Foundation.pow(10, 2 - Foundation.floor(Foundation.log10(w)))
        return (w * scale).rounded() / scale
    }

    /// W rounded, or a W already trained within 0.5 % of it (so that 9.99 and 10 are one row; 5-D
    /// networks need W to the second digit, D'Agnolo et al., Imperfect Machine, §4.1).
    func snap(_ w: Double) -> Double {
        trained.keys.first { abs($0 / w - 1) < 0.005 } ?? Self.round(w)
    }

    /// The cell of W at `toys` toys, training the toys not yet trained at this W.
    public func evaluate(clip w: Double, toys: Int) throws -> Cell {
        var t = trained[w] ?? []
        if t.count < toys {
            let started = Date()
            t += try train(w, Array(t.count..<toys))
            trained[w] = t
            log(String(format: "W = %g: %d toys trained in %.0f s", w, toys, Date().timeIntervalSince(started)))
        }
        return Self.cell(Array(t.prefix(toys)), dof: dof)
    }

    static func cell(_ t: [Double], dof: Int) -> Cell {
        let finite = t.filter(\.isFinite)
        let chi2 = ChiSquared(degreesOfFreedom: Double(dof))
        let summary = finite.isEmpty ? nil : SampleSummary(finite)
        return Cell(toys: t.count,
                    ksPValue: finite.isEmpty ? .nan : KolmogorovSmirnov(sample: finite, cdf: chi2.cdf).pValue,
                    meanMinusDof: (summary?.mean ?? .nan) - Double(dof),
                    error: summary?.standardError ?? .nan,
                    diverged: t.count - finite.count)
    }

    /// Runs the three steps. `rootToys`: toys of the bracketing and root finding; `scanToys`:
    /// increasing toy counts of the KS scans; `points`: W values per scan.
    public func run(low: Double, high: Double, rootToys: Int, rootSteps: Int, scanToys: [Int], points: Int) throws -> Result {
        // Toys 0 ..< n are indexed by UInt32, and the t of every toy at every W is kept: refused
        // before anything is trained when they cannot be (the W count: every scan's grid, the
        // bisection's distinct W — at most about 64 in double precision — and the bracket's).
        let largest = max(rootToys, scanToys.max() ?? 0)
        guard largest <= Int(UInt32.max) else {
            throw NPLMError.invalidArgument("\(Parameter.toys) and \(Parameter.rootToys) must be below 2^32, got \(largest)")
        }
        let values = Double(max(points, 0)) * Double(scanToys.count) + Double(min(max(rootSteps, 0), 64)) + 6
        try MemoryLimit.check(8 * Double(largest) * values + 8 * Double(max(points, 0)), for: "keeping t of \(largest) toys at each of up to \(String(format: "%.0f", values)) W",
                              label: "\(Parameter.toys) \(scanToys.map(String.init).joined(separator: ",")) \(Parameter.rootToys) \(rootToys) \(Parameter.points) \(points)",
                              advice: "use fewer toys or \(Parameter.points)")
        var lo = Self.round(low), hi = Self.round(high)
        // 1. Bracket.
        var dLo = try evaluate(clip: lo, toys: rootToys), dHi = try evaluate(clip: hi, toys: rootToys)
        for _ in 0..<2 where dLo.meanMinusDof >= 0 {
            lo = Self.round(lo / 3)
            dLo = try evaluate(clip: lo, toys: rootToys)
        }
        for _ in 0..<2 where dHi.meanMinusDof <= 0 {
            hi = Self.round(hi * 3)
            dHi = try evaluate(clip: hi, toys: rootToys)
        }
        if dHi.meanMinusDof <= 0 {
            // Adam moves a parameter by at most about lr per step, so a clip W can only matter
            // once epochs × lr is well above W; below that every W gives the same fits.
            let limit = reach.map { String(format: ", here at most ≈ %g in total", $0) } ?? ""
            log("even W = \(hi) gives ⟨t⟩ below dof: the fits are not converged (Adam moves a weight by ≈ lr per epoch\(limit)); use more \(Parameter.epochs) or a larger \(Parameter.learningRate). Scanning [\(lo), \(hi)] anyway")
        } else if dLo.meanMinusDof >= 0 {
            log("even W = \(lo) gives ⟨t⟩ above dof: the network may be too flexible for these samples. Scanning [\(lo), \(hi)] anyway")
        } else {
            // 2. Bisection in log W on ⟨t⟩ − dof.
            for _ in 0..<rootSteps {
                let mid = snap((lo * hi).squareRoot())
                guard mid > lo, mid < hi else { break }
                let d = try evaluate(clip: mid, toys: rootToys)
                if abs(d.meanMinusDof) <= d.error {
                    log("⟨t⟩ = dof within its error at W = \(mid): window [\(lo), \(hi)]")
                    break
                }
                if d.meanMinusDof < 0 { lo = mid } else { hi = mid }
            }
        }
        // 3. KS scans inside the window, narrowing around the best point. The first scan also
        //    takes the W where ⟨t⟩ = dof by linear interpolation in log W between the window's
        //    ends: ⟨t⟩ moves fast with W in several dimensions (D'Agnolo et al., Imperfect
        //    Machine, §4.1), and a grid alone can step over the root.
        var window = (lo, hi)
        var best = lo
        var root = interpolatedRoot(low: lo, high: hi, toys: rootToys)
        for n in scanToys {
            let grid = (0..<points).map { k -> Double in
                snap(window.0 * Foundation.pow(window.1 / window.0, Double(k) / Double(max(points - 1, 1))))
            } + (root.map { [snap($0)] } ?? [])
            root = nil
            let unique = Array(Set(grid)).sorted()
            var scored: [(w: Double, p: Double)] = []
            for w in unique { scored.append((w, try evaluate(clip: w, toys: n).ksPValue)) }
            let k = scored.indices.max { scored[$0].p < scored[$1].p } ?? 0
            best = scored[k].w
            window = (scored[max(k - 1, 0)].w, scored[min(k + 1, scored.count - 1)].w)
            log(String(format: "%d toys: best W = %g (KS p = %.3g); next window [%g, %g]", n, best, scored[k].p, window.0, window.1))
        }
        let counts = Array(Set([rootToys] + scanToys)).sorted()
        let rows = trained.keys.sorted(by: >).map { w in
            Row(clip: w, cells: counts.filter { $0 <= (trained[w]?.count ?? 0) }.map { Self.cell(Array(trained[w]!.prefix($0)), dof: dof) })
        }
        let finalCount = scanToys.last ?? rootToys
        return Result(dof: dof, window: [lo, hi], chosen: best,
                      chosenKSPValue: try evaluate(clip: best, toys: finalCount).ksPValue, chosenToys: finalCount,
                      rows: rows, toyCounts: counts)
    }

    /// The W in (low, high) where ⟨t⟩ − dof, linear in log W between the two ends' means over
    /// `toys` toys, crosses zero; nil when both ends have the same sign (or a mean is not finite).
    func interpolatedRoot(low: Double, high: Double, toys: Int) -> Double? {
        guard let tLow = trained[low], let tHigh = trained[high], tLow.count >= toys, tHigh.count >= toys else { return nil }
        let dLow = Self.cell(Array(tLow.prefix(toys)), dof: dof).meanMinusDof
        let dHigh = Self.cell(Array(tHigh.prefix(toys)), dof: dof).meanMinusDof
        guard dLow.isFinite, dHigh.isFinite, dLow < 0, dHigh > 0 else { return nil }
        let fraction = -dLow / (dHigh - dLow)
        return Foundation.exp(Foundation.log(low) + fraction * (Foundation.log(high) - Foundation.log(low)))
    }

    /// The result as a table like D'Agnolo et al., Imperfect Machine, Table 1: one row per W, for each toy count the KS
    /// p-value and ⟨t⟩ − dof ± error.
    public static func table(_ result: Result) -> String {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
        }
        var lines = [pad("W", 8) + result.toyCounts.map { pad("\($0) toys: KS p", 17) + pad("⟨t⟩ − \(result.dof)", 15) }.joined()]
        for row in result.rows {
            var line = pad(String(format: "%g", row.clip), 8)
            for n in result.toyCounts {
                if let cell = row.cells.first(where: { $0.toys == n }) {
                    let p = cell.ksPValue < 1e-5 ? "< 1e-05" : String(format: "%.2g", cell.ksPValue)
                    line += pad(p, 17) + pad(String(format: "%.1f ± %.1f", cell.meanMinusDof, cell.error), 15)
                } else {
                    line += pad("", 17) + pad("", 15)
                }
            }
            lines.append(line + (row.clip == result.chosen ? "   ← chosen" : ""))
        }
        lines.append(String(format: "window [%g, %g]; chosen W = %g (KS p = %.2g with %d toys)", result.window[0], result.window[1],
                            result.chosen, result.chosenKSPValue, result.chosenToys))
        return lines.joined(separator: "\n")
    }
}
