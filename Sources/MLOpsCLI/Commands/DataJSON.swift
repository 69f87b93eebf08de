import MLOps

/// What the `mlops data …` commands print with `--json`: one object (or one array) per command,
/// keys sorted, every documented key always present — `null` where it has no value. Ids are
/// `sha256:<64 hex>`, sizes are bytes, times are milliseconds since 1970 (UTC).
enum DataJSON {
    /// The text of `value` as one line of JSON with sorted keys.
    static func text(_ value: some Encodable) throws -> String {
        String(decoding: try RecordCoding.encode(value), as: UTF8.self)
    }

    /// One changed path: `kind` (`added`, `removed`, `modified`, `renamed`), `path` (the new path
    /// of a rename), `oldPath` (renames only), `oldSize`, `newSize`, `oldID`, `newID`.
    struct Change: Encodable {
        var change: DataDiff.Change

        enum CodingKeys: String, CodingKey {
            case kind, path, oldPath, oldSize, newSize, oldID, newID
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(change.kind.rawValue, forKey: .kind)
            try container.encode(change.path, forKey: .path)
            try container.encodeOrNull(change.oldPath, forKey: .oldPath)
            try container.encodeOrNull(change.oldSize, forKey: .oldSize)
            try container.encodeOrNull(change.newSize, forKey: .newSize)
            try container.encodeOrNull(change.oldID?.description, forKey: .oldID)
            try container.encodeOrNull(change.newID?.description, forKey: .newID)
        }
    }

    /// How many changes of each kind: `added`, `removed`, `modified`, `renamed`.
    struct Summary: Encodable {
        var added: Int
        var removed: Int
        var modified: Int
        var renamed: Int

        init(_ diff: DataDiff) {
            added = diff.count(.added)
            removed = diff.count(.removed)
            modified = diff.count(.modified)
            renamed = diff.count(.renamed)
        }
    }

    /// `mlops data add`: `paths` (as stored, `/`-separated), `files` and `bytes` in them,
    /// `hashedFiles` and `hashedBytes` read and hashed (the rest were unchanged since the last
    /// add), `stagedRoot` (the staging area's root tree).
    struct Add: Encodable {
        var paths: [String]
        var files: Int
        var bytes: UInt64
        var hashedFiles: Int
        var hashedBytes: UInt64
        var stagedRoot: String

        init(_ result: AddResult) {
            paths = result.paths
            files = result.files
            bytes = result.bytes
            hashedFiles = result.hashedFiles
            hashedBytes = result.hashedBytes
            stagedRoot = result.root.description
        }
    }

    /// `mlops data commit`: `committed` (false: nothing to commit), `commit` (the new id or
    /// null), `branch`, `parents`, `files` and `bytes` of the snapshot (null when nothing was
    /// committed).
    struct Commit: Encodable {
        var entry: DataLogEntry?
        var branch: String

        enum CodingKeys: String, CodingKey {
            case committed, commit, branch, parents, files, bytes
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(entry != nil, forKey: .committed)
            try container.encodeOrNull(entry?.id.description, forKey: .commit)
            try container.encode(branch, forKey: .branch)
            try container.encode(entry?.commit.parents.map(\.description) ?? [], forKey: .parents)
            try container.encodeOrNull(entry?.commit.fileCount, forKey: .files)
            try container.encodeOrNull(entry?.commit.size, forKey: .bytes)
        }
    }

    /// `mlops data status`: `branch`, `head` (its commit, null before the first), `stagedRoot`,
    /// `changes` (``Change`` objects, by path) and `summary` (``Summary``).
    struct Status: Encodable {
        var status: DataStatus

        enum CodingKeys: String, CodingKey {
            case branch, head, stagedRoot, changes, summary
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(status.branch, forKey: .branch)
            try container.encodeOrNull(status.head?.description, forKey: .head)
            try container.encode(status.stagedRoot.description, forKey: .stagedRoot)
            try container.encode(status.staged.changes.map(Change.init), forKey: .changes)
            try container.encode(Summary(status.staged), forKey: .summary)
        }
    }

    /// One commit of `mlops data log` (an array of these, newest first): `commit`, `parents`,
    /// `root`, `author`, `message`, `timestamp`, `files`, `bytes`, `metadata`, `refs` (the
    /// branches and tags at it, as `branch:NAME` / `tag:NAME`).
    struct LogEntry: Encodable {
        var commit: String
        var parents: [String]
        var root: String
        var author: String
        var message: String
        var timestamp: UInt64
        var files: UInt64
        var bytes: UInt64
        var metadata: [String: String]
        var refs: [String]

        init(_ entry: DataLogEntry, refs: [String]) {
            commit = entry.id.description
            parents = entry.commit.parents.map(\.description)
            root = entry.commit.root.description
            author = entry.commit.author
            message = entry.commit.message
            timestamp = entry.commit.timestampMilliseconds
            files = entry.commit.fileCount
            bytes = entry.commit.size
            metadata = entry.commit.metadata
            self.refs = refs
        }
    }

    /// `mlops data diff`: `from` and `to` (the commits compared), `changes` (``Change`` objects,
    /// by path) and `summary` (``Summary``).
    struct Diff: Encodable {
        var from: String
        var to: String
        var changes: [Change]
        var summary: Summary
        var tables: [Table]
    }

    /// The row-level diff of one modified CSV file: `path` and `diff` (``TableDiff``'s fields).
    struct Table: Encodable {
        var path: String
        var diff: TableDiff
    }

    /// `mlops data checkout`: `commit`, `directory` (absolute), `files` and `bytes` written.
    struct Checkout: Encodable {
        var commit: String
        var directory: String
        var files: Int
        var bytes: UInt64
    }

    /// A branch or tag (`mlops data branch`, `tag`, and the array `branch --list` prints): `name`,
    /// `kind` (`branch` or `tag`), `commit`, `current` (whether `HEAD` names it), `keepCommits`
    /// and `keepMilliseconds` (its retention for garbage collection; null: no limit).
    struct Ref: Encodable {
        var ref: DataRef
        var current: Bool

        enum CodingKeys: String, CodingKey {
            case name, kind, commit, current, keepCommits, keepMilliseconds
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ref.name, forKey: .name)
            try container.encode(ref.kind.rawValue, forKey: .kind)
            try container.encode(ref.commit.description, forKey: .commit)
            try container.encode(current, forKey: .current)
            try container.encodeOrNull(ref.retention.keepCommits, forKey: .keepCommits)
            try container.encodeOrNull(ref.retention.keepMilliseconds, forKey: .keepMilliseconds)
        }
    }

    /// `mlops data reset`: `unstaged` (how many staged changes were dropped), `branch`, `head`
    /// (null before the first commit).
    struct Reset: Encodable {
        var unstaged: Int
        var branch: String
        var head: ObjectID?

        enum CodingKeys: String, CodingKey {
            case unstaged, branch, head
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(unstaged, forKey: .unstaged)
            try container.encode(branch, forKey: .branch)
            try container.encodeOrNull(head?.description, forKey: .head)
        }
    }
}

extension KeyedEncodingContainer {
    /// Encodes `value`, or `null` when it is `nil` (synthesized coding would leave the key out).
    mutating func encodeOrNull<Value: Encodable>(_ value: Value?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
