import ArgumentParser
import NPLM

@main
struct NPLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nplm",
        abstract: "Model-independent new-physics searches with the New Physics Learning Machine.",
        subcommands: [
            ToysCommand.self,
            FitCommand.self,
            EvalCommand.self,
            PermuteCommand.self,
            MergeCommand.self,
            ReportCommand.self,
            CalibrateCommand.self,
            DevicesCommand.self,
            CrossvalCommand.self,
            BenchCommand.self,
            NuisanceCommand.self,
        ]
    )
}
