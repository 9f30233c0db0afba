import Foundation
import NPLM

// Shared by eval and permute: loading samples; by every command: the number format.

/// Loads event samples given through options and checks them against each other and the network.
enum Samples {
    /// The events of every (option, path), in order (`SampleFile.load`). `network` names where the
    /// architecture came from in messages ("--architecture 1,4,1", or a saved model: `fromOptions` false).
    static func load(_ files: [(parameter: Parameter, path: String)], architecture: Architecture, network: String,
                     fromOptions: Bool = true) throws -> [EventSet] {
        try SampleFile.load(files.map { file in (SampleFile.label(parameter: file.parameter, path: file.path),
                                                 { try SampleFile.events(path: file.path, parameter: file.parameter) }) },
                            architecture: architecture, network: ErrorText(verbatim: network), fromOptions: fromOptions)
    }
}

/// How numbers are printed: six significant digits.
enum Format {
    static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return String(format: "%.6g", x)
    }
}
