import ArgumentParser
import Foundation
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

    /// Parses and runs like ArgumentParser's `main`, with two differences: a negative number given
    /// as a separate word (`--epochs -5`) is the option's value, so that the option's own check
    /// says what is wrong with it; and an error is one line on standard error (no usage block).
    static func main() {
        Parameter.naming = ParameterFlags.flag
        let arguments = CommandLineWords.attachingNegativeValues(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            guard code != .success, !(error is ExitCode) else { exit(withError: error) }
            FileHandle.standardError.write(Data(("Error: " + oneLine(error) + "\n").utf8))
            Foundation.exit(code.rawValue)
        }
    }

    /// The error's message on one line; ArgumentParser's own parsing errors (an unknown or missing
    /// option) end with where the options are listed.
    static func oneLine(_ error: Error) -> String {
        if error is NPLMError || error is StatisticsError { return ParameterFlags.message(error) }
        let text = message(for: error)
        let line = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? text
        let isValidation = String(reflecting: error).contains("userValidationError")
        guard !isValidation, !line.contains("--help"),
              let range = fullMessage(for: error, columns: 10_000).range(of: #"'[^']* --help'"#, options: .regularExpression) else {
            return line
        }
        let help = fullMessage(for: error, columns: 10_000)[range].dropFirst().dropLast()
        return line + (line.hasSuffix(".") || line.hasSuffix("?") ? "" : ".") + " `\(help)` lists the options."
    }
}

/// The command line as nplm reads it.
enum CommandLineWords {
    /// `--option -5` → `--option=-5`: a word that is a negative number (or -inf/-nan) right after an
    /// option word is that option's value. ArgumentParser would otherwise take it for an option
    /// and say "Missing value for '--option'". Words after a bare `--` are left alone.
    static func attachingNegativeValues(_ words: [String]) -> [String] {
        var result: [String] = []
        var optionsEnded = false
        for word in words {
            if !optionsEnded, let previous = result.last, previous.hasPrefix("--"), previous.count > 2,
               !previous.contains("="), isNegativeNumber(word) {
                result[result.count - 1] = previous + "=" + word
                continue
            }
            if word == "--" { optionsEnded = true }
            result.append(word)
        }
        return result
    }

    static func isNegativeNumber(_ word: String) -> Bool {
        guard word.hasPrefix("-"), !word.hasPrefix("--") else { return false }
        let rest = word.dropFirst().lowercased()
        return rest.first.map { $0.isNumber || $0 == "." } == true || rest.hasPrefix("inf") || rest.hasPrefix("nan")
    }
}
