import XCTest

/// `nplm toys` end to end: reproducible output, and bad options rejected by name.
final class ToysCLITests: XCTestCase {
    static let small = ["toys", "--toys", "3", "--epochs", "30", "--reference-size", "500", "--expected", "50",
                        "--history-every", "10", "--backend", "reference"]

    func testSameSeedGivesIdenticalBytesAndAnotherSeedDiffers() throws {
        let folder = try CLI.temporaryDirectory(self)
        var outputs: [Data] = []
        for (name, seed) in [("a", "7"), ("b", "7"), ("c", "8")] {
            let run = try CLI.run(Self.small + ["--seed", seed, "--output", "\(name).jsonl"], in: folder)
            XCTAssertEqual(run.status, 0, run.stderr)
            outputs.append(try Data(contentsOf: folder.appendingPathComponent("\(name).jsonl")))
        }
        XCTAssertFalse(outputs[0].isEmpty)
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertNotEqual(outputs[0], outputs[2])
    }

    func testBadOptionsAreRejectedByName() throws {
        for (arguments, option) in [(["--toys", "0"], "--toys"), (["--architecture", "2,4,1"], "--architecture"),
                                    (["--clip", "-1"], "--clip"), (["--epochs", "x"], "--epochs"),
                                    (["--toys", "4", "--shard", "5/100"], "--shard 5/100: with --toys 4 this shard holds no toy"),
                                    (["--reference-sample", "each"], "--reference-sample"),
                                    (["--reference-sample", "toy", "--preset", "symmetric", "--size-a", "50", "--size-b", "50"],
                                     "--reference-sample toy belongs to --preset nplm"),
                                    (["--reference-sample", "toy", "--nuisances", "scale", "--epochs", "10"],
                                     "--reference-sample toy is not supported with --nuisances"),
                                    (["--truncate", "-1"], "--truncate must be a positive number"),
                                    (["--truncate", "8", "--nuisances", "scale"], "--truncate truncates the 1-D benchmark's background")] {
            let run = try CLI.run(["toys"] + arguments)
            XCTAssertNotEqual(run.status, 0, "\(arguments)")
            XCTAssertTrue(run.stderr.contains(option), "\(arguments): \(run.stderr)")
        }
    }
}
