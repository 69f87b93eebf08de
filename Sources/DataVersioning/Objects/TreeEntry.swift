/// One named entry of a directory ``Tree``: a file or a subdirectory.
public struct TreeEntry: Sendable, Hashable, Codable {
    /// What an entry holds.
    public enum Kind: UInt8, Sendable, Hashable, Codable {
        /// A file stored as one chunk; its ``TreeEntry/id`` is the SHA-256 of the file.
        case file = 1
        /// A file stored as several chunks; its id names a ``ChunkList``.
        case chunkedFile = 2
        /// A directory; its id names a ``Tree``.
        case directory = 3
    }

    /// The entry's name within its directory: one path component.
    public var name: String
    /// The kind of object ``id`` names.
    public var kind: Kind
    /// Whether the file was executable (ignored for directories).
    public var isExecutable: Bool
    /// The file's size in bytes; for a directory, the total size of the files beneath it.
    public var size: UInt64
    /// The id of the file's chunk, its chunk list, or the directory's tree.
    public var id: ObjectID

    /// An entry; `name` is checked when the tree is built (``Tree/init(entries:)``).
    public init(name: String, kind: Kind, isExecutable: Bool = false, size: UInt64, id: ObjectID) {
        self.name = name
        self.kind = kind
        self.isExecutable = isExecutable
        self.size = size
        self.id = id
    }

    /// Whether the entry is a file of either kind.
    public var isFile: Bool { kind != .directory }
}
