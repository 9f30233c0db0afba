import Foundation

extension SVGPlot {
    /// Several plots in one SVG document, `columns` per row in the order given, under a common
    /// title. Each panel keeps its own size; the cell is the largest panel's.
    public static func panels(_ plots: [SVGPlot], columns: Int, title: String) -> String {
        let columns = max(1, min(columns, plots.count))
        let rows = (plots.count + columns - 1) / columns
        let cellWidth = plots.map(\.width).max() ?? 0, cellHeight = plots.map(\.height).max() ?? 0
        let header = 36.0
        let width = Int(cellWidth * Double(columns)), height = Int(cellHeight * Double(rows) + header)
        var svg = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="Helvetica, Arial, sans-serif" font-size="13">
        <rect x="0" y="0" width="\(width)" height="\(height)" fill="white"/>
        <text x="\(width / 2)" y="24" text-anchor="middle" font-size="16">\(escape(title))</text>

        """
        for (k, panel) in plots.enumerated() {
            var panel = panel
            panel.clipID = "plot-area-\(k)"
            // The panel's document without its XML declaration, as a nested <svg> moved into its cell.
            let body = panel.render().split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).last ?? ""
            let x = cellWidth * Double(k % columns), y = header + cellHeight * Double(k / columns)
            svg += "<g transform=\"translate(\(Int(x)),\(Int(y)))\">\n\(body)</g>\n"
        }
        svg += "</svg>\n"
        return svg
    }
}
