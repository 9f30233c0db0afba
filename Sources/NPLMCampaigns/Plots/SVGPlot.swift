import Foundation

/// A small SVG writer for the campaign plots: axes with round-number ticks, histogram bars, lines,
/// shaded bands and points, a legend. Pure text, no dependency; any browser opens the result.
public struct SVGPlot {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var width: Double = 720
    public var height: Double = 480
    /// Data ranges; nil: from the data (with 5 % padding).
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    /// The id of the plot area's clip path: distinct for panels drawn into one document.
    public var clipID = "plot-area"

    private enum Item {
        case bars(edges: [Double], heights: [Double], fill: String, opacity: Double)
        case line(points: [(Double, Double)], color: String, width: Double, dash: String?)
        case band(lower: [(Double, Double)], upper: [(Double, Double)], color: String, opacity: Double)
        case markers(points: [(Double, Double)], color: String)
    }

    private var items: [Item] = []
    private var legend: [(label: String, color: String, kind: String)] = []

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    // MARK: - Content

    /// A histogram: bar k spans edges[k] ..< edges[k + 1] with height heights[k].
    public mutating func bars(edges: [Double], heights: [Double], fill: String, opacity: Double = 1, label: String? = nil) {
        precondition(edges.count == heights.count + 1)
        items.append(.bars(edges: edges, heights: heights, fill: fill, opacity: opacity))
        if let label { legend.append((label, fill, "box")) }
    }

    public mutating func line(_ points: [(Double, Double)], color: String, width: Double = 2, dash: String? = nil,
                              label: String? = nil) {
        items.append(.line(points: points.filter { $0.0.isFinite && $0.1.isFinite }, color: color, width: width, dash: dash))
        if let label { legend.append((label, color, dash == nil ? "line" : "dash")) }
    }

    /// A shaded region between two curves sampled at the same x values.
    public mutating func band(lower: [(Double, Double)], upper: [(Double, Double)], color: String, opacity: Double = 0.25,
                              label: String? = nil) {
        items.append(.band(lower: lower, upper: upper, color: color, opacity: opacity))
        if let label { legend.append((label, color, "box")) }
    }

    public mutating func markers(_ points: [(Double, Double)], color: String, label: String? = nil) {
        items.append(.markers(points: points.filter { $0.0.isFinite && $0.1.isFinite }, color: color))
        if let label { legend.append((label, color, "marker")) }
    }

    // MARK: - Rendering

    private var dataPoints: [(Double, Double)] {
        items.flatMap { item -> [(Double, Double)] in
            switch item {
            case .bars(let edges, let heights, _, _): return zip(edges, heights).map { ($0, $1) } + [(edges.last!, 0)]
            case .line(let points, _, _, _), .markers(let points, _): return points
            case .band(let lower, let upper, _, _): return lower + upper
            }
        }.filter { $0.0.isFinite && $0.1.isFinite }
    }

    private static func padded(_ values: [Double]) -> ClosedRange<Double> {
        guard let low = values.min(), let high = values.max() else { return 0...1 }
        let span = high > low ? high - low : max(abs(low), 1)
        return (low - 0.05 * span)...(high + 0.05 * span)
    }

