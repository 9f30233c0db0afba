import ArgumentParser
import NPLM

@main
struct NPLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nplm",
        abstract: "Model-independent new-physics searches with the New Physics Learning Machine.",
        subcommands: [
            ToysCommand.self,
            BenchCommand.self,
        ]
    )
}
