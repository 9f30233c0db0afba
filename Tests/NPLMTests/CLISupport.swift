import Foundation
import XCTest

/// Runs the `nplm` executable built next to the test bundle (the test target depends on it, so
/// `swift test` builds it) and returns its exit status and output.
struct CLIRun {
    let status: Int32
    let stdout: String
    let stderr: String
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
        let process = Process()
        process.executableURL = try program ?? executable()
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
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return CLIRun(status: process.terminationStatus, stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// A new empty temporary folder, removed when the test ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nplm-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