    /// Round-number ticks (1, 2 or 5 × 10^k) covering `range`, about `count` of them.
    public static func ticks(_ range: ClosedRange<Double>, count: Int = 6) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let raw = span / Double(count)
        let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var ticks: [Double] = []
        var value = Foundation.ceil(range.lowerBound / step) * step
        while value <= range.upperBound + 1e-9 * step {
            ticks.append(abs(value) < 1e-12 * step ? 0 : value)
            value += step
        }
        return ticks
    }

    static func label(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e6 { return String(Int(value)) }
        let text = String(format: "%.3g", value)
        return text
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func number(_ value: Double) -> String { String(format: "%.2f", value) }

    /// The plot as a complete SVG document.
    public func render() -> String {
        let points = dataPoints
        let xs = xRange ?? Self.padded(points.map(\.0)), ys = yRange ?? Self.padded(points.map(\.1))
        let left = 78.0, right = 20.0, top = 40.0, bottom = 58.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func px(_ x: Double) -> Double {
            left + (min(max(x, xs.lowerBound), xs.upperBound) - xs.lowerBound) / (xs.upperBound - xs.lowerBound) * plotWidth
        }
        func py(_ y: Double) -> Double {
            top + plotHeight - (min(max(y, ys.lowerBound), ys.upperBound) - ys.lowerBound) / (ys.upperBound - ys.lowerBound) * plotHeight
        }
        func path(_ points: [(Double, Double)]) -> String {
            points.map { "\(Self.number(px($0.0))),\(Self.number(py($0.1)))" }.joined(separator: " ")
        }
        var svg = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="13">
        <rect x="0" y="0" width="\(Int(width))" height="\(Int(height))" fill="white"/>
        <text x="\(Self.number(width / 2))" y="24" text-anchor="middle" font-size="15">\(Self.escape(title))</text>
        <clipPath id="\(clipID)"><rect x="\(Self.number(left))" y="\(Self.number(top))" width="\(Self.number(plotWidth))" height="\(Self.number(plotHeight))"/></clipPath>

        """
        // Grid and ticks.
        for x in Self.ticks(xs) {
            svg += "<line x1=\"\(Self.number(px(x)))\" y1=\"\(Self.number(top))\" x2=\"\(Self.number(px(x)))\" y2=\"\(Self.number(top + plotHeight))\" stroke=\"#e4e4e4\"/>\n"
            svg += "<text x=\"\(Self.number(px(x)))\" y=\"\(Self.number(top + plotHeight + 18))\" text-anchor=\"middle\">\(Self.label(x))</text>\n"
        }
        for y in Self.ticks(ys) {
            svg += "<line x1=\"\(Self.number(left))\" y1=\"\(Self.number(py(y)))\" x2=\"\(Self.number(left + plotWidth))\" y2=\"\(Self.number(py(y)))\" stroke=\"#e4e4e4\"/>\n"
            svg += "<text x=\"\(Self.number(left - 6))\" y=\"\(Self.number(py(y) + 4))\" text-anchor=\"end\">\(Self.label(y))</text>\n"
        }
        svg += "<g clip-path=\"url(#\(clipID))\">\n"
        for item in items {
            switch item {
            case .bars(let edges, let heights, let fill, let opacity):
                for k in heights.indices where heights[k].isFinite && heights[k] != 0 {
                    let x0 = px(edges[k]), x1 = px(edges[k + 1]), y0 = py(0), y1 = py(heights[k])
                    svg += "<rect x=\"\(Self.number(x0))\" y=\"\(Self.number(min(y0, y1)))\" width=\"\(Self.number(max(x1 - x0, 0)))\" height=\"\(Self.number(abs(y0 - y1)))\" fill=\"\(fill)\" fill-opacity=\"\(Self.number(opacity))\" stroke=\"white\" stroke-width=\"0.5\"/>\n"
                }
            case .line(let points, let color, let lineWidth, let dash):
                guard points.count > 1 else { continue }
                svg += "<polyline points=\"\(path(points))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(Self.number(lineWidth))\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>\n"
            case .band(let lower, let upper, let color, let opacity):
                guard lower.count > 1 else { continue }
                svg += "<polygon points=\"\(path(lower + upper.reversed()))\" fill=\"\(color)\" fill-opacity=\"\(Self.number(opacity))\" stroke=\"none\"/>\n"
            case .markers(let points, let color):
                for point in points {
                    svg += "<circle cx=\"\(Self.number(px(point.0)))\" cy=\"\(Self.number(py(point.1)))\" r=\"3\" fill=\"\(color)\"/>\n"
                }
            }
        }
        svg += "</g>\n"
        // Frame and axis labels.
        svg += "<rect x=\"\(Self.number(left))\" y=\"\(Self.number(top))\" width=\"\(Self.number(plotWidth))\" height=\"\(Self.number(plotHeight))\" fill=\"none\" stroke=\"black\"/>\n"
        svg += "<text x=\"\(Self.number(left + plotWidth / 2))\" y=\"\(Self.number(height - 14))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        svg += "<text x=\"18\" y=\"\(Self.number(top + plotHeight / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(Self.number(top + plotHeight / 2)))\">\(Self.escape(yLabel))</text>\n"
        // Legend, top right, on a white box so that it stays readable over the data.
        if !legend.isEmpty {
            svg += "<rect x=\"\(Self.number(left + plotWidth - 216))\" y=\"\(Self.number(top + 3))\" width=\"210\" height=\"\(Self.number(Double(legend.count) * 18 + 6))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#c8c8c8\"/>\n"
        }
        for (k, entry) in legend.enumerated() {
            let y = top + 20 + Double(k) * 18, x = left + plotWidth - 208
            switch entry.kind {
            case "box": svg += "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y - 9))\" width=\"22\" height=\"10\" fill=\"\(entry.color)\" fill-opacity=\"0.6\"/>\n"
            case "marker": svg += "<circle cx=\"\(Self.number(x + 11))\" cy=\"\(Self.number(y - 4))\" r=\"3\" fill=\"\(entry.color)\"/>\n"
            default:
                svg += "<line x1=\"\(Self.number(x))\" y1=\"\(Self.number(y - 4))\" x2=\"\(Self.number(x + 22))\" y2=\"\(Self.number(y - 4))\" stroke=\"\(entry.color)\" stroke-width=\"2\"\(entry.kind == "dash" ? " stroke-dasharray=\"6,4\"" : "")/>\n"
            }
            svg += "<text x=\"\(Self.number(x + 28))\" y=\"\(Self.number(y))\">\(Self.escape(entry.label))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }
}
