import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// Without the OpenCL ICD loader (libOpenCL.so.1, opened at run time) `nplm` still starts:
/// `auto` trains on the CPU after a one-line warning, `--backend opencl` exits with a clear error.
final class OpenCLLoaderTests: XCTestCase {
    private let smallCampaign = ["toys", "--toys", "2", "--reference-size", "300", "--expected", "30", "--epochs", "5"]
    /// Makes the loader look for a library that does not exist.
    private let noLibrary = ["NPLM_OPENCL_LIBRARY": "/nonexistent/libOpenCL.so.1"]

    func testTheBinaryDoesNotLinkTheICDLoader() throws {
        let ldd = Process()
        ldd.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ldd") else { throw XCTSkip("no /usr/bin/ldd here") }
        ldd.arguments = [try CLI.executable().path]
        let pipe = Pipe()
        ldd.standardOutput = pipe
        try ldd.run()
        let libraries = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ldd.waitUntilExit()
        XCTAssertFalse(libraries.contains("libOpenCL"), libraries)
    }

    func testAutoFallsBackToTheCPUWithOneWarning() throws {
        let run = try CLI.run(smallCampaign + ["--backend", "auto"], environment: noLibrary)
        XCTAssertEqual(run.status, 0, run.stderr)
        let warnings = run.stderr.split(separator: "\n").filter { $0.contains("warning") }
        XCTAssertEqual(warnings.count, 1, run.stderr)
        XCTAssertTrue(warnings[0].contains("/nonexistent/libOpenCL.so.1") && warnings[0].contains("CPU engine"), run.stderr)
        XCTAssertTrue(run.stdout.contains("toys: 2"), run.stdout)
    }

    func testExplicitOpenCLExitsWithAClearError() throws {
        let folder = try CLI.temporaryDirectory(self)
        let output = folder.appendingPathComponent("toys.jsonl")
        let run = try CLI.run(smallCampaign + ["--backend", "opencl", "--output", output.path], environment: noLibrary)
        XCTAssertNotEqual(run.status, 0)
        let lines = run.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, run.stderr)
        XCTAssertTrue(lines[0].contains("--backend opencl") && lines[0].contains("ocl-icd-libopencl1"), run.stderr)
        XCTAssertFalse(run.stderr.contains("Fatal error"), run.stderr)
    }
}
