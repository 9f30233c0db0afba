import Foundation
import XCTest

/// The throwaway single-node SLURM that `tools/ci-slurm.sh start` runs on this machine, reached
/// through its command-line clients. Every call has a timeout, and every wait a deadline, so a
/// hung controller fails a test instead of hanging it.
struct SlurmCluster {
    /// The cluster name in the configuration tools/ci-slurm.sh writes. Jobs go only to that
    /// cluster: a developer's real SLURM (queues, accounts, no shared /tmp) is left alone.
    static let throwawayName = "nplmci"
    /// Seconds one client command (sbatch, squeue, scancel, scontrol, sinfo) may take.
    static let clientTimeout = 20.0

    /// The repository root (this file is Tests/NPLMTests/SlurmSupport.swift).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let bin: [String: URL]

    /// The cluster, or a skip saying why there is none. When the environment sets
    /// NPLM_REQUIRE_SLURM=1 (.ci/run does once its SLURM is up) a missing cluster fails instead.
    static func require() throws -> SlurmCluster {
        func unavailable(_ why: String) throws -> Never {
            let message = "SLURM not available: \(why). .ci/run starts a single-node SLURM with `tools/ci-slurm.sh start` "
                + "(Debian packages slurm-wlm and munge, root); by hand: eval \"$(tools/ci-slurm.sh start)\""
            if ProcessInfo.processInfo.environment["NPLM_REQUIRE_SLURM"] == "1" {
                XCTFail("NPLM_REQUIRE_SLURM=1 but " + message)
            }
            throw XCTSkip(message)
        }
        var bin: [String: URL] = [:]
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["sbatch", "squeue", "scancel", "scontrol", "sinfo"] {
            let found = path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
                .first { FileManager.default.isExecutableFile(atPath: $0.path) }
            guard let found else { try unavailable("\(name) is not on PATH") }
            bin[name] = found
        }
        let cluster = SlurmCluster(bin: bin)
        let config = try cluster.client("scontrol", ["show", "config"])
        guard config.status == 0 else {
            let last = config.stderr.split(separator: "\n").last.map(String.init) ?? "no answer"
            try unavailable("no controller answers (scontrol show config: \(last))")
        }
        let name = config.stdout.split(separator: "\n").first { $0.hasPrefix("ClusterName") }?
            .split(separator: "=").last?.trimmingCharacters(in: .whitespaces) ?? "?"
        guard name == throwawayName else {
            try unavailable("the controller here runs cluster '\(name)', not the throwaway '\(throwawayName)' of tools/ci-slurm.sh; no test jobs are sent to it")
        }
        let states = try cluster.client("sinfo", ["-h", "-o", "%T"]).stdout
        guard states.split(separator: "\n").contains(where: { ["idle", "mixed", "allocated"].contains($0) }) else {
            try unavailable("cluster \(name) has no node that takes jobs (sinfo: \(states.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        return cluster
    }

    /// Runs a SLURM client with the client timeout.
    func client(_ name: String, _ arguments: [String], in directory: URL? = nil) throws -> CLIRun {
        try CLI.runProgram(bin[name]!, arguments, in: directory, timeout: Self.clientTimeout)
    }

    /// Runs one of the repository's tools (tools/NAME) in `directory`, with a timeout.
    func tool(_ name: String, _ arguments: [String], in directory: URL, environment: [String: String]) throws -> CLIRun {
        try CLI.runProgram(Self.repository.appendingPathComponent("tools/\(name)"), arguments, in: directory,
                           environment: environment, timeout: 60)
    }

    /// The jobs (ids) of `jobs` that are still queued or running; nil when squeue gave no answer.
    func active(_ jobs: [String]) throws -> [String]? {
        let run = try client("squeue", ["-h", "-j", jobs.joined(separator: ","), "-o", "%i"])
        // squeue exits non-zero for ids the controller has already forgotten: none of them is active.
        if run.status != 0 { return run.status == -1 ? nil : [] }
        return run.stdout.split(separator: "\n").map(String.init)
    }

    /// Waits until `condition` holds, polling every `poll` seconds; throws after `seconds`.
    func wait(_ seconds: Double, for what: String, poll: Double = 0.2, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try !condition() {
            guard Date() < deadline else { throw SlurmTestError("gave up after \(seconds) s waiting for \(what)") }
            Thread.sleep(forTimeInterval: poll)
        }
    }

    /// Waits until none of `jobs` is queued or running.
    func waitUntilDone(_ jobs: [String], seconds: Double) throws {
        try wait(seconds, for: "jobs \(jobs.joined(separator: ", ")) to end") { try active(jobs)?.isEmpty == true }
    }

    /// The state of one job (COMPLETED, FAILED, CANCELLED, …) as scontrol reports it.
    func state(_ job: String) throws -> String {
        let text = try client("scontrol", ["-o", "show", "job", job]).stdout
        guard let range = text.range(of: "JobState=") else { return "unknown" }
        return String(text[range.upperBound...].prefix { !$0.isWhitespace })
    }

    /// Cancels `jobs` (cleanup: whatever is still queued of a test's jobs).
    func cancel(_ jobs: [String]) {
        _ = try? client("scancel", jobs)
    }
}

struct SlurmTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
