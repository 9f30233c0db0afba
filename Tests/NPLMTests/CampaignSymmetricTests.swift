import Foundation
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// `nplm toys --preset symmetric`: both fits of every toy in one batch, dof = P − 1.
final class CampaignSymmetricTests: XCTestCase {
    static let small = ["toys", "--preset", "symmetric", "--size-a", "40", "--size-b", "60", "--toys", "4", "--epochs", "20",
                        "--history-every", "10", "--backend", "reference", "--seed", "9"]

    func testSymmetricPresetWritesTwoFitsPerToyAndDofPMinusOne() throws {
        let folder = try CLI.temporaryDirectory(self)
        var run = try CLI.run(Self.small + ["--signal", "NP3", "--signal-events", "10", "--batch", "3", "--output", "sym.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let records = try CampaignFile.read(folder.appendingPathComponent("sym.jsonl").path)
        XCTAssertEqual(records.map(\.toy), [0, 1, 2, 3])
        for record in records {
            XCTAssertEqual(record.dof, 12)
            XCTAssertEqual(record.configuration?.preset, .symmetric)
            let parts = try XCTUnwrap(record.components)
            XCTAssertEqual(parts.count, 2)
            XCTAssertEqual(record.t, parts[0] + parts[1], accuracy: 1e-12 * max(1, abs(record.t)))
            XCTAssertEqual(record.finalParameters.count, 26)
            XCTAssertEqual(record.history.count, 2)
            XCTAssertEqual(-2 * record.history[1].loss, record.t, accuracy: 1e-9 * max(1, abs(record.t)))
            // The signal is in A only (backgroundEvents and signalEvents count A).
            XCTAssertEqual(record.backgroundEvents.map { $0 + (record.signalEvents ?? 0) }, record.aEvents)
            XCTAssertNil(record.dataEvents)
        }
        XCTAssertGreaterThan(records.compactMap(\.signalEvents).reduce(0, +), 0)

        // The toys equal those of the library's own batch of pairs (every toy alone).
        let configuration = try XCTUnwrap(records[0].configuration)
        let alone = try CampaignRunner(configuration: configuration, backend: BackendRequest(kind: .reference))
            .train(toys: [2], shard: .whole)
        XCTAssertEqual(alone[0].t, records[2].t)
        XCTAssertEqual(alone[0].finalParameters, records[2].finalParameters)

        // The cross-entropy statistic: one fit per toy, dof still P − 1.
        run = try CLI.run(Self.small + ["--statistic", "crossentropy", "--output", "ce.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let ce = try CampaignFile.read(folder.appendingPathComponent("ce.jsonl").path)
        XCTAssertEqual(ce.count, 4)
        XCTAssertEqual(ce[0].dof, 12)
        XCTAssertEqual(ce[0].components?.count, 1)
        XCTAssertNotEqual(ce[0].campaign, records[0].campaign)

        run = try CLI.run(["report", "sym.jsonl"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("symmetrized t_A+B"), run.stdout)
        XCTAssertTrue(run.stdout.contains("dof 12"), run.stdout)
    }

    func testSymmetricOptionsAreChecked() throws {
        for (arguments, option) in [(["--preset", "symmetric", "--size-a", "10"], "--size-b"),
                                    (["--preset", "symmetric", "--size-a", "10", "--size-b", "10", "--expected", "5"], "--expected"),
                                    (["--size-a", "10"], "--size-a"), (["--shard", "4/4"], "--shard")] {
            let run = try CLI.run(["toys"] + arguments)
            XCTAssertNotEqual(run.status, 0, "\(arguments)")
            XCTAssertTrue(run.stderr.contains(option), "\(arguments): \(run.stderr)")
        }
    }
}
