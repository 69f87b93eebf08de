import MLOpsCore

/// Shares the `String`s decoded from a batch of run records: keys and values that repeat
/// from run to run (tag names such as `mlflow.source.git.commit`, the commit itself, param and
/// metric names) are created once and then reused, instead of being validated and allocated
/// again for every run.
///
/// Only strings longer than 15 UTF-8 bytes are kept — shorter ones live inside the `String`
/// value and cost no allocation — and the table stops growing at ``capacity`` / 2 entries, so
/// strings that never repeat cost one failed lookup each. Not shared between tasks.
struct StringTable {
    /// Slots in the open-addressing table (a power of two).
    static let capacity = 1024
    /// The shortest string worth sharing: shorter ones are stored inline in a `String`.
    static let minimumLength = 16

    // Allocated on the first string worth sharing.
    private var hashes: [UInt64] = []
    private var strings: [String?] = []
    private var count = 0

    /// An empty table; it allocates nothing until a string worth sharing comes along.
    init() {}

    /// The string for the UTF-8 bytes in `bytes`, shared with earlier calls for the same bytes.
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count >= Self.minimumLength else { return String(decoding: bytes, as: UTF8.self) }
        if hashes.isEmpty {
            hashes = [UInt64](repeating: 0, count: Self.capacity)
            strings = [String?](repeating: nil, count: Self.capacity)
        }
        let hash = Self.hash(UnsafeRawBufferPointer(bytes))
        var slot = Int(truncatingIfNeeded: hash >> 40) & (Self.capacity - 1)
        while hashes[slot] != 0 {
            if hashes[slot] == hash, var existing = strings[slot] {
                let equal = existing.withUTF8 { stored -> Bool in
                    guard stored.count == bytes.count, let a = stored.baseAddress, let b = bytes.baseAddress else {
                        return false
                    }
                    return Platform.compareBytes(a, b, count: bytes.count) == 0
                }
                if equal { return existing }
            }
            slot = (slot + 1) & (Self.capacity - 1)
        }
        let string = String(decoding: bytes, as: UTF8.self)
        if count < Self.capacity / 2 {
            hashes[slot] = hash
            strings[slot] = string
            count += 1
        }
        return string
    }

    /// A hash of `bytes` (at least ``minimumLength`` long), eight bytes at a time; never 0, which
    /// marks an empty slot.
    @inline(__always)
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
            offset += 8
        }
        // The last eight bytes (overlapping what was read; there are at least 16).
        hash = (hash ^ bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 32
        return hash | 1
    }
}
