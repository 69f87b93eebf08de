/// What ``DataRepository/collectGarbage(dryRun:gracePeriodMilliseconds:now:)`` deleted — or, in a
/// dry run, would delete — and what it kept.
///
/// Byte counts of packs are by their indexes (the bytes of the chunks they list); of packs without
/// an index, their stored size.
public struct GarbageCollectionReport: Sendable, Hashable, Codable {
    /// A pack deleted whole.
    public struct PackRemoval: Sendable, Hashable, Codable {
        /// Why a pack goes.
        public enum Reason: String, Sendable, Hashable, Codable {
            /// No chunk in it is needed.
            case unreferenced
            /// It has no index: an interrupted write, older than the grace period.
            case unindexed
            /// Only its index remained (the pack is gone): the index is deleted.
            case indexWithoutPack
        }

        /// The pack's name (a `SortableID`).
        public var name: String
        /// Why it goes.
        public var reason: Reason
        /// The chunks its index lists (`0` for a pack without an index).
        public var chunks: Int
        /// Its bytes: by its index, or its stored size without one (`0` for an index whose pack
        /// is gone).
        public var bytes: UInt64
    }

    /// A pack rewritten without its dead chunks.
    public struct Repack: Sendable, Hashable, Codable {
        /// The old pack.
        public var name: String
        /// The pack holding its live chunks now (`nil` in a dry run).
        public var newName: String?
        /// Chunks dropped.
        public var droppedChunks: Int
        /// Bytes dropped.
        public var droppedBytes: UInt64
        /// Chunks copied to the new pack.
        public var keptChunks: Int
        /// Bytes copied to the new pack.
        public var keptBytes: UInt64
    }

    /// Whether this was a dry run (nothing was changed).
    public var dryRun: Bool
    /// The time the collection judged ages and retention windows by (milliseconds since 1970).
    public var nowMilliseconds: UInt64
    /// The grace period it used.
    public var gracePeriodMilliseconds: UInt64

    /// Commits deleted (unreachable, or outside their ref's retention, and older than the grace
    /// period).
    public var commits: [ObjectID] = []
    /// Directory trees deleted.
    public var trees: [ObjectID] = []
    /// Chunk lists deleted.
    public var chunkLists: [ObjectID] = []
    /// The canonical bytes of the deleted records.
    public var recordBytes: UInt64 = 0
    /// Deleted commits that a kept commit names as its parent, marked as pruned history.
    public var prunedCommits = 0

    /// Packs deleted whole.
    public var packs: [PackRemoval] = []
    /// Packs rewritten without their dead chunks (at least ``DataRepository/repackThreshold`` of
    /// their bytes dead).
    public var repacks: [Repack] = []
    /// Chunks deleted, in deleted and repacked packs.
    public var chunksDeleted = 0
    /// Pack bytes freed: deleted packs and the dropped parts of repacked ones.
    public var packBytesFreed: UInt64 = 0
    /// Stat-cache blobs deleted (every one, whenever anything is deleted: an entry could name a
    /// deleted chunk).
    public var statCachesDeleted = 0

    /// Commits kept because a ref or the staging area reaches them.
    public var liveCommits = 0
    /// Directory trees kept because a ref or the staging area reaches them.
    public var liveTrees = 0
    /// Chunk lists kept because a ref or the staging area reaches them.
    public var liveChunkLists = 0
    /// Distinct chunks a ref or the staging area needs.
    public var liveChunks = 0
    /// Unreachable commits, trees and chunk lists kept only because they are younger than the
    /// grace period.
    public var protectedRecords = 0
    /// Packs (with or without an index) left untouched because they are younger than the grace
    /// period.
    public var protectedPacks = 0
    /// Packs and dead chunks left alone for a reason worth knowing (a damaged index, a live chunk
    /// whose bytes did not match while repacking), one sentence each. `verify` tells more.
    public var skipped: [String] = []

    /// Pack bytes and record bytes freed.
    public var bytesFreed: UInt64 { packBytesFreed + recordBytes }

    /// An empty report.
    public init(dryRun: Bool, nowMilliseconds: UInt64, gracePeriodMilliseconds: UInt64) {
        self.dryRun = dryRun
        self.nowMilliseconds = nowMilliseconds
        self.gracePeriodMilliseconds = gracePeriodMilliseconds
    }
}
