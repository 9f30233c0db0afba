import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The OpenCL commands and fallbacks, through the built `nplm`.
final class OpenCLCLITests: XCTestCase {
    private let smallCampaign = ["toys", "--toys", "2", "--reference-size", "300", "--expected", "30", "--epochs", "5"]

    /// An environment with no OpenCL platform: the ICD loader finds no vendor file.
    private func noPlatform() throws -> [String: String] {
        ["OCL_ICD_VENDORS": try CLI.temporaryDirectory(self).path]
    }

    func testAutoFallsBackToTheCPUWithAWarningWhenThereIsNoPlatform() throws {
        let run = try CLI.run(smallCampaign + ["--backend", "auto"], environment: try noPlatform())
        XCTAssertEqual(run.status, 0, run.stderr)
        let warnings = run.stderr.split(separator: "\n").filter { $0.contains("warning") }
        XCTAssertTrue(warnings.contains { $0.contains("no OpenCL platform") && $0.contains("CPU engine") }, run.stderr)
        XCTAssertTrue(run.stdout.contains("toys: 2"), run.stdout)
    }

    func testExplicitOpenCLWithoutPlatformExitsWithAClearError() throws {
        let run = try CLI.run(smallCampaign + ["--backend", "opencl"], environment: try noPlatform())
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("--backend opencl") && run.stderr.contains("no OpenCL platform"), run.stderr)
        XCTAssertFalse(run.stderr.contains("Fatal error"), run.stderr)
    }

    func testDevicesWithoutPlatformSaysSo() throws {
        let run = try CLI.run(["devices"], environment: try noPlatform())
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("no OpenCL platform"), run.stdout)
    }

    func testDevicesListsTheDeviceWithItsLimits() throws {
        let device = try OpenCLTestSupport.device()
        let run = try CLI.run(["devices"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("\(device.index): \(device.name)"), run.stdout)
        XCTAssertTrue(run.stdout.contains("max work-group"), run.stdout)
    }

    /// A kernel that does not compile: an explicit OpenCL backend fails with the build log, auto on
    /// that device falls back to the CPU with a warning.
    func testAKernelThatFailsToBuild() throws {
        _ = try OpenCLTestSupport.device()
        let folder = try CLI.temporaryDirectory(self)
        try "this is not OpenCL C;\n".write(to: folder.appendingPathComponent("loss.cl"), atomically: true, encoding: .utf8)
        let environment = [KernelSources.environmentVariable: folder.path]

        let explicit = try CLI.run(smallCampaign + ["--backend", "opencl"], environment: environment)
        XCTAssertEqual(explicit.status, 1, explicit.stderr)
        XCTAssertTrue(explicit.stderr.contains("clBuildProgram") && explicit.stderr.contains("CL_BUILD_PROGRAM_FAILURE"), explicit.stderr)
        XCTAssertTrue(explicit.stderr.contains("loss.cl:1"), "the build log names the file and line: \(explicit.stderr)")

        let auto = try CLI.run(smallCampaign + ["--backend", "auto", "--device", "0"], environment: environment)
        XCTAssertEqual(auto.status, 0, auto.stderr)
        XCTAssertTrue(auto.stderr.contains("warning") && auto.stderr.contains("CPU engine"), auto.stderr)
    }

    func testCrossvalPassesAndFailsBeyondItsTolerances() throws {
        _ = try OpenCLTestSupport.device()
        let arguments = ["crossval", "--toys", "2", "--reference-size", "500", "--expected", "50", "--epochs", "20"]
        let pass = try CLI.run(arguments)
        XCTAssertEqual(pass.status, 0, pass.stdout + pass.stderr)
        XCTAssertTrue(pass.stdout.contains("crossval passed"), pass.stdout)
        for row in ["loss at the initial parameters", "gradient", "final t", "final parameters"] {
            XCTAssertTrue(pass.stdout.contains(row), "\(row) missing: \(pass.stdout)")
        }
        let fail = try CLI.run(arguments + ["--loss-tolerance", "1e-300"])
        XCTAssertEqual(fail.status, 1, fail.stdout + fail.stderr)
        XCTAssertTrue(fail.stdout.contains("FAILED"), fail.stdout)
    }
}
