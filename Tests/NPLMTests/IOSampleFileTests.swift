import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

final class IOSampleFileTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = try CLI.temporaryDirectory(self)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func write(_ text: String, _ name: String) throws {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
    }

    func testEventsAreFeatureMajorFromEitherFormat() throws {
        try NpyTestFile.write([1, 2, 3, 4, 5, 6], shape: [3, 2], to: folder.appendingPathComponent("e.npy"))
        try write("u,v\n1,2\n3,4\n5,6\n", "e.csv")
        let fromNpy = try SampleFile.events(path: path("e.npy"), parameter: .data)
        let fromCSV = try SampleFile.events(path: path("e.csv"), parameter: .data)
        XCTAssertEqual(fromNpy, fromCSV)
        XCTAssertEqual(fromNpy.dimension, 2)
        XCTAssertEqual(fromNpy.count, 3)
        XCTAssertEqual(fromNpy.features, [1, 3, 5, 2, 4, 6])
        // Shape (N,) is N one-dimensional events.
        try NpyTestFile.write([1, 2, 3], shape: [3], to: folder.appendingPathComponent("v.npy"), descr: "<f4")
        XCTAssertEqual(try SampleFile.events(path: path("v.npy"), parameter: .a), EventSet([1, 2, 3]))
    }

    func testEventErrorsNameOptionFileAndPlace() throws {
        try NpyTestFile.write([1, .nan, 3, 4], shape: [2, 2], to: folder.appendingPathComponent("nan.npy"))
        try NpyTestFile.write([1, .infinity], shape: [2], to: folder.appendingPathComponent("inf.npy"))
        try NpyTestFile.write([], shape: [0], to: folder.appendingPathComponent("empty.npy"))
        try NpyTestFile.write([1e300], shape: [1], to: folder.appendingPathComponent("huge.npy"))
        try write("x\n", "empty.csv")
        try write("x\n1\n", "sample.txt")
        try FileManager.default.createDirectory(atPath: path("dir.npy"), withIntermediateDirectories: true)
        let cases: [(String, String)] = [
            ("nan.npy", "data \(path("nan.npy")): entry [0, 1] is NaN"),
            ("inf.npy", "entry [1] is infinite"),
            ("empty.npy", "holds no events (shape (0,))"),
            ("empty.csv", "holds no events"),
            ("huge.npy", "outside the float32 range"),
            ("missing.npy", "data \(path("missing.npy")): no such file"),
            ("sample.txt", "unknown extension"),
            ("dir.npy", "is a folder"),
        ]
        for (name, expected) in cases {
            XCTAssertThrowsError(try SampleFile.events(path: path(name), parameter: .data), name) { error in
                XCTAssertTrue("\(error)".contains(expected), "expected '\(expected)' in: \(error)")
            }
        }
    }

    func testWeights() throws {
        try NpyTestFile.write([0.5, 0, 2], shape: [3], to: folder.appendingPathComponent("w.npy"))
        try write("w\n0.5\n0\n2\n", "w.csv")
        XCTAssertEqual(try SampleFile.weights(path: path("w.npy"), parameter: .referenceWeights, count: 3, sampleLabel: "R"), [0.5, 0, 2])
        XCTAssertEqual(try SampleFile.weights(path: path("w.csv"), parameter: .referenceWeights, count: 3, sampleLabel: "R"), [0.5, 0, 2])
        try write("w\n0.5\n-1\n2\n", "negative.csv")
        try write("w\n0\n0\n0\n", "zero.csv")
        try NpyTestFile.write([1, 2, 3, 4, 5, 6], shape: [3, 2], to: folder.appendingPathComponent("wide.npy"))
        try NpyTestFile.write([1, .nan, 3], shape: [3], to: folder.appendingPathComponent("nan.npy"))
        let cases: [(String, Int, String)] = [
            ("negative.csv", 3, "line 3, column 1 = -1.0 is negative"),
            ("zero.csv", 3, "positive sum"),
            ("wide.npy", 3, "2 columns"),
            ("nan.npy", 3, "entry [1] is NaN"),
            ("w.npy", 4, "holds 3 weights for the 4 events of R"),
        ]
        for (name, count, expected) in cases {
            XCTAssertThrowsError(try SampleFile.weights(path: path(name), parameter: .referenceWeights, count: count, sampleLabel: "R")) { error in
                XCTAssertTrue("\(error)".contains(expected), "expected '\(expected)' in: \(error)")
            }
        }
    }

    func testAtomicWriteReplacesWholeAndLeavesNoTemporaryFile() throws {
        let target = path("result.json")
        try AtomicWrite.write(Data("first\n".utf8), to: target, label: "--output result.json")
        try AtomicWrite.write(Data("second\n".utf8), to: target, label: "--output result.json")
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "second\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["result.json"])
        XCTAssertThrowsError(try AtomicWrite.write(Data(), to: path("no/such/folder.json"), label: "--output x")) { error in
            XCTAssertTrue("\(error)".contains("--output x: the folder") && "\(error)".contains("does not exist"), "\(error)")
        }
        XCTAssertThrowsError(try AtomicWrite.checkWritable(path("no/such.json"), label: "--output y")) { error in
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
    }

    func testSavedModelRoundTripAndChecks() throws {
        let architecture = try Architecture([1, 3, 1])
        let parameters = architecture.initialParameters(seed: 3, toy: 0)
        let model = SavedModel(test: .nplm, architecture: architecture, loss: .expLinear, normalisation: .expected,
                               expectedEvents: 50, dof: 10, t: 1.25, parameters: [parameters])
        try NPLMJSON.encoder(pretty: true).encode(model).write(to: folder.appendingPathComponent("m.json"))
        XCTAssertEqual(try SavedModel.load(path: path("m.json"), label: "--model m.json"), model)

        var broken = model
        broken.parameters = [Array(parameters.dropLast())]
        try NPLMJSON.encoder().encode(broken).write(to: folder.appendingPathComponent("short.json"))
        try write("{}", "other.json")
        for (name, expected) in [("short.json", "holds 9 parameters; architecture 1,3,1 has 10"),
                                 ("other.json", "is not a model file"), ("none.json", "no such file")] {
            XCTAssertThrowsError(try SavedModel.load(path: path(name), label: "--model \(name)")) { error in
                XCTAssertTrue("\(error)".contains(expected), "expected '\(expected)' in: \(error)")
            }
        }
    }

    func testNormalisationConventions() throws {
        let architecture = try Architecture([1, 4, 1])
        XCTAssertEqual(Normalisation.expected.degreesOfFreedom(architecture), 13)
        XCTAssertEqual(Normalisation.weights.degreesOfFreedom(architecture), 13)
        XCTAssertEqual(Normalisation.observed.degreesOfFreedom(architecture), 12)
        XCTAssertEqual(Normalisation.uniformWeights(total: 50, referenceCount: 200), Array(repeating: 0.25, count: 200))
    }
}
