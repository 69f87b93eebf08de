import MLOpsCore

/// Reads what ``ProfileBinaryWriter`` wrote, checking every length against the bytes left; malformed
/// input throws `MLOpsError.corruptData`, never traps.
struct ProfileBinaryReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    func corrupt(_ message: String) -> MLOpsError {
        MLOpsError(.corruptData, "malformed profile at byte \(offset): \(message)", value: String(offset))
    }

    private mutating func take(_ width: Int) throws -> UInt64 {
        guard remaining >= width else { throw corrupt("truncated: \(width) more bytes needed, \(remaining) left") }
        var value: UInt64 = 0
        for index in 0..<width { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        offset += width
        return value
    }

    mutating func u8() throws -> UInt8 { UInt8(truncatingIfNeeded: try take(1)) }
    mutating func u16() throws -> UInt16 { UInt16(truncatingIfNeeded: try take(2)) }
    mutating func u32() throws -> UInt32 { UInt32(truncatingIfNeeded: try take(4)) }
    mutating func u64() throws -> UInt64 { try take(8) }
    mutating func f64() throws -> Double { Double(bitPattern: try take(8)) }

    /// A count that must fit in `0...limit`.
    mutating func count(limit: Int = Int(Int32.max) << 16, _ what: String) throws -> Int {
        let value = try u64()
        guard value <= UInt64(limit) else { throw corrupt("\(what) \(value) is out of range") }
        return Int(value)
    }

    /// A length prefix of items of `width` bytes each, checked against the bytes left.
    mutating func length(width: Int, _ what: String) throws -> Int {
        let value = Int(try u32())
        guard value <= remaining / Swift.max(width, 1) else {
            throw corrupt("\(what) claims \(value) items but only \(remaining) bytes are left")
        }
        return value
    }

    mutating func string(_ what: String) throws -> String {
        let length = try length(width: 1, what)
        let slice = bytes[offset..<(offset + length)]
        guard let text = String(validating: slice, as: UTF8.self) else { throw corrupt("\(what) is not UTF-8") }
        offset += length
        return text
    }

    mutating func rawBytes(_ count: Int, _ what: String) throws -> [UInt8] {
        guard count <= remaining else { throw corrupt("truncated \(what)") }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func doubles(_ what: String) throws -> [Double] {
        let count = try length(width: 8, what)
        var values: [Double] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try f64()) }
        return values
    }
}
