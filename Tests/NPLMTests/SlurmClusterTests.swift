import Foundation
import XCTest

/// tools/slurm-array.sh on a real SLURM (the single-node cluster of tools/ci-slurm.sh, which .ci/run
/// starts): the campaign merged from the array job's shards is the single-machine file byte for
/// byte, also when a shard was cancelled mid-run and resubmitted. Skipped where there is no such
/// cluster. The tasks run the nplm of this test build.
final class SlurmClusterTests: XCTestCase {
    /// Seconds a whole array job (3 small shards and the merge) may take before the test gives up.
    static let jobDeadline = 90.0

    /// sbatch options of every job: one CPU per task, so two tasks share the 2-core CI machine, and
    /// only PATH exported, so the tasks must find nplm through OUTDIR/nplm-path (as on a site whose
    /// jobs do not inherit the login shell's variables).
    static let sbatchOptions = "--cpus-per-task=1 --time=10 --export=PATH"

    private var submitted: [String] = []
    private var cluster: SlurmCluster?

    override func tearDown() {
        cluster?.cancel(submitted)
        super.tearDown()
    }

    /// Submits `tools/slurm-array.sh submit 3 campaign options…` in `folder`; returns the ids of the
    /// array job and of the merge job.
    private func submit(_ cluster: SlurmCluster, _ options: [String], in folder: URL) throws -> (array: String, merge: String) {
        let run = try cluster.tool("slurm-array.sh", ["submit", "3", "campaign"] + options, in: folder,
                                   environment: ["NPLM": try CLI.executable().path, "SBATCH_OPTIONS": Self.sbatchOptions])
        XCTAssertEqual(run.status, 0, run.stderr)
        return try jobs(in: folder)
    }

    /// The ids slurm-array.sh saved in campaign/slurm-jobs ("ARRAY MERGE").
    private func jobs(in folder: URL) throws -> (array: String, merge: String) {
        let ids = try String(contentsOf: folder.appendingPathComponent("campaign/slurm-jobs"), encoding: .utf8)
            .split(whereSeparator: \.isWhitespace).map(String.init)
        guard ids.count == 2 else { throw SlurmTestError("campaign/slurm-jobs holds '\(ids)', not two job ids") }
        submitted += ids
        return (ids[0], ids[1])
    }

    /// The logs of the jobs (slurm-*.out in the submit folder), for a failure message.
    private func logs(_ folder: URL) -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("slurm-") }.sorted().map { name in
            "--- \(name)\n" + ((try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? "")
        }.joined(separator: "\n")
    }

    private func lines(_ url: URL) -> Int {
        ((try? Data(contentsOf: url)) ?? Data()).filter { $0 == 0x0A }.count
    }

    func testArrayJobMergedEqualsTheSingleRun() throws {
        let cluster = try SlurmCluster.require()
        self.cluster = cluster
        let folder = try CLI.temporaryDirectory(self)
        let options = CampaignShardTests.small.dropFirst() + ["--batch", "2"]
        let single = try CLI.run(["toys"] + options + ["--output", "single.jsonl"], in: folder)
        XCTAssertEqual(single.status, 0, single.stderr)

        let (array, merge) = try submit(cluster, Array(options), in: folder)
        try cluster.waitUntilDone([array, merge], seconds: Self.jobDeadline)
        XCTAssertEqual(try cluster.state(merge), "COMPLETED", logs(folder))
        let campaign = folder.appendingPathComponent("campaign")
        XCTAssertEqual(try Data(contentsOf: campaign.appendingPathComponent("campaign.jsonl")),
                       try Data(contentsOf: folder.appendingPathComponent("single.jsonl")), logs(folder))
        // Shard i holds the toys i, i + 3, …: 3 + 2 + 2 of the 7.
        XCTAssertEqual((0..<3).map { lines(campaign.appendingPathComponent("shard-\($0).jsonl")) }, [3, 2, 2])
        let report = try String(contentsOf: campaign.appendingPathComponent("report.txt"), encoding: .utf8)
        XCTAssertTrue(report.contains("toys: 7 (0 diverged)"), report)
    }

    func testCancelledShardResubmittedLeavesNoDuplicateOrGap() throws {
        let cluster = try SlurmCluster.require()
        self.cluster = cluster
        let folder = try CLI.temporaryDirectory(self)
        // 12 toys of about half a second each (debug build, one thread), one per batch so that the
        // shard file grows toy by toy: shard 1 (toys 1, 4, 7, 10) is cancelled after its first toy.
        let options = ["--toys", "12", "--epochs", "4000", "--reference-size", "300", "--expected", "40",
                       "--backend", "cpu", "--batch", "1", "--seed", "5"]
        let single = try CLI.run(["toys"] + options + ["--output", "single.jsonl"], in: folder)
        XCTAssertEqual(single.status, 0, single.stderr)

        let (array, firstMerge) = try submit(cluster, options, in: folder)
        let shard1 = folder.appendingPathComponent("campaign/shard-1.jsonl")
        try cluster.wait(Self.jobDeadline, for: "the first toy of shard 1", poll: 0.05) { lines(shard1) >= 1 }
        let cancel = try cluster.client("scancel", ["\(array)_1"])
        XCTAssertEqual(cancel.status, 0, cancel.stderr)
        try cluster.waitUntilDone([array], seconds: Self.jobDeadline)
        XCTAssertEqual(try cluster.state("\(array)_1"), "CANCELLED", logs(folder))
        let done = lines(shard1)
        XCTAssertLessThan(done, 4, "shard 1 finished before scancel reached it: the test's toys are too fast to cancel one mid-run")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("campaign/campaign.jsonl").path))

        // The README's recovery: resubmit the task; the merge job that waited for it is replaced.
        let resume = try cluster.tool("slurm-array.sh", ["resume", "3", "campaign", "1"], in: folder,
                                      environment: ["SBATCH_OPTIONS": Self.sbatchOptions])
        XCTAssertEqual(resume.status, 0, resume.stderr)
        XCTAssertTrue(resume.stdout.contains("cancelled the earlier merge job \(firstMerge)"), resume.stdout)
        let (again, merge) = try jobs(in: folder)
        try cluster.waitUntilDone([again, merge], seconds: Self.jobDeadline)
        XCTAssertEqual(try cluster.state(merge), "COMPLETED", logs(folder))
        let log = (try? String(contentsOf: folder.appendingPathComponent("slurm-nplm-toys-\(again)_1.out"), encoding: .utf8)) ?? ""
        XCTAssertTrue(log.contains("\(done) of the shard's 4 toys are already done"), log)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("campaign/campaign.jsonl")),
                       try Data(contentsOf: folder.appendingPathComponent("single.jsonl")), logs(folder))
    }
}
