/// A 128-bit identifier that sorts by creation time (ULID layout).
///
/// The top 48 bits are a Unix timestamp in milliseconds, the low 80 bits are
/// random. The text form is 26 upper-case Crockford base-32 characters
/// (`0-9 A-Z` without `I L O U`), e.g. `01ARZ3NDEKTSV4RRFFQ69G5FAV`, and sorts
/// the same way as the values themselves — so IDs make good key parts in a
/// ``KeyValueStore``: newer records come later in a scan.
///
/// ```swift
/// let runID = SortableID()                    // now, from the process-wide generator
/// let text = runID.description                // 26 characters
/// let same = try SortableID(parsing: text)    // == runID
/// ```
///
/// IDs created with ``init()`` in one process are strictly increasing in
/// creation order, from any number of threads: within one millisecond the
/// random part is incremented instead of redrawn (see ``SortableIDGenerator``).
/// IDs from different processes or machines are unique with overwhelming
/// probability but are ordered only by their millisecond.
public struct SortableID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The largest timestamp an ID can hold: 2⁴⁸ − 1 ms after 1970 (the year 10889).
    public static let maxTimestamp: UInt64 = (1 << 48) - 1

    /// The largest random part an ID can hold: 2⁸⁰ − 1.
    public static let maxRandomness: UInt128 = (1 << 80) - 1

    /// The number of characters in the text form (26).
    public static let textLength = 26

    /// The 128-bit value: timestamp in the top 48 bits, randomness in the low 80.
    public let rawValue: UInt128

    /// Creates an ID for the current time from the process-wide ``SortableIDGenerator/shared``.
    ///
    /// Successive calls return strictly increasing IDs, also across threads.
    public init() {
        self = SortableIDGenerator.shared.next()
    }

    /// Creates an ID from its two parts, e.g. for tests or to rebuild a stored ID.
    ///
    /// - Parameters:
    ///   - timestamp: Milliseconds since 1970-01-01 UTC; at most ``maxTimestamp``.
    ///   - randomness: The random part; at most ``maxRandomness`` (80 bits).
    /// - Throws: ``MLOpsError`` with code ``MLOpsError/Code/invalidArgument`` when a
    ///   part does not fit its bits.
    public init(timestamp: UInt64, randomness: UInt128) throws {
        guard timestamp <= Self.maxTimestamp else {
            throw MLOpsError(
                .invalidArgument,
                "a SortableID timestamp must fit in 48 bits (at most \(Self.maxTimestamp) ms)",
                value: String(timestamp)
            )
        }
        guard randomness <= Self.maxRandomness else {
            throw MLOpsError(
                .invalidArgument,
                "a SortableID randomness must fit in 80 bits",
                value: String(randomness)
            )
        }
        self.init(uncheckedTimestamp: timestamp, randomness: randomness)
    }

    /// Creates an ID from parts already known to fit.
    init(uncheckedTimestamp timestamp: UInt64, randomness: UInt128) {
        rawValue = UInt128(timestamp) << 80 | randomness
    }

    /// Creates an ID from its 128-bit value (timestamp in the top 48 bits).
    public init(rawValue: UInt128) {
        self.rawValue = rawValue
    }

    /// Parses the 26-character text form; letters may be upper- or lower-case.
    ///
    /// - Throws: ``MLOpsError`` with code ``MLOpsError/Code/invalidArgument``
    ///   naming the text when it is not 26 characters long, contains a
    ///   character outside Crockford's base-32 alphabet (`I`, `L`, `O`, `U`
    ///   are rejected, not mapped), or starts with a character above `7`
    ///   (the value would exceed 128 bits).
    public init(parsing text: some StringProtocol) throws {
        var value: UInt128 = 0
        var count = 0
        for unit in text.utf8 {
            count += 1
            guard count <= Self.textLength else { break }
            let digit = Self.decodingTable[Int(unit)]
            guard digit < 32 else {
                throw MLOpsError(
                    .invalidArgument,
                    "a SortableID may only contain Crockford base-32 digits (0-9, A-Z without I, L, O, U); "
                        + "character \(count) is not one",
                    value: String(text)
                )
            }
            if count == 1, digit > 7 {
                throw MLOpsError(
                    .invalidArgument,
                    "a SortableID must start with 0-7; a larger first character overflows 128 bits",
                    value: String(text)
                )
            }
            value = value << 5 | UInt128(digit)
        }
        guard count == Self.textLength else {
            throw MLOpsError(
                .invalidArgument,
                "a SortableID is exactly \(Self.textLength) characters long",
                value: String(text)
            )
        }
        rawValue = value
    }

    /// Parses the text form; returns `nil` where ``init(parsing:)`` would throw.
    public init?(_ description: String) {
        guard let id = try? SortableID(parsing: description) else { return nil }
        self = id
    }

    /// Milliseconds since 1970-01-01 UTC at which the ID was created.
    public var timestampMilliseconds: UInt64 {
        UInt64(truncatingIfNeeded: rawValue >> 80)
    }

    /// The 80-bit random (or, within a millisecond, incremented) part.
    public var randomness: UInt128 {
        rawValue & Self.maxRandomness
    }

    /// The 26-character upper-case Crockford base-32 text form.
    public var description: String {
        let value = rawValue
        return String(unsafeUninitializedCapacity: Self.textLength) { output in
            let alphabet: StaticString = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
            alphabet.withUTF8Buffer { alphabet in
                for index in 0..<Self.textLength {
                    let shift = 5 * (Self.textLength - 1 - index)
                    output[index] = alphabet[Int(truncatingIfNeeded: value >> shift) & 31]
                }
            }
            return Self.textLength
        }
    }

    /// Orders IDs by timestamp, then by randomness — the order of their text forms.
    public static func < (lhs: SortableID, rhs: SortableID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// Decodes an ID from its 26-character text form.
    ///
    /// - Throws: The ``MLOpsError`` of ``init(parsing:)`` for malformed text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(parsing: container.decode(String.self))
    }

    /// Encodes the ID as its 26-character text form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // Maps an ASCII byte to its Crockford digit value, or 0xFF when it is not a digit.
    private static let decodingTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, unit) in "0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8.enumerated() {
            table[Int(unit)] = UInt8(value)
            if unit >= UInt8(ascii: "A") {
                table[Int(unit | 0x20)] = UInt8(value)  // lower-case
            }
        }
        return table
    }()
}
