import MLOpsCore

/// Appends the little-endian fields of a canonical binary encoding.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func append(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }
    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
    mutating func append(_ value: UInt8) { bytes.append(value) }
    mutating func append(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func append(_ digest: SHA256Digest) { digest.withUnsafeBytes { bytes.append(contentsOf: $0) } }

    /// A length-prefixed (u32) UTF-8 string.
    mutating func appendString(_ text: String) {
        let utf8 = Array(text.utf8)
        append(UInt32(utf8.count))
        append(utf8)
    }
}

/// Reads the fields of a canonical binary encoding, throwing `corruptData` naming `what` when the
/// bytes end early or hold a bad value.
struct ByteReader {
    let bytes: [UInt8]
    let what: String
    var offset = 0

    init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    var isAtEnd: Bool { offset == bytes.count }
    var remaining: Int { bytes.count - offset }

    func failure(_ problem: String) -> MLOpsError {
        MLOpsError(.corruptData, "\(what) is malformed: \(problem) at byte \(offset)", value: what)
    }

    mutating func expect(_ magic: [UInt8]) throws {
        guard remaining >= magic.count, Array(bytes[offset..<offset + magic.count]) == magic else {
            throw failure("wrong magic header")
        }
        offset += magic.count
    }

    mutating func raw(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw failure("ends early") }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw failure("ends early") }
        defer { offset += size }
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    mutating func u8() throws -> UInt8 { try integer(UInt8.self) }
    mutating func u16() throws -> UInt16 { try integer(UInt16.self) }
    mutating func u32() throws -> UInt32 { try integer(UInt32.self) }
    mutating func u64() throws -> UInt64 { try integer(UInt64.self) }

    mutating func digest() throws -> SHA256Digest {
        guard remaining >= SHA256Digest.byteCount else { throw failure("ends early") }
        defer { offset += SHA256Digest.byteCount }
        return bytes.withUnsafeBytes { SHA256Digest(loading: UnsafeRawBufferPointer(rebasing: $0[offset...])) }
    }

    mutating func string() throws -> String {
        let count = Int(try u32())
        guard count <= remaining else { throw failure("a string runs past the end") }
        guard let text = String(validating: try raw(count), as: UTF8.self) else { throw failure("text is not UTF-8") }
        return text
    }

    func requireEnd() throws {
        guard isAtEnd else { throw failure("\(remaining) bytes of trailing data") }
    }
}
