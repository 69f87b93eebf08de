#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MLOpsCore

// The records a data repository keeps in its `data` namespace. Trees, chunk lists and commits are
// stored by the hex digest of their canonical bytes, which they carry (base64 in the record's JSON).

/// A directory tree's canonical bytes.
struct TreeRecord: StoredRecord {
    static let recordType = "tree"
    var id: String
    var bytes: Data
    var recordID: String { id }
}

/// A chunked file's chunk list's canonical bytes.
struct ChunkListRecord: StoredRecord {
    static let recordType = "chunklist"
    var id: String
    var bytes: Data
    var recordID: String { id }
}

/// A commit's canonical bytes; indexed by the first four hex digits for prefix lookups.
struct CommitRecord: StoredRecord {
    static let recordType = "commit"
    static let indexes = [RecordIndex<CommitRecord>("prefix") { String($0.id.prefix(4)) }]
    var id: String
    var bytes: Data
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
