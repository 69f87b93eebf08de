/// Where a chunk's bytes are: a range of one pack.
struct ChunkLocation: Sendable, Hashable {
    /// The pack's name (a `SortableID`, so it also tells when the pack was written).
    var pack: String
    var offset: UInt64
    var length: UInt32
}
