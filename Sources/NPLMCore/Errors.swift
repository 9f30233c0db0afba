/// Errors about what a user asked for or gave: each message says what is wrong, where, and what to do.
public enum NPLMError: Error, CustomStringConvertible, Equatable {
    /// An option or argument with a value that cannot be used.
    case invalidArgument(String)
    /// An input file that cannot be read or holds unusable values.
    case invalidInput(file: String, String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return message
        case .invalidInput(let file, let message): return "\(file): \(message)"
        }
    }
}
