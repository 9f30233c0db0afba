import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// `nplm bench`: refuses to time a debug build; in a release build, one small measurement as JSON.
final class FastCPUBenchCLITests: XCTestCase {
    func testBenchRefusesDebugBuildOrWritesJSON() throws {
        let run = try CLI.run(["bench", "--backends", "cpu", "--workloads", "1d", "--fits", "2", "--reference-sizes", "3000",
                               "--threads", "2", "--warmup", "1", "--epochs", "2", "--repeats", "1", "--json"])
        #if DEBUG
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("debug build") && run.stderr.contains("-c release"), run.stderr)
        XCTAssertEqual(run.stdout, "")
        #else
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let measurement = try NPLMJSON.decoder().decode(BenchMeasurement.self, from: Data(lines[0].utf8))
        XCTAssertEqual(measurement.fits, 2)
        XCTAssertEqual(measurement.threads, 2)
        XCTAssertEqual(measurement.referenceEvents, 3000)
        XCTAssertGreaterThan(measurement.pointEpochsPerSecond, 0)
        #endif
    }

    func testBenchRejectsBadOptionsByName() throws {
        let run = try CLI.run(["bench", "--fits", "1,0"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("--fits"), run.stderr)
        let backends = try CLI.run(["bench", "--backends", "gpu"])
        XCTAssertNotEqual(backends.status, 0)
        XCTAssertTrue(backends.stderr.contains("--backends"), backends.stderr)
        let cLoop = try CLI.run(["bench", "--workloads", "5d", "--c-loop", "/nonexistent/five_d"])
        XCTAssertNotEqual(cLoop.status, 0)
        XCTAssertTrue(cLoop.stderr.contains("--c-loop") && cLoop.stderr.contains("five_d.c"), cLoop.stderr)
        let noFiveD = try CLI.run(["bench", "--workloads", "1d", "--c-loop", "/bin/true"])
        XCTAssertNotEqual(noFiveD.status, 0)
        XCTAssertTrue(noFiveD.stderr.contains("5d"), noFiveD.stderr)
    }
}

/// `nplm toys --backend cpu` writes the same bytes with 1 and 2 threads, and with the toys in one
/// batch or in batches of one.
final class FastCPUToysCLITests: XCTestCase {
    func testToysAreByteIdenticalAcrossThreadsAndBatches() throws {
        let folder = try CLI.temporaryDirectory(self)
        let common = ["toys", "--toys", "3", "--epochs", "40", "--expected", "150", "--reference-size", "2500",
                      "--clip", "9", "--seed", "7", "--backend", "cpu"]
        var outputs: [Data] = []
        for (name, extra) in [("a", ["--threads", "1", "--batch", "3"]), ("b", ["--threads", "2", "--batch", "3"]),
                              ("c", ["--threads", "2", "--batch", "1"])] {
            let run = try CLI.run(common + extra + ["--output", "\(name).jsonl"], in: folder)
            XCTAssertEqual(run.status, 0, run.stderr)
            outputs.append(try Data(contentsOf: folder.appendingPathComponent("\(name).jsonl")))
        }
        XCTAssertFalse(outputs[0].isEmpty)
        XCTAssertEqual(outputs[0], outputs[1], "threads 1 vs 2")
        XCTAssertEqual(outputs[0], outputs[2], "one batch of 3 vs three batches of 1")
    }
}

/// `CLoopMeasurement` runs the C loop as a process and reads its JSON line (here a stand-in script:
/// the real loop needs GCC and a release build to be worth timing).
final class BenchCLoopTests: XCTestCase {
    func testReadsTheLoopsJSONLineAndReportsItsFailure() throws {
        let folder = try CLI.temporaryDirectory(self)
        let script = folder.appendingPathComponent("five_d")
        try """
        #!/bin/sh
        echo "c-loop starting"
        echo '{"fits":2,"referenceEvents":300,"pointsPerEpoch":700,"threads":1,"epochs":4,"repeats":1,"secondsPerEpoch":0.5,"pointEpochsPerSecond":1400,"cpuUtilization":0.5,"runs":[0.5],"lastLoss":1}'
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let c = try CLoopMeasurement.measure(executable: script.path, fits: 2, threads: 1, referenceSize: 300, warmup: 0,
                                             epochs: 4, seconds: 1, repeats: 1)
        XCTAssertEqual(c.fits, 2)
        XCTAssertEqual(c.pointEpochsPerSecond, 1400)

        let failing = folder.appendingPathComponent("broken")
        try "#!/bin/sh\necho 'no such option' >&2\nexit 2\n".write(to: failing, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: failing.path)
        XCTAssertThrowsError(try CLoopMeasurement.measure(executable: failing.path, fits: 1, threads: 1, referenceSize: 10,
                                                          warmup: 0, epochs: 1, seconds: 1, repeats: 1)) {
            XCTAssertTrue("\($0)".contains("status 2") && "\($0)".contains("no such option"), "\($0)")
        }
    }
}
