import ArgumentParser
import Foundation
import NPLM

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calibrate", abstract: "Select the weight clipping W.")
    func run() throws { throw NPLMError.invalidArgument("nplm calibrate: not built yet") }
}
