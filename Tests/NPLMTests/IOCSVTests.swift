import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

final class IOCSVTests: XCTestCase {
    func testReadsNumbersInEveryNotation() throws {
        let table = try CSVTableReader.parse("x,y\n1,-2\n0.25,1.5e-3\n-3E+2, +7 \r\n\"4\",.5\n", label: "t.csv")
        XCTAssertEqual(table.rows, 4)
        XCTAssertEqual(table.columns, 2)
        XCTAssertEqual(table.values, [1, -2, 0.25, 1.5e-3, -300, 7, 4, 0.5])
        XCTAssertEqual(table.place(row: 2, column: 1), "line 4, column 2")
    }

    func testTrailingBlankLinesAreIgnored() throws {
        let table = try CSVTableReader.parse("x\n1\n2\n\n\n", label: "t.csv")
        XCTAssertEqual(table.values, [1, 2])
        let noNewline = try CSVTableReader.parse("x\n1\n2", label: "t.csv")
        XCTAssertEqual(noNewline.values, [1, 2])
    }

    func testFileOnDisk() throws {
        let folder = try CLI.temporaryDirectory(self)
        let url = folder.appendingPathComponent("s.csv")
        try "a,b,c\n1,2,3\n4,5,6\n".write(to: url, atomically: true, encoding: .utf8)
        let table = try CSVTableReader.read(url, label: "--data s.csv")
        XCTAssertEqual(table.values, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(table.shapeDescription, "(2, 3)")
    }

    func testErrorsNameTheLine() {
        let cases: [(String, String)] = [
            ("x,y\n1,2\n3,\n", "line 3, column 2 ('y') is empty"),
            ("x\n1\nnan\n", "line 3, column 1 ('x'): 'nan' is not a finite number"),
            ("x\n1\n2\n-inf\n", "line 4, column 1 ('x'): '-inf' is not a finite number"),
            ("x\n1\n0x1p3\n", "line 3, column 1 ('x'): '0x1p3' is not a number"),
            ("x\n1\nabc\n", "'abc' is not a number"),
            ("x\n1e999\n", "line 2, column 1 ('x'): '1e999' is out of the range"),
            ("x,y\n1,2\n3\n", "line 3 has 1 values but the header names 2 columns"),
            ("x,y\n1,2\n3,4,5\n", "line 3 has 3 values"),
            ("x\n1\n\n2\n", "line 3 is empty"),
            ("1,2\n3,4\n", "line 1 holds numbers, not a header row"),
            ("", "is empty"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try CSVTableReader.parse(text, label: "t.csv"), text) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("t.csv: "), message)
                XCTAssertTrue(message.contains(expected), "expected '\(expected)' in: \(message)")
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
    }

    func testHeaderOnlyIsAnEmptyTable() throws {
        let table = try CSVTableReader.parse("x,y\n", label: "t.csv")
        XCTAssertEqual(table.rows, 0)
        XCTAssertEqual(table.columns, 2)
    }
}
