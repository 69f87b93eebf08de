/// One page of records from a paged read of a ``RecordStore``.
///
/// Read the next page by passing ``next`` as the `after` cursor; it is `nil` on the last page.
/// Paging is by key order, so a record that exists for the whole walk is returned exactly
/// once, even while other writers insert and delete; a record inserted during the walk is
/// returned if it sorts after the cursor.
public struct RecordPage<Record: StoredRecord>: Sendable {
    /// The records of this page, in order.
    public var records: [VersionedRecord<Record>]
    /// Where the next page starts, or `nil` if there are no more records.
    public var next: RecordCursor?

    /// Creates a page.
    public init(records: [VersionedRecord<Record>], next: RecordCursor?) {
        self.records = records
        self.next = next
    }
}

/// An opaque position in a paged read: the last key a page returned.
///
/// A cursor is only meaningful for the read that produced it (same type, same index and
/// value). ``description`` renders it as hex for command lines and URLs, and
/// ``init(hex:)`` reads it back.
public struct RecordCursor: Sendable, Hashable, CustomStringConvertible {
    /// The key the next page starts after.
    public let key: [UInt8]

    /// A cursor positioned after `key`.
    public init(after key: [UInt8]) { self.key = key }

    /// Reads a cursor from the hex text ``description`` wrote; `nil` for anything else.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0, digits.count <= 2 * RecordStore.maxKeyLength else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        key = bytes
    }

    /// The key as lower-case hex.
    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(key.count * 2)
        for byte in key {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
