import NPLMCore

/// A deterministic subset of a campaign's toys: shard i of n holds the toys whose index is
/// ≡ i (mod n), i = 0 … n − 1 (round robin, so every shard gets a fair share of slow and fast toys
/// and a campaign extended with more toys stays split the same way). Shard 0/1 is the whole campaign.
public struct Shard: Hashable, Codable, Sendable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public static let whole = Shard(uncheckedIndex: 0, count: 1)

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 0, index < count else {
            throw NPLMError.invalidArgument("\(Parameter.shard) \(index)/\(count): needs 0 <= i < n (shards are numbered from 0)")
        }
        self.init(uncheckedIndex: index, count: count)
    }

    /// Parses "i/n".
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw NPLMError.invalidArgument("\(Parameter.shard) '\(text)': expected i/n such as 0/4 (shard i of n, numbered from 0)")
        }
        try self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    public func contains(toy: Int) -> Bool { toy % count == index }

    /// How many of toys 0 ..< total this shard holds (without listing them).
    public func count(total: Int) -> Int { total > index ? (total - index - 1) / count + 1 : 0 }

    /// The toys of this shard among toys 0 ..< total, in increasing order.
    public func toys(total: Int) -> [Int] { Array(stride(from: index, to: total, by: count)) }
}
