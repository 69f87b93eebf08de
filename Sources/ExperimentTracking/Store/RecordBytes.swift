import MLOpsCore

/// The bytes of one stored record, held in a ``RecordChunk`` shared with other records.
///
/// Searches copy every run record they scan into a few large chunks (``RecordArena``)
/// instead of one array per record: one allocation per megabyte instead of two per record,
/// and records that sit next to each other in memory. A value keeps its chunk alive.
struct RecordBytes: Sendable {
    let chunk: RecordChunk
    let start: Int
    let count: Int

    /// Copies `bytes` into a chunk of their own (for records read one at a time).
    init(copying bytes: [UInt8]) {
        var arena = RecordArena(chunkSize: Swift.max(1, bytes.count))
        self = bytes.withUnsafeBytes { arena.append($0) }
    }

    init(chunk: RecordChunk, start: Int, count: Int) {
        self.chunk = chunk
        self.start = start
        self.count = count
    }

    /// Calls `body` with the record's bytes (indices from 0).
    @inline(__always)
    func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try withExtendedLifetime(chunk) {
            try body(UnsafeBufferPointer(start: chunk.base + start, count: count))
        }
    }

    /// Decodes the bytes in `range` as UTF-8.
    func string(_ range: Range<Int>) -> String {
        withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// Whether the bytes at `range` sort before the bytes at `otherRange` of `other`
    /// (unsigned, lexicographic, shorter first on a tie).
    func precedes(_ range: Range<Int>, _ other: RecordBytes, _ otherRange: Range<Int>) -> Bool {
        withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                let common = Swift.min(range.count, otherRange.count)
                if common > 0, let x = a.baseAddress, let y = b.baseAddress {
                    let result = Platform.compareBytes(x + range.lowerBound, y + otherRange.lowerBound, count: common)
                    if result != 0 { return result < 0 }
                }
                return range.count < otherRange.count
            }
        }
    }
}

/// A block of memory that record bytes are appended to by a ``RecordArena`` and then only
/// read: `@unchecked Sendable` because the bytes a ``RecordBytes`` refers to never change
/// after the arena wrote them, and the arena itself is never shared.
final class RecordChunk: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    /// Bytes written so far; changed only by the ``RecordArena`` that owns the chunk.
    var used = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }
}
