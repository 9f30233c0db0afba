import ArgumentParser
import Foundation
import NPLM

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Summarise a campaign file.")
    @Argument(help: "A campaign result file.") var file: String
    func run() throws { throw NPLMError.invalidArgument("nplm report: not built yet") }
}
