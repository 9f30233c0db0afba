import Foundation

/// The progress of a campaign as text: a bar with rate and ETA for a terminal, or a plain line.
///
/// The rate counts only toys trained by this run (toys found in the file from an earlier run are
/// not), with the running batch counted by the fraction of its epochs done.
public struct ProgressMeter {
    public let start: Date
    public var barWidth = 28

    public init(start: Date = Date()) { self.start = start }

    /// Toys per second of this run, and the seconds left (nil until something was trained).
    public func rate(_ progress: CampaignRun.Progress, now: Date) -> (perSecond: Double, remaining: Double)? {
        let elapsed = now.timeIntervalSince(start)
        let trained = Double(progress.finished - progress.resumed) + progress.batchFraction * Double(progress.batchSize)
        guard elapsed > 0, trained > 0 else { return nil }
        let perSecond = trained / elapsed
        let left = Double(progress.total - progress.finished) - progress.batchFraction * Double(progress.batchSize)
        return (perSecond, max(0, left) / perSecond)
    }

    /// "[#######-------] 37/100 toys  1.23 toys/s  ETA 0:51" (bar) or "toys 37/100, 1.23 toys/s, ETA 0:51".
    public func text(_ progress: CampaignRun.Progress, now: Date = Date(), bar: Bool) -> String {
        let total = max(progress.total, 1)
        let done = Double(progress.finished) + progress.batchFraction * Double(progress.batchSize)
        var speed = "", eta = ""
        if let rate = rate(progress, now: now) {
            speed = rate.perSecond >= 0.1 ? String(format: "%.2f toys/s", rate.perSecond)
                : String(format: "%.1f s/toy", 1 / rate.perSecond)
            eta = "ETA " + Self.duration(rate.remaining)
        }
        if bar {
            let filled = min(barWidth, Int((done / Double(total)) * Double(barWidth)))
            let line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "] "
                + "\(progress.finished)/\(progress.total) toys"
            return [line, speed, eta].filter { !$0.isEmpty }.joined(separator: "  ")
        }
        var parts = ["toys \(progress.finished)/\(progress.total)"]
        if !progress.backend.isEmpty { parts[0] += " on \(progress.backend)" }
        parts += [speed, eta].filter { !$0.isEmpty }
        return parts.joined(separator: ", ")
    }

    /// 75 → "1:15", 4000 → "1:06:40".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
