/// A half-open range of byte keys: `lowerBound <= key < upperBound`.
///
/// A `nil` upper bound means "to the end of the key space". Keys compare as
/// unsigned bytes, lexicographically (see ``KeyValueStore``).
public struct KeyRange: Sendable, Hashable {
    /// The smallest key included.
    public var lowerBound: [UInt8]
    /// The first key not included, or `nil` for no upper limit.
    public var upperBound: [UInt8]?

    /// Creates the range `lowerBound ..< upperBound` (unbounded above if `nil`).
    public init(from lowerBound: [UInt8], to upperBound: [UInt8]?) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    /// Every key that starts with `prefix`.
    public static func prefix(_ prefix: [UInt8]) -> KeyRange {
        KeyRange(from: prefix, to: prefixSuccessor(prefix))
    }

    /// Every key in the store.
    public static var all: KeyRange { KeyRange(from: [], to: nil) }

    /// Whether `key` lies in the range.
    public func contains(_ key: [UInt8]) -> Bool {
        if KeyRange.compare(key, lowerBound) < 0 { return false }
        if let upperBound, KeyRange.compare(key, upperBound) >= 0 { return false }
        return true
    }

    /// The same range with its lower bound moved just past `key` — the next
    /// page of an ascending scan whose last key was `key`.
    public func after(_ key: [UInt8]) -> KeyRange {
        KeyRange(from: key + [0], to: upperBound)
    }

    /// The same range with its upper bound moved to `key` — the next page of
    /// a descending scan whose last key was `key`.
    public func before(_ key: [UInt8]) -> KeyRange {
        KeyRange(from: lowerBound, to: key)
    }

    /// The smallest key greater than every key with this prefix, or `nil` if
    /// there is none (the prefix is empty or all `0xFF`).
    public static func prefixSuccessor(_ prefix: [UInt8]) -> [UInt8]? {
        var bytes = prefix
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return nil
    }

    /// Unsigned lexicographic comparison: negative, zero or positive as
    /// `a` sorts before, equal to or after `b`.
    public static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let n = Swift.min(a.count, b.count)
        var i = 0
        while i < n {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}

/// What to read in a ``KeyValueStore/scan(_:)``: a range, an order and a limit.
public struct KeyScan: Sendable, Hashable {
    /// The direction of a scan.
    public enum Order: Sendable, Hashable {
        /// Smallest key first.
        case ascending
        /// Largest key first.
        case descending
    }

    /// The keys to read.
    public var range: KeyRange
    /// The order to return them in.
    public var order: Order
    /// The most entries to return, or `nil` for all of them.
    public var limit: Int?

    /// Creates a scan request. A `limit` below 1 is treated as "none returned".
    public init(range: KeyRange, order: Order = .ascending, limit: Int? = nil) {
        self.range = range
        self.order = order
        self.limit = limit
    }

    /// Every key with a prefix, in the given order, up to `limit` entries.
    public static func prefix(
        _ prefix: [UInt8],
        order: Order = .ascending,
        limit: Int? = nil
    ) -> KeyScan {
        KeyScan(range: .prefix(prefix), order: order, limit: limit)
    }
}
