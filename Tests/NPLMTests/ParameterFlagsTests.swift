import Foundation
import XCTest
@testable import NPLMCore
@testable import nplm

/// The command line's one table from parameters to flags: every parameter the library names has
/// a flag, every flag is one the command line takes, and a library message reads with flags.
final class ParameterFlagsTests: XCTestCase {
    func testEveryParameterHasAFlagTheCommandLineTakes() throws {
        var help = ""
        for command in ["toys", "fit", "eval", "permute", "merge", "report", "calibrate", "devices", "crossval", "bench",
                        "nuisance train", "nuisance check"] {
            let run = try CLI.run(command.split(separator: " ").map(String.init) + ["--help"], in: FileManager.default.temporaryDirectory)
            help += run.stdout
        }
        XCTAssertEqual(Set(ParameterFlags.table.keys), Set(Parameter.all))
        for parameter in Parameter.all {
            let flag = try XCTUnwrap(ParameterFlags.table[parameter], parameter.name)
            XCTAssertTrue(help.contains(flag + " ") || help.contains(flag + "\n"), "\(flag) is in no command's --help")
        }
    }

    func testAMessageReadsWithFlagsOnTheCommandLineAndNamesElsewhere() {
        let error = NPLMError.invalidInput(file: "\(Parameter.deltaModel) d.json", "give \(Parameter.referenceSize) or \(Parameter.expected)")
        XCTAssertEqual(ParameterFlags.message(error), "--delta-model d.json: give --reference-size or --expected")
        XCTAssertEqual(error.description, "delta_model d.json: give reference_size or expected")
        XCTAssertEqual(error.parameters, [.deltaModel, .referenceSize, .expected])
        let quoted = NPLMError.invalidArgument("\(Parameter.points): \(error)")
        XCTAssertEqual(ParameterFlags.message(quoted), "--points: --delta-model d.json: give --reference-size or --expected")
    }
}
