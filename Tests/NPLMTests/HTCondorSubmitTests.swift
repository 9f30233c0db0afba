import Foundation
import XCTest

/// tools/htcondor.sub, tools/htcondor-merge.sub and the DAG of `tools/nplm-shard.sh condor`, checked
/// offline by tools/check-htcondor.py with HTCondor's own parsers (its Python bindings), then run
/// here as DAGMan would: the merged campaign is the single-machine file byte for byte. Skipped where
/// the bindings are missing (.ci/run installs them from PyPI into .build/ci-htcondor).
final class HTCondorSubmitTests: XCTestCase {
    /// A Python that imports htcondor2: NPLM_HTCONDOR_PYTHON (.ci/run sets it), else python3 on PATH.
    private func python() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [URL] = []
        if let chosen = environment["NPLM_HTCONDOR_PYTHON"] { candidates.append(URL(fileURLWithPath: chosen)) }
        for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            candidates.append(URL(fileURLWithPath: String(folder)).appendingPathComponent("python3"))
        }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            if try CLI.runProgram(candidate, ["-c", "import htcondor2"], timeout: 60).status == 0 { return candidate }
        }
        let message = "HTCondor's Python bindings (pip install htcondor) are not available, so the HTCondor submit files "
            + "are not checked here; .ci/run installs them into .build/ci-htcondor and sets NPLM_HTCONDOR_PYTHON"
        if environment["NPLM_HTCONDOR_PYTHON"] != nil { XCTFail("NPLM_HTCONDOR_PYTHON is set but " + message) }
        throw XCTSkip(message)
    }

    func testSubmitFilesParseAndTheirDAGGivesTheSingleRun() throws {
        let python = try python()
        let folder = try CLI.temporaryDirectory(self)
        let options = Array(CampaignShardTests.small.dropFirst()) + ["--batch", "2"]
        let single = try CLI.run(["toys"] + options + ["--output", "single.jsonl"], in: folder)
        XCTAssertEqual(single.status, 0, single.stderr)

        let check = try CLI.runProgram(python, [SlurmCluster.repository.appendingPathComponent("tools/check-htcondor.py").path,
                                                "3", "campaign"] + options,
                                       in: folder, environment: ["NPLM": try CLI.executable().path], timeout: 180)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        for line in ["ok: tools/htcondor.sub parses", "ok: tools/htcondor-merge.sub parses", "parses as a DAG",
                     "ok: node shards ran 3 process(es)", "ok: node merge ran 1 process(es)"] {
            XCTAssertTrue(check.stdout.contains(line), "\(line) in\n\(check.stdout)")
        }
        let campaign = folder.appendingPathComponent("campaign")
        XCTAssertEqual(try Data(contentsOf: campaign.appendingPathComponent("campaign.jsonl")),
                       try Data(contentsOf: folder.appendingPathComponent("single.jsonl")))
        let report = try String(contentsOf: campaign.appendingPathComponent("report.txt"), encoding: .utf8)
        XCTAssertTrue(report.contains("toys: 7 (0 diverged)"), report)
    }

    /// Arguments split as HTCondor's quoted syntax says; a corrupt submit file is refused in one line naming it.
    func testACorruptSubmitFileIsReported() throws {
        let python = try python()
        let script = """
            import importlib.util, sys
            spec = importlib.util.spec_from_file_location("check", sys.argv[1])
            check = importlib.util.module_from_spec(spec); spec.loader.exec_module(check)
            print(check.split_arguments('"shard 0 3 \\'a b\\' c""d"', "test"))
            import htcondor2, pathlib
            pathlib.Path("bad.sub").write_text("executable tools/nplm-shard.sh\\nqueue\\n")
            check.submit_description(htcondor2, pathlib.Path("bad.sub"), {})
            """
        let folder = try CLI.temporaryDirectory(self)
        let run = try CLI.runProgram(python, ["-c", script, SlurmCluster.repository.appendingPathComponent("tools/check-htcondor.py").path],
                                     in: folder, timeout: 60)
        XCTAssertTrue(run.stdout.contains("['shard', '0', '3', 'a b', 'c\"d']"), run.stdout + run.stderr)
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("bad.sub: HTCondor's parser refused it"), run.stderr)
    }
}
