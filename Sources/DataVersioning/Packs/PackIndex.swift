import MLOpsCore

/// The table of contents of one pack: where each chunk sits. Stored beside the pack as
/// `<name>.idx` once the pack itself is durable, so an index's presence means its pack is complete.
///
/// Encoding: magic `MLDVIDX1`, u32 count, per chunk (32-byte digest, u64 offset, u32 length),
/// then the SHA-256 of everything before it.
struct PackIndex: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        var digest: SHA256Digest
        var offset: UInt64
        var length: UInt32
    }

    static let magic = Array("MLDVIDX1".utf8)

    var entries: [Entry]

    init(entries: [Entry]) { self.entries = entries }

    /// The number of bytes the pack holds according to the index.
    var packSize: UInt64 { entries.reduce(0) { Swift.max($0, $1.offset + UInt64($1.length)) } }

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 44 + entries.count * 44)
        writer.append(Self.magic)
        writer.append(UInt32(entries.count))
        for entry in entries {
            writer.append(entry.digest)
            writer.append(entry.offset)
            writer.append(entry.length)
        }
        writer.append(SHA256.hash(writer.bytes))
        return writer.bytes
    }

    /// Decodes and checks an index read from `name`.
    init(decoding bytes: [UInt8], name: String) throws {
        var reader = ByteReader(bytes, what: "pack index \(name)")
        guard bytes.count >= Self.magic.count + 4 + SHA256Digest.byteCount else { throw reader.failure("too short") }
        let body = Array(bytes.dropLast(SHA256Digest.byteCount))
        guard SHA256Digest(bytes: bytes.suffix(SHA256Digest.byteCount)) == SHA256.hash(body) else {
            throw reader.failure("its checksum does not match")
        }
        reader = ByteReader(body, what: "pack index \(name)")
        try reader.expect(Self.magic)
        let count = Int(try reader.u32())
        guard count == reader.remaining / 44, reader.remaining % 44 == 0 else {
            throw reader.failure("entry count \(count) does not match its length")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            entries.append(Entry(digest: try reader.digest(), offset: try reader.u64(), length: try reader.u32()))
        }
        self.entries = entries
    }
}
