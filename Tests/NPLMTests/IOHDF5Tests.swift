import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

final class IOHDF5Tests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = try CLI.temporaryDirectory(self)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func testPathSplitsAtTheFileExtension() {
        XCTAssertEqual(HDF5Reader.split("a/b.h5:/g/x")?.file, "a/b.h5")
        XCTAssertEqual(HDF5Reader.split("a/b.h5:/g/x")?.dataset, "/g/x")
        XCTAssertEqual(HDF5Reader.split("b.HDF5:x")?.dataset, "/x")
        XCTAssertEqual(HDF5Reader.split("b.h5")?.file, "b.h5")
        XCTAssertNil(HDF5Reader.split("b.h5")?.dataset)
        XCTAssertNil(HDF5Reader.split("b.npy"))
        XCTAssertNil(HDF5Reader.split("b.csv"))
    }

    /// Chunked + gzip, float32 and float64, (N, d) and (N,), nested groups: the same events as the
    /// equivalent .npy file.
    func testEventsMatchTheNumpyFile() throws {
        let rows = 40, d = 3
        let values = (0..<(rows * d)).map { Double($0) * 0.25 - 7 }
        try NpyTestFile.write(values, shape: [rows, d], to: folder.appendingPathComponent("e.npy"))
        try HDF5TestFile.write(path("e.h5"), [
            .init(name: "/plain", values: values, shape: [rows, d]),
            .init(name: "/events/zipped", values: values, shape: [rows, d], gzip: true),
            .init(name: "/events/single", values: values, shape: [rows, d], element: .float32, gzip: true),
            .init(name: "/events/big", values: values, shape: [rows, d], element: .float64BigEndian),
            .init(name: "/w", values: [0.5, 0, 2], shape: [3], gzip: true),
        ])
        let expected = try SampleFile.events(path: path("e.npy"), parameter: .data)
        for dataset in ["/plain", "/events/zipped", "/events/single", "/events/big", "events/zipped"] {
            XCTAssertEqual(try SampleFile.events(path: path("e.h5") + ":" + dataset, parameter: .data), expected, dataset)
        }
        XCTAssertEqual(try SampleFile.weights(path: path("e.h5") + ":/w", parameter: .referenceWeights, count: 3, sampleLabel: "R"),
                       [0.5, 0, 2])
    }

    func testAnAllocationBeyondMemoryIsRefusedWithTheNumbers() throws {
        XCTAssertNoThrow(try MemoryLimit.check(1e3, for: "x", label: "f.h5:/x", advice: "read less"))
        XCTAssertThrowsError(try MemoryLimit.check(1e30, for: "dataset /x of shape (1e29,)", label: "f.h5:/x", advice: "read less")) {
            XCTAssertTrue("\($0)".hasPrefix("f.h5:/x: dataset /x of shape (1e29,) needs about "), "\($0)")
            XCTAssertTrue("\($0)".contains("of memory; this machine has "), "\($0)")
        }
    }

    func testAnHDF5FileIsKnownByItsSignatureAndALockedOneIsNamed() throws {
        try HDF5TestFile.write(path("e.h5"), [.init(name: "/x", values: [1, 2, 3], shape: [3])])
        try FileManager.default.copyItem(atPath: path("e.h5"), toPath: path("e.dat"))
        XCTAssertEqual(try SampleFile.events(path: path("e.dat") + ":/x", parameter: .data).count, 3)
        XCTAssertThrowsError(try SampleFile.events(path: path("e.dat"), parameter: .data)) {
            XCTAssertTrue("\($0)".contains("is an HDF5 file: name the dataset inside it, as \(path("e.dat")):/group/name"), "\($0)")
        }
        // A writer holds an exclusive lock while it has the file open (HDF5's file locking).
        let fd = open(path("e.h5"), O_RDWR)
        XCTAssertEqual(flock(fd, LOCK_EX), 0)
        XCTAssertThrowsError(try SampleFile.events(path: path("e.h5") + ":/x", parameter: .data)) {
            XCTAssertTrue("\($0)".contains("is being written by another program"), "\($0)")
        }
        close(fd)
        XCTAssertEqual(try SampleFile.events(path: path("e.h5") + ":/x", parameter: .data).count, 3)
    }

    func testErrorsNameFileDatasetAndWhatToDo() throws {
        try HDF5TestFile.write(path("bad.h5"), [
            .init(name: "/g/nan", values: [1, .nan, 3, 4], shape: [2, 2]),
            .init(name: "/g/inf", values: [1, .infinity], shape: [2], gzip: true),
            .init(name: "/g/empty", values: [], shape: [0, 2]),
            .init(name: "/g/cube", values: [Double](repeating: 1, count: 8), shape: [2, 2, 2]),
            .init(name: "/g/ints", values: [1, 2, 3], shape: [3], element: .int32),
            .init(name: "/g/nofeatures", values: [], shape: [4, 0]),
            .init(name: "/w2", values: [1, 2, 3, 4], shape: [2, 2]),
            .init(name: "/wneg", values: [1, -2], shape: [2]),
        ], groups: ["/emptygroup"])
        // Declared but never written: a file of a few KiB can declare 2³³ rows.
        try HDF5TestFile.write(path("unwritten.h5"), [.init(name: "/huge", values: [], shape: [1 << 33, 1]),
                                                      .init(name: "/five", values: [], shape: [5])])
        try "not hdf5".write(toFile: path("text.h5"), atomically: true, encoding: .utf8)
        let file = path("bad.h5")
        let cases: [(String, String)] = [
            (file + ":/g/nan", "data \(file):/g/nan: entry [0, 1] is NaN"),
            (file + ":/g/inf", "entry [1] is infinite"),
            (file + ":/g/empty", "holds no events (shape (0, 2))"),
            (file + ":/g/cube", "dataset /g/cube has shape (2, 2, 2) (rank 3)"),
            (file + ":/g/ints", "dataset /g/ints holds integers"),
            (file + ":/g/nofeatures", "events with no features"),
            (file + ":/g/missing", "no dataset /g/missing in the file (/g holds /g/cube, /g/empty, /g/inf"),
            (file + ":/nothere/x", "no dataset /nothere/x in the file (/ holds /emptygroup, /g, /w2, /wneg)"),
            (file + ":/g", "/g is a group, not a dataset"),
            (file + ":/emptygroup", "/emptygroup is empty"),
            (file + ":/g/nan/x", "/g/nan is a dataset, not a group"),
            (file, "name the dataset inside the HDF5 file"),
            (path("missing.h5") + ":/x", "no such file \(path("missing.h5"))"),
            (path("text.h5") + ":/x", "is not an HDF5 file"),
            (path("unwritten.h5") + ":/huge", "dataset /huge declares shape (8589934592, 1) but holds no data"),
            (path("unwritten.h5") + ":/five", "dataset /five declares shape (5,) but holds no data"),
        ]
        for (given, expected) in cases {
            XCTAssertThrowsError(try SampleFile.events(path: given, parameter: .data), given) { error in
                XCTAssertTrue("\(error)".contains(expected), "expected '\(expected)' in: \(error)")
                XCTAssertFalse("\(error)".contains("\n"), "one line: \(error)")
            }
        }
        XCTAssertThrowsError(try SampleFile.weights(path: file + ":/w2", parameter: .referenceWeights, count: 2, sampleLabel: "R")) {
            XCTAssertTrue("\($0)".contains("holds 2 columns (shape (2, 2))"), "\($0)")
        }
        XCTAssertThrowsError(try SampleFile.weights(path: file + ":/wneg", parameter: .referenceWeights, count: 2, sampleLabel: "R")) {
            XCTAssertTrue("\($0)".contains("entry [1] = -2.0 is negative"), "\($0)")
        }
    }
}
