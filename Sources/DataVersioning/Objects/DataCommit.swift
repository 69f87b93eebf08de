import MLOpsCore

/// A commit: an immutable snapshot of a dataset — its root ``Tree``, its parent commits, who made
/// it, when and why — named by the SHA-256 of its canonical encoding.
///
/// The id (``id``, `sha256:…`) is the stable string a tracked run records as its dataset input.
public struct DataCommit: Sendable, Hashable, Codable {
    static let magic = Array("MLDVCM1\0".utf8)

    /// The id of the root directory tree.
    public var root: ObjectID
    /// The parent commits: none for the first commit of a history, one otherwise (more for merges).
    public var parents: [ObjectID]
    /// Who made the commit.
    public var author: String
    /// Why.
    public var message: String
    /// When, in milliseconds since 1970 (UTC).
    public var timestampMilliseconds: UInt64
    /// Free metadata.
    public var metadata: [String: String]
    /// The total size of the files in the snapshot.
    public var size: UInt64
    /// How many files the snapshot holds.
    public var fileCount: UInt64

    /// A commit value; it is stored by `DataRepository.commit`.
    public init(
        root: ObjectID, parents: [ObjectID], author: String, message: String, timestampMilliseconds: UInt64,
        metadata: [String: String] = [:], size: UInt64, fileCount: UInt64
    ) {
        self.root = root
        self.parents = parents
        self.author = author
        self.message = message
        self.timestampMilliseconds = timestampMilliseconds
        self.metadata = metadata
        self.size = size
        self.fileCount = fileCount
    }

    /// The canonical encoding: fields in a fixed order, metadata sorted by key.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 128 + message.utf8.count)
        writer.append(Self.magic)
        writer.append(root.digest)
        writer.append(UInt32(parents.count))
        for parent in parents { writer.append(parent.digest) }
        writer.appendString(author)
        writer.appendString(message)
        writer.append(timestampMilliseconds)
        writer.append(size)
        writer.append(fileCount)
        let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        writer.append(UInt32(keys.count))
        for key in keys {
            writer.appendString(key)
            writer.appendString(metadata[key] ?? "")
        }
        return writer.bytes
    }

    /// The commit's id: the SHA-256 of ``encoded``.
    public var id: ObjectID { ObjectID.of(encoded) }

    /// Decodes a canonical encoding.
    ///
    /// - Throws: `MLOpsError` `corruptData` if it is malformed.
    public init(decoding bytes: [UInt8]) throws {
        var reader = ByteReader(bytes, what: "commit")
        try reader.expect(Self.magic)
        root = ObjectID(try reader.digest())
        let parentCount = Int(try reader.u32())
        guard parentCount <= reader.remaining / 32 else { throw reader.failure("too many parents") }
        parents = try (0..<parentCount).map { _ in ObjectID(try reader.digest()) }
        author = try reader.string()
        message = try reader.string()
        timestampMilliseconds = try reader.u64()
        size = try reader.u64()
        fileCount = try reader.u64()
        let count = Int(try reader.u32())
        guard count <= reader.remaining / 8 else { throw reader.failure("too many metadata entries") }
        var metadata: [String: String] = [:]
        for _ in 0..<count {
            let key = try reader.string()
            metadata[key] = try reader.string()
        }
        self.metadata = metadata
        try reader.requireEnd()
    }
}
