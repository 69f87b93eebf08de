#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MLOpsCore

// The records a data repository keeps in its `data` namespace. Trees, chunk lists and commits are
// stored by the hex digest of their canonical bytes, which they carry (base64 in the record's JSON),
// with the time they were first stored (`nil` in records written before it was kept: taken as old),
// which garbage collection's grace period reads.

/// A record holding one stored object's canonical bytes under their hex digest.
protocol ObjectRecord: StoredRecord {
    var id: String { get }
    var bytes: Data { get }
    var createdMilliseconds: UInt64? { get }
}

extension RecordStore {
    /// Calls `body` with every record of `type`, in ID order, a page of 1,000 at a time.
    func forEachRecord<Record: StoredRecord>(
        _ type: Record.Type, _ body: (VersionedRecord<Record>) throws -> Void
    ) async throws {
        var cursor: RecordCursor?
        repeat {
            let page = try await list(type, after: cursor, limit: 1_000)
            for record in page.records { try body(record) }
            cursor = page.next
        } while cursor != nil
    }
}

/// A directory tree's canonical bytes.
struct TreeRecord: ObjectRecord {
    static let recordType = "tree"
    var id: String
    var bytes: Data
    var createdMilliseconds: UInt64?
    var recordID: String { id }
}

/// A chunked file's chunk list's canonical bytes.
struct ChunkListRecord: ObjectRecord {
    static let recordType = "chunklist"
    var id: String
    var bytes: Data
    var createdMilliseconds: UInt64?
    var recordID: String { id }
}

/// A commit's canonical bytes; indexed by the first four hex digits for prefix lookups.
struct CommitRecord: ObjectRecord {
    static let recordType = "commit"
    static let indexes = [RecordIndex<CommitRecord>("prefix") { String($0.id.prefix(4)) }]
    var id: String
    var bytes: Data
    var createdMilliseconds: UInt64?
    var recordID: String { id }
}

/// A branch or tag: `branch:NAME` or `tag:NAME` → a commit, with its retention policy.
struct RefRecord: StoredRecord {
    static let recordType = "ref"
    var name: String
    var commit: ObjectID
    var retention: RetentionPolicy?
    var updatedMilliseconds: UInt64
    var recordID: String { name }
}

/// The branch `HEAD` names.
struct HeadRecord: StoredRecord {
    static let recordType = "head"
    static let id = "HEAD"
    var branch: String
    var recordID: String { Self.id }
}

/// The staged root tree and the commit it was staged on.
struct StageRecord: StoredRecord {
    static let recordType = "stage"
    static let id = "stage"
    var base: ObjectID?
    var branch: String
    var root: ObjectID
    var updatedMilliseconds: UInt64
    var recordID: String { Self.id }
}

/// Garbage collection's state: the collection epoch, bumped each time a collection starts
/// deleting, and the lease of the collection running now. Writers read it when they publish (see
/// `DataRepository+Publish.swift`).
struct CollectorRecord: StoredRecord {
    static let recordType = "collector"
    static let id = "collector"
    var epoch: UInt64
    var lease: CollectorLease?
    var recordID: String { Self.id }
}

/// A commit deleted by garbage collection (its ref's retention let it go) that a kept commit
/// still names as a parent: history ends there on purpose, it is not lost.
struct PrunedCommitRecord: StoredRecord {
    static let recordType = "pruned"
    var id: String
    var prunedMilliseconds: UInt64
    var recordID: String { id }
}
