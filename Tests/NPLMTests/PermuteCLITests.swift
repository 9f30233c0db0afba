import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// `nplm permute` end to end, on tiny samples with the reference backend.
final class PermuteCLITests: XCTestCase {
    static let training = ["--epochs", "20", "--backend", "reference"]

    var folder: URL!

    override func setUpWithError() throws {
        folder = try CLI.temporaryDirectory(self)
        try NpyTestFile.write((0..<30).map { -log((Double($0) + 0.5) / 30) }, shape: [30], to: folder.appendingPathComponent("a.npy"))
        try NpyTestFile.write((0..<45).map { -1.2 * log((Double($0) + 0.5) / 45) }, shape: [45], to: folder.appendingPathComponent("b.npy"))
    }

    func permute(seed: String, output: String) throws -> CLIRun {
        try CLI.run(["permute", "--a", "a.npy", "--b", "b.npy", "--permutations", "6", "--seed", seed, "--output", output]
                    + Self.training, in: folder)
    }

    func testReproducibleFromItsSeed() throws {
        let first = try permute(seed: "3", output: "p1.json")
        let second = try permute(seed: "3", output: "p2.json")
        let other = try permute(seed: "4", output: "p3.json")
        for run in [first, second, other] { XCTAssertEqual(run.status, 0, run.stderr) }
        let bytes = try ["p1.json", "p2.json", "p3.json"].map { try Data(contentsOf: folder.appendingPathComponent($0)) }
        XCTAssertEqual(bytes[0], bytes[1])
        XCTAssertEqual(first.stdout, second.stdout)
        XCTAssertNotEqual(bytes[0], bytes[2])

        let record = try NPLMJSON.decoder().decode(PermutationRecord.self, from: bytes[0])
        XCTAssertEqual(record.permutations, 6)
        XCTAssertEqual(record.permutationT.count, 6)
        XCTAssertEqual(record.aEvents, 30)
        XCTAssertEqual(record.bEvents, 45)
        XCTAssertEqual(record.dof, 12)
        let atLeast = record.permutationT.filter { $0 >= record.observedT }.count
        XCTAssertEqual(record.atLeastObserved, atLeast)
        XCTAssertEqual(record.p, Double(1 + atLeast) / 7)
        XCTAssertEqual(record.z, Significance.z(p: record.p), accuracy: 1e-12)
        // Relabellings differ from one another, so their t do too.
        XCTAssertEqual(Set(record.permutationT).count, 6)
    }

    func testBatchesGiveTheSameResult() throws {
        XCTAssertEqual(try permute(seed: "3", output: "whole.json").status, 0)
        let run = try CLI.run(["permute", "--a", "a.npy", "--b", "b.npy", "--permutations", "6", "--seed", "3", "--output", "parts.json",
                               "--batch", "4"] + Self.training, in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("whole.json")),
                       try Data(contentsOf: folder.appendingPathComponent("parts.json")))
    }

    func testObservedTIsTheTwoSampleFitsT() throws {
        let permuted = try permute(seed: "9", output: "p.json")
        XCTAssertEqual(permuted.status, 0, permuted.stderr)
        let fit = try CLI.run(["fit", "--a", "a.npy", "--b", "b.npy", "--seed", "9", "--output", "f.json"] + Self.training, in: folder)
        XCTAssertEqual(fit.status, 0, fit.stderr)
        let record = try NPLMJSON.decoder().decode(PermutationRecord.self, from: Data(contentsOf: folder.appendingPathComponent("p.json")))
        let fitRecord = try NPLMJSON.decoder().decode(TwoSampleRecord.self, from: Data(contentsOf: folder.appendingPathComponent("f.json")))
        // permute holds the pool as the batch's shared events, fit as the fit's own events: the same
        // events in the same order, but a backend may cut shared and own events into chunks
        // differently, so the bound is the 1e-9 of the swap test rather than equality.
        XCTAssertEqual(record.observedT, fitRecord.t, accuracy: 1e-9 * max(1, abs(fitRecord.t)))
    }

    func testBadOptionsAreRejectedByName() throws {
        for (arguments, option) in [(["--permutations", "0"], "--permutations"), (["--permutations", "3", "--statistic", "x"], "--statistic")] {
            let run = try CLI.run(["permute", "--a", "a.npy", "--b", "b.npy"] + arguments + Self.training, in: folder)
            XCTAssertNotEqual(run.status, 0)
            XCTAssertTrue(run.stderr.contains(option), run.stderr)
        }
        let missing = try CLI.run(["permute", "--a", "a.npy", "--b", "none.csv", "--permutations", "3"] + Self.training, in: folder)
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("--b none.csv: no such file"), missing.stderr)
    }
}
