import MLOpsCore

/// A non-owning, non-throwing reader over bytes for the hot paths of search:
/// no reference counting and no per-byte bounds traps. Every read checks the
/// remaining length and sets ``failed`` (returning a neutral value) instead of
/// trapping, so damaged bytes are detected by checking ``failed`` once.
struct RawCursor {
    let base: UnsafeBufferPointer<UInt8>
    var offset: Int
    private(set) var failed = false

    init(_ base: UnsafeBufferPointer<UInt8>, offset: Int = 0) {
        self.base = base
        self.offset = offset
        if offset < 0 || offset > base.count { failed = true }
    }

    @inline(__always)
    mutating func byte() -> UInt8 {
        guard !failed, offset < base.count else {
            failed = true
            return 0
        }
        defer { offset += 1 }
        return base[offset]
    }

    @inline(__always)
    mutating func varint() -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while !failed {
            guard offset < base.count, shift <= 63 else {
                failed = true
                return 0
            }
            let b = base[offset]
            offset += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
        return 0
    }

    /// A length or count that must fit in the remaining bytes.
    @inline(__always)
    mutating func length() -> Int {
        let value = varint()
        guard !failed, value <= UInt64(base.count - offset) else {
            failed = true
            return 0
        }
        return Int(value)
    }

    /// A count of entries (each at least one byte long).
    @inline(__always)
    mutating func count() -> Int { length() }

    @inline(__always)
    mutating func uint64() -> UInt64 {
        guard !failed, base.count - offset >= 8 else {
            failed = true
            return 0
        }
        let value = UnsafeRawBufferPointer(base).loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: value)
    }

    @inline(__always)
    mutating func uint32() -> UInt32 {
        guard !failed, base.count - offset >= 4 else {
            failed = true
            return 0
        }
        let value = UnsafeRawBufferPointer(base).loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return UInt32(littleEndian: value)
    }

    @inline(__always)
    mutating func int64() -> Int64 { Int64(bitPattern: uint64()) }

    @inline(__always)
    mutating func double() -> Double { Double(bitPattern: uint64()) }

    /// The range of the next string, without decoding it.
    @inline(__always)
    mutating func stringRange() -> Range<Int> {
        let length = length()
        let start = offset
        offset += length
        return start..<(start + length)
    }

    @inline(__always)
    mutating func string() -> String {
        let range = stringRange()
        if failed { return "" }
        return String(decoding: UnsafeBufferPointer(rebasing: base[range]), as: UTF8.self)
    }

    mutating func optionalString() -> String? {
        byte() == 0 ? nil : string()
    }

    /// The next string, shared through `table` (see ``StringTable``).
    @inline(__always)
    mutating func string(_ table: inout StringTable) -> String {
        let range = stringRange()
        if failed { return "" }
        return table.string(UnsafeBufferPointer(rebasing: base[range]))
    }

    mutating func optionalString(_ table: inout StringTable) -> String? {
        byte() == 0 ? nil : string(&table)
    }

    /// Whether the bytes in `range` (within the buffer) equal `utf8`.
    @inline(__always)
    func equals(_ range: Range<Int>, _ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == utf8.count else { return false }
        guard !utf8.isEmpty, let a = base.baseAddress, let b = utf8.baseAddress else { return true }
        return Platform.compareBytes(a + range.lowerBound, b, count: utf8.count) == 0
    }
}

extension RawCursor {
    /// The range of the value stored under `key` in the key/value section at `offset`
    /// (count, then key and value strings), or `nil` if absent or malformed.
    static func valueRange(
        of key: UnsafeBufferPointer<UInt8>, inSectionAt offset: Int, _ buffer: UnsafeBufferPointer<UInt8>
    ) -> Range<Int>? {
        var cursor = RawCursor(buffer, offset: offset)
        let count = cursor.count()
        for _ in 0..<count {
            let keyRange = cursor.stringRange()
            let valueRange = cursor.stringRange()
            if cursor.failed { return nil }
            if cursor.equals(keyRange, key) { return valueRange }
        }
        return nil
    }

    /// The latest value of metric `key` in the metrics section at `offset` (count, then
    /// per metric its key and 24 bytes of value, step and timestamp), or `nil`.
    static func latestMetric(
        _ key: UnsafeBufferPointer<UInt8>, inSectionAt offset: Int, _ buffer: UnsafeBufferPointer<UInt8>
    ) -> Double? {
        var cursor = RawCursor(buffer, offset: offset)
        let count = cursor.count()
        for _ in 0..<count {
            let range = cursor.stringRange()
            if cursor.failed { return nil }
            if cursor.equals(range, key) {
                let value = cursor.double()
                return cursor.failed ? nil : value
            }
            cursor.offset += 24
        }
        return nil
    }
}

extension RawCursor {
    /// Reads a metrics section (count, then key, value, step, timestamp per metric).
    /// Check ``failed`` afterwards: a damaged section leaves it set.
    mutating func metricsSection() -> [String: Metric] {
        var table = StringTable()
        return metricsSection(&table)
    }

    /// Reads a metrics section, sharing the keys through `table`.
    mutating func metricsSection(_ table: inout StringTable) -> [String: Metric] {
        let count = self.count()
        var metrics = [String: Metric](minimumCapacity: count)
        for _ in 0..<count {
            let key = string(&table)
            let value = double()
            let step = int64()
            let timestamp = int64()
            if failed { break }
            metrics[key] = Metric(key: key, value: value, step: step, timestamp: timestamp)
        }
        return metrics
    }
}
