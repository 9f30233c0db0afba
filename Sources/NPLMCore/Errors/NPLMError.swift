/// Errors about what a user asked for or gave: each message says what is wrong, where, and what to
/// do. A message names the parameters it is about as `Parameter`s, not as command-line flags:
/// `description` names them as this process does (`Parameter.naming`: the library's names, or the
/// command line's flags), `message(naming:)` as the caller says.
public enum NPLMError: Error, CustomStringConvertible, Equatable {
    /// A parameter with a value that cannot be used.
    case invalidArgument(ErrorText)
    /// An input file that cannot be read or holds unusable values; `file` says which (a path, or
    /// a parameter and its path).
    case invalidInput(file: ErrorText, ErrorText)

    /// The message with every parameter named by `name`.
    public func message(naming name: (Parameter) -> String) -> String {
        switch self {
        case .invalidArgument(let message): return message.rendered(naming: name)
        case .invalidInput(let file, let message): return "\(file.rendered(naming: name)): \(message.rendered(naming: name))"
        }
    }

    /// The message with the parameters named as this process names them (`Parameter.naming`).
    public var description: String { message { $0.description } }

    /// The whole message as an error text (for a message that quotes this one).
    public var text: ErrorText {
        switch self {
        case .invalidArgument(let message): return message
        case .invalidInput(let file, let message): return file + ": " + message
        }
    }

    /// The parameters the message names, in order.
    public var parameters: [Parameter] {
        switch self {
        case .invalidArgument(let message): return message.parameters
        case .invalidInput(let file, let message): return file.parameters + message.parameters
        }
    }
}
