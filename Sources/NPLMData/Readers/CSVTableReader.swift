import CSV
import Foundation
import NPLMCore

/// Reads CSV files of numbers with a header row: one row per event, one column per feature.
///
/// The CSV syntax (quoting, CRLF line ends) is left to yaslab's
/// CSV.swift; this type checks what nplm needs and names the line of every problem:
/// - the first line is a header naming the columns (a first line of numbers is refused, so that
///   a file without a header does not silently lose its first event);
/// - every other line holds one number per header column: integers, decimals or exponents
///   (`3`, `-0.25`, `1.5e-3`); empty cells, `nan`, `inf` and anything else are refused;
/// - blank lines at the end are ignored, blank lines inside the table are refused.
///
/// Line numbers count the header as line 1 and assume no quoted cell spans several lines (no
/// number does).
public enum CSVTableReader {
    /// The table in the file at `url`; errors name the file as `label`.
    ///
    /// The file is read whole and decoded as UTF-8 first (CSV.swift's stream reader reports a
    /// spurious read error at the end of a file with swift-corelibs-foundation's InputStream).
    public static func read(_ url: URL, label: ErrorText) throws -> NumericTable {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw NPLMError.invalidInput(file: label, "cannot be read (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw NPLMError.invalidInput(file: label, "is not UTF-8 text: a CSV file must be text (or give a .npy file)")
        }
        return try parse(text, label: label)
    }

    /// The table in `text` (the contents of a CSV file).
    public static func parse(_ text: String, label: ErrorText) throws -> NumericTable {
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true)
        } catch {
            throw NPLMError.invalidInput(file: label, "is empty: expected a header row, then one row of numbers per event")
        }
        return try table(reader, label: label)
    }

    static func table(_ reader: CSVReader, label: ErrorText) throws -> NumericTable {
        func fail(_ message: ErrorText) -> NPLMError { .invalidInput(file: label, message) }
        let header = reader.headerRow ?? []
        let columns = header.count
        if header.allSatisfy({ $0.isEmpty }) {
            throw fail("line 1 is empty: expected a header row naming the columns")
        }
        if header.allSatisfy({ number($0) != nil }) {
            throw fail("line 1 holds numbers, not a header row: add a first line naming the columns (for example x1,x2)")
        }
        var values: [Double] = []
        var rows = 0
        var line = 1
        var blankLine: Int?  // first blank line not yet followed by data
        while let row = reader.next() {
            line += 1
            if row.count == 1 && row[0].isEmpty {
                if blankLine == nil { blankLine = line }
                continue
            }
            if let blank = blankLine {
                throw fail("line \(blank) is empty: remove blank lines inside the table")
            }
            guard row.count == columns else {
                throw fail("line \(line) has \(row.count) values but the header names \(columns) columns")
            }
            for (k, cell) in row.enumerated() {
                let column = "column \(k + 1) ('\(header[k])')"
                guard !cell.isEmpty else { throw fail("line \(line), \(column) is empty: every cell needs a number") }
                guard let value = number(cell) else {
                    let lower = cell.lowercased()
                    if lower.contains("nan") || lower.contains("inf") {
                        throw fail("line \(line), \(column): '\(cell)' is not a finite number: remove or fix the event")
                    }
                    throw fail("line \(line), \(column): '\(cell)' is not a number")
                }
                guard value.isFinite else {
                    throw fail("line \(line), \(column): '\(cell)' is out of the range of double-precision numbers")
                }
                values.append(value)
            }
            rows += 1
        }
        return NumericTable(rows: rows, columns: columns, values: values, source: .csv)
    }

    /// A decimal number (digits, sign, point, exponent) or nil. Swift's `Double(_:)` alone would
    /// also take "nan", "inf" and hexadecimal floats, which have no place in an event file.
    static func number(_ text: String) -> Double? {
        guard !text.isEmpty,
              text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E || $0 == 0x45 || $0 == 0x65 }),
              text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Double(text)
    }
}
