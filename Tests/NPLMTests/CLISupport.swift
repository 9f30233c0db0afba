import Foundation
import XCTest

/// Runs the `nplm` executable built next to the test bundle (the test target depends on it, so
/// `swift test` builds it) and returns its exit status and output.
struct CLIRun {
    let status: Int32
    let stdout: String
    let stderr: String
    /// Whether the program was ended by a signal (`status` is then the signal's number): a crash
    /// (SIGILL, SIGSEGV, SIGABRT, …), or the SIGKILL of a timeout (status −1).
    var signalled = false
}

enum CLI {
    /// The built `nplm`: in the folder of the running test executable.
    static func executable() throws -> URL {
        let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])]
            .compactMap { $0?.deletingLastPathComponent() } + [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        for folder in candidates {
            let url = folder.appendingPathComponent("nplm")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw XCTSkip("the nplm executable was not found next to the test bundle (looked in \(candidates.map(\.path)))")
    }

    /// Runs `nplm arguments…` (or another `executable`) in `directory` (the current folder when nil),
    /// with `environment` added to this process's.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                    executable program: URL? = nil) throws -> CLIRun {
        try runProgram(program ?? executable(), arguments, in: directory, environment: environment)
    }

    /// Runs any program with the test's environment plus `environment`. With a `timeout` (seconds)
    /// the program is stopped (SIGTERM, then SIGKILL) when it runs longer, and the result says so
    /// with status −1 and a line on stderr: a hung tool (a batch system's client) cannot hang the tests.
    static func runProgram(_ program: URL, _ arguments: [String], in directory: URL? = nil,
                           environment: [String: String] = [:], timeout: Double? = nil) throws -> CLIRun {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        // Output goes to files rather than pipes, so a chatty process can never block on a full pipe.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("nplm-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        var timedOut = false
        if let timeout, finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if finished.wait(timeout: .now() + 3) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
        } else if timeout == nil {
            finished.wait()
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        var stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        if timedOut { stderr += "\n\(program.lastPathComponent) \(arguments.joined(separator: " ")): stopped after \(timeout ?? 0) s\n" }
        return CLIRun(status: timedOut ? -1 : process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self), stderr: stderr,
                      signalled: !timedOut && process.terminationReason == .uncaughtSignal)
    }

    /// A new empty temporary folder, removed when the test ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nplm-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

extension XCTestCase {
    /// A refusal: non-zero exit, exactly one line on stderr containing `expected` (`context` names
    /// the case in failure messages).
    func assertOneLineRefusal(_ run: CLIRun, _ expected: String, _ context: String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(run.status, 0, context, file: file, line: line)
        // Notes that are not the error: the backend chosen, a campaign's progress line.
        let lines = run.stderr.split(separator: "\n").filter { !$0.hasPrefix("backend auto:") && !$0.contains(" toys/s") }
        XCTAssertEqual(lines.count, 1, "\(context): \(run.stderr)", file: file, line: line)
        XCTAssertTrue(run.stderr.contains(expected), "\(context): expected '\(expected)' in: \(run.stderr)", file: file, line: line)
        XCTAssertFalse(run.stderr.contains("Usage:") || run.stderr.contains("Fatal error"), "\(context): \(run.stderr)", file: file, line: line)
    }
}
