/// What ``DataRepository/push(to:refs:force:progress:)`` or
/// ``DataRepository/pull(from:refs:force:progress:)`` copied.
///
/// Only what the destination lacked is copied. "Skipped" counts what was looked at and found
/// there already; below an object the destination has, nothing is looked at (its presence
/// implies everything it refers to is present).
public struct TransferReport: Sendable, Hashable, Codable {
    /// One ref the transfer moved or created at the destination.
    public struct RefUpdate: Sendable, Hashable, Codable {
        /// The branch or tag name.
        public var name: String
        /// Branch or tag.
        public var kind: DataRef.Kind
        /// The commit it named before, `nil` if it did not exist.
        public var old: ObjectID?
        /// The commit it names now.
        public var new: ObjectID
        /// Whether the update was forced (not a fast-forward from ``TransferReport/RefUpdate/old``).
        public var forced: Bool
    }

    /// Commits, trees and chunk lists copied.
    public var objectsCopied = 0
    /// Their canonical bytes.
    public var objectBytes: UInt64 = 0
    /// Commits, trees and chunk lists the destination already had.
    public var objectsSkipped = 0
    /// Chunks copied (each verified against its id on the way).
    public var chunksCopied = 0
    /// Their bytes.
    public var chunkBytes: UInt64 = 0
    /// Chunks needed by the copied objects that the destination already had.
    public var chunksSkipped = 0
    /// New packs written at the destination.
    public var packsWritten = 0
    /// The refs moved or created, branches first, each by name.
    public var refsUpdated: [RefUpdate] = []

    /// Every byte copied: chunk bytes and object bytes (pack indexes and ref blobs not counted).
    public var bytes: UInt64 { objectBytes + chunkBytes }

    /// Whether nothing was copied and no ref changed.
    public var isEmpty: Bool { objectsCopied == 0 && chunksCopied == 0 && refsUpdated.isEmpty }
}
