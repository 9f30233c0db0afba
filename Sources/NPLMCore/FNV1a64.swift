/// The 64-bit FNV-1a hash: h ← (h ⊕ byte) · 1099511628211, starting from 14695981039346656037.
public enum FNV1a64 {
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let value = String(hash(bytes), radix: 16)
        return String(repeating: "0", count: 16 - value.count) + value
    }
}
