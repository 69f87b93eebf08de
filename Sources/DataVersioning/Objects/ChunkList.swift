import MLOpsCore

/// The chunks of a file stored in more than one chunk, in order, with a canonical binary encoding
/// whose SHA-256 is the file's id.
public struct ChunkList: Sendable, Hashable {
    /// One chunk: its id and length.
    public struct Chunk: Sendable, Hashable {
        /// The SHA-256 of the chunk's bytes.
        public var id: ObjectID
        /// The chunk's length in bytes.
        public var length: UInt32

        /// A chunk reference.
        public init(id: ObjectID, length: UInt32) {
            self.id = id
            self.length = length
        }
    }

    static let magic = Array("MLDVCL1\0".utf8)

    /// The chunks in file order.
    public let chunks: [Chunk]

    /// The file's size: the sum of the chunk lengths.
    public let size: UInt64

    /// The list of `chunks`.
    public init(chunks: [Chunk]) {
        self.chunks = chunks
        size = chunks.reduce(0) { $0 + UInt64($1.length) }
    }

    /// The canonical encoding.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 20 + chunks.count * 36)
        writer.append(Self.magic)
        writer.append(size)
        writer.append(UInt32(chunks.count))
        for chunk in chunks {
            writer.append(chunk.id.digest)
            writer.append(chunk.length)
        }
        return writer.bytes
    }

    /// The file's id: the SHA-256 of ``encoded``.
    public var id: ObjectID { ObjectID.of(encoded) }

    /// Decodes a canonical encoding.
    ///
    /// - Throws: `MLOpsError` `corruptData` if it is malformed or its size disagrees with its chunks.
    public init(decoding bytes: [UInt8]) throws {
        var reader = ByteReader(bytes, what: "chunk list")
        try reader.expect(Self.magic)
        let size = try reader.u64()
        let count = Int(try reader.u32())
        guard count <= reader.remaining / 36 else { throw reader.failure("chunk count \(count) is too large") }
        var chunks: [Chunk] = []
        chunks.reserveCapacity(count)
        for _ in 0..<count { chunks.append(Chunk(id: ObjectID(try reader.digest()), length: try reader.u32())) }
        try reader.requireEnd()
        self.init(chunks: chunks)
        guard self.size == size else { throw reader.failure("its size \(size) is not the sum of its chunks") }
    }
}
