/// An order-preserving encoding of structured keys into bytes.
///
/// Modules build their ``KeyValueStore`` keys from parts — strings, integers,
/// raw bytes — so that byte order equals the natural order of the parts, part
/// by part, and so that no part can run into the next:
///
/// - a string is its UTF-8 bytes with `0x00` escaped as `0x00 0xFF`, then `0x00`;
/// - an integer is 8 bytes big-endian with the sign bit flipped, so negative
///   numbers sort before positive ones;
/// - a prefix built from the first parts of a key is a byte prefix of it.
///
/// ```swift
/// let key = StorageKey("tracking", "run").appending(runID.description).appending(Int64(step))
/// let everyRun = KeyScan.prefix(StorageKey("tracking", "run").bytes)
/// ```
public struct StorageKey: Sendable, Hashable, CustomStringConvertible {
    /// The encoded key.
    public private(set) var bytes: [UInt8]

    /// An empty key.
    public init() { bytes = [] }

    /// A key made of string parts.
    public init(_ parts: String...) {
        bytes = []
        for part in parts { append(part) }
    }

    /// Appends a string part.
    public mutating func append(_ part: String) {
        for byte in part.utf8 {
            bytes.append(byte)
            if byte == 0 { bytes.append(0xFF) }
        }
        bytes.append(0)
    }

    /// Appends a signed integer part (order-preserving).
    public mutating func append(_ part: Int64) {
        append(UInt64(bitPattern: part) ^ (1 << 63))
    }

    /// Appends an unsigned integer part (order-preserving).
    public mutating func append(_ part: UInt64) {
        withUnsafeBytes(of: part.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends raw bytes as the final part; nothing may follow it unambiguously.
    public mutating func appendRaw(_ part: [UInt8]) { bytes.append(contentsOf: part) }

    /// A copy with a string part appended.
    public func appending(_ part: String) -> StorageKey {
        var copy = self
        copy.append(part)
        return copy
    }

    /// A copy with a signed integer part appended.
    public func appending(_ part: Int64) -> StorageKey {
        var copy = self
        copy.append(part)
        return copy
    }

    /// A copy with an unsigned integer part appended.
    public func appending(_ part: UInt64) -> StorageKey {
        var copy = self
        copy.append(part)
        return copy
    }

    /// Every key that has this key's parts as its first parts.
    public var range: KeyRange { .prefix(bytes) }

    public var description: String { Self.describe(bytes) }

    /// Renders any key for people: printable ASCII as is, every other byte as `\xNN`
    /// (so a part's terminating NUL shows as `\x00`).
    public static func describe(_ key: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(key.count)
        for byte in key {
            if (0x20..<0x7F).contains(byte) && byte != UInt8(ascii: "\\") {
                text.append(byte)
            } else {
                text += [UInt8(ascii: "\\"), UInt8(ascii: "x"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes the string parts of `key` from `offset` to its end, as written by
    /// ``append(_:)-(String)``; `nil` if the bytes there are not a sequence of string parts
    /// (an unterminated part, a bad escape, or invalid UTF-8).
    public static func decodeStringParts(_ key: [UInt8], from offset: Int) -> [String]? {
        guard offset >= 0, offset <= key.count else { return nil }
        var parts: [String] = []
        var current: [UInt8] = []
        var index = offset
        while index < key.count {
            let byte = key[index]
            if byte != 0 {
                current.append(byte)
                index += 1
            } else if index + 1 < key.count, key[index + 1] == 0xFF {
                current.append(0)
                index += 2
            } else {
                guard let part = String(validating: current, as: UTF8.self) else { return nil }
                parts.append(part)
                current.removeAll(keepingCapacity: true)
                index += 1
            }
        }
        return current.isEmpty ? parts : nil
    }

    /// Decodes the big-endian `UInt64` at `offset`, as written by ``append(_:)-(UInt64)``.
    public static func decodeUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64? {
        guard offset >= 0, offset + 8 <= bytes.count else { return nil }
        var value: UInt64 = 0
        for i in 0..<8 { value = value << 8 | UInt64(bytes[offset + i]) }
        return value
    }

    /// Decodes the signed integer at `offset`, as written by ``append(_:)-(Int64)``.
    public static func decodeInt64(_ bytes: [UInt8], at offset: Int) -> Int64? {
        decodeUInt64(bytes, at: offset).map { Int64(bitPattern: $0 ^ (1 << 63)) }
    }
}
