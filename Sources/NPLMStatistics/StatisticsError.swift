/// An argument a statistics routine cannot use (too few null toys, NaN values), with a message
/// that says what is wrong. The statistics layer depends on nothing else of nplm, so it has its
/// own error type; callers and the command line print its `description` like `NPLMError`'s.
public struct StatisticsError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
