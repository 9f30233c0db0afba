/// The text of an error message, in which parameters stay parameters until it is shown: written as
/// a string literal with `\(Parameter.output)` interpolations, rendered by whoever shows it with its
/// own names for them (the library's parameter names, the command line's flags).
public struct ErrorText: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    enum Piece: Sendable, Equatable {
        case text(String)
        case parameter(Parameter)
    }

    private(set) var pieces: [Piece]

    /// Text without parameters (a path, a message from elsewhere), taken as it is.
    public init(verbatim text: String) {
        pieces = text.isEmpty ? [] : [.text(text)]
    }

    public init(stringLiteral value: String) {
        self.init(verbatim: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        pieces = stringInterpolation.pieces
    }

    /// The text with each parameter named by `name`.
    public func rendered(naming name: (Parameter) -> String) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): return text
            case .parameter(let parameter): return name(parameter)
            }
        }.joined()
    }

    /// The text with the parameters named as this process names them (`Parameter.naming`).
    public var description: String { rendered { $0.description } }

    /// The parameters named, in order.
    public var parameters: [Parameter] {
        pieces.compactMap { if case .parameter(let parameter) = $0 { return parameter } else { return nil } }
    }

    public static func + (left: ErrorText, right: ErrorText) -> ErrorText {
        var joined = left
        joined.pieces += right.pieces
        return joined
    }

    /// Builds an `ErrorText` from a string literal: `Parameter` interpolations stay parameters.
    public struct StringInterpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { pieces.append(.text(literal)) }
        }

        /// A parameter, named when the text is rendered.
        public mutating func appendInterpolation(_ parameter: Parameter) {
            pieces.append(.parameter(parameter))
        }

        /// Another error text, its parameters kept.
        public mutating func appendInterpolation(_ text: ErrorText) {
            pieces += text.pieces
        }

        /// nplm's error, its parameters kept.
        public mutating func appendInterpolation(_ error: NPLMError) {
            pieces += error.text.pieces
        }

        /// An error: an `NPLMError` with its parameters kept, any other as it describes itself.
        public mutating func appendInterpolation(_ error: any Error) {
            if let error = error as? NPLMError { pieces += error.text.pieces } else { appendLiteral(String(describing: error)) }
        }

        /// Any other value, as `String(describing:)` shows it.
        public mutating func appendInterpolation<Value>(_ value: Value) {
            appendLiteral(String(describing: value))
        }

        /// A string, as it is.
        public mutating func appendInterpolation(_ value: String) {
            appendLiteral(value)
        }
    }
}

