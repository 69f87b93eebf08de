import MLOpsCore

/// Reads what ``ByteWriter`` wrote, bounds-checked: running off the end or a
/// malformed varint throws `MLOpsError` `corruptData` naming the record.
struct ByteReader {
    let bytes: [UInt8]
    var offset: Int
    let what: String

    init(_ bytes: [UInt8], offset: Int = 0, what: String) {
        self.bytes = bytes
        self.offset = offset
        self.what = what
    }

    var isAtEnd: Bool { offset >= bytes.count }

    func corrupt(_ detail: String, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
        MLOpsError(
            .corruptData, "stored \(what) is damaged: \(detail)", value: "offset \(offset)", fileID: fileID,
            line: line)
    }

    @inline(__always)
    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw corrupt("ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    @inline(__always)
    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw corrupt("ends inside a number") }
            let b = bytes[offset]
            offset += 1
            if shift == 63, b > 1 { throw corrupt("a number overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw corrupt("a number overflows 64 bits") }
        }
    }

    /// A varint that must fit a count or length no larger than the remaining bytes allow.
    @inline(__always)
    mutating func count() throws -> Int {
        let value = try varint()
        guard value <= UInt64(bytes.count) else { throw corrupt("a count of \(value) exceeds the record") }
        return Int(value)
    }

    @inline(__always)
    mutating func zigzag() throws -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    @inline(__always)
    mutating func uint64() throws -> UInt64 {
        guard offset + 8 <= bytes.count else { throw corrupt("ends inside a number") }
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        offset += 8
        return UInt64(littleEndian: value)
    }

    @inline(__always)
    mutating func int64() throws -> Int64 { Int64(bitPattern: try uint64()) }

    @inline(__always)
    mutating func double() throws -> Double { Double(bitPattern: try uint64()) }

    /// The byte range of the next string, without decoding it.
    @inline(__always)
    mutating func stringRange() throws -> Range<Int> {
        let length = try count()
        guard offset + length <= bytes.count else { throw corrupt("ends inside a string") }
        defer { offset += length }
        return offset..<(offset + length)
    }

    mutating func string() throws -> String {
        let range = try stringRange()
        return bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self)
        }
    }

    mutating func optionalString() throws -> String? {
        try byte() == 0 ? nil : try string()
    }
}

extension Array where Element == UInt8 {
    /// Decodes the bytes in `range` as UTF-8.
    @inline(__always)
    func string(_ range: Range<Int>) -> String {
        withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }
}
