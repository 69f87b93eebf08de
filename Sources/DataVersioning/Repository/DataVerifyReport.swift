/// What ``DataRepository/verify(progress:)`` found: how much it checked, and every object that
/// is missing or damaged, with where it is used.
///
/// A report is *healthy* when ``problems`` is empty. ``packsWithoutIndex`` (traces of interrupted
/// writes) and ``indexesWithoutPack`` are listed for information; they are problems only through
/// the chunks a commit or the staging area needs from them, which are reported one by one.
public struct DataVerifyReport: Sendable, Hashable, Codable {
    /// The kinds of stored object a problem can be about.
    public enum ObjectKind: String, Sendable, Hashable, Codable {
        /// A commit record.
        case commit
        /// A directory tree record.
        case tree
        /// A chunked file's chunk list record.
        case chunkList
        /// A chunk's bytes in a pack.
        case chunk
        /// A pack's index blob.
        case packIndex
    }

    /// What is wrong with an object.
    public enum Issue: String, Sendable, Hashable, Codable {
        /// It is not stored (for a chunk: in no pack index, or only in packs that are gone).
        case missing
        /// It is stored but its bytes do not match its id or cannot be decoded or read.
        case corrupt
    }

    /// One missing or damaged object and the first place the walk found it used.
    public struct Problem: Sendable, Hashable, Codable, CustomStringConvertible {
        /// What kind of object.
        public var kind: ObjectKind
        /// Missing or corrupt.
        public var issue: Issue
        /// The object's id (`nil` for a pack index, named by ``pack``).
        public var id: ObjectID?
        /// The pack involved: the one holding a corrupt chunk, the missing pack of a chunk, or the
        /// pack whose index is damaged.
        public var pack: String?
        /// Where the walk started when it found the object: `branch NAME`, `tag NAME` or
        /// `staging area` (`nil` for a pack index).
        public var root: String?
        /// The commit under which the object is used (for a commit: the commit naming it as a
        /// parent); `nil` for staged objects and pack indexes.
        public var commit: ObjectID?
        /// The `/`-separated path of the file or directory that uses the object, below the
        /// commit's (or the staging area's) root tree; `nil` for commits and the root tree itself.
        public var path: String?
        /// What is wrong, in plain words.
        public var message: String

        /// A problem.
        public init(
            kind: ObjectKind, issue: Issue, id: ObjectID?, pack: String? = nil, root: String?, commit: ObjectID?,
            path: String?, message: String
        ) {
            self.kind = kind
            self.issue = issue
            self.id = id
            self.pack = pack
            self.root = root
            self.commit = commit
            self.path = path
            self.message = message
        }

        /// E.g. `chunk sha256:… corrupt: … (data/a.csv in commit sha256:… from branch main)`.
        public var description: String {
            var text =
                "\(kind.rawValue) \(id?.description ?? pack.map { "pack \($0)" } ?? "?") \(issue.rawValue): \(message)"
            var place: [String] = []
            if let path { place.append(path) }
            if let commit { place.append("in commit \(commit.short)") }
            if let root { place.append("from \(root)") }
            if !place.isEmpty { text += " (" + place.joined(separator: " ") + ")" }
            return text
        }
    }

    /// Progress of a verification, for a progress line.
    public struct Progress: Sendable, Hashable {
        /// Records (commits, trees, chunk lists) read and checked so far.
        public var records: Int
        /// Chunks hashed so far (`0` while the records are being walked).
        public var chunks: Int
        /// Chunks to hash in all (`0` while the records are being walked).
        public var totalChunks: Int
        /// Chunk bytes hashed so far.
        public var bytes: UInt64
        /// Chunk bytes to hash in all.
        public var totalBytes: UInt64
    }

    /// Commits checked (reachable from a ref or the staging area).
    public var commits = 0
    /// Directory trees checked.
    public var trees = 0
    /// Chunk lists checked.
    public var chunkLists = 0
    /// Distinct file contents checked (files with equal bytes count once).
    public var files = 0
    /// Distinct chunks hashed and found intact.
    public var chunks = 0
    /// Chunk bytes hashed and found intact.
    public var bytesVerified: UInt64 = 0
    /// Pack indexes read.
    public var packs = 0
    /// Parent commits not walked because garbage collection pruned them under a ref's
    /// ``RetentionPolicy`` (history ends there on purpose).
    public var prunedCommits = 0
    /// Packs with no index: interrupted writes, invisible to readers; garbage collection removes
    /// them after its grace period.
    public var packsWithoutIndex: [String] = []
    /// Pack indexes whose pack is gone; a chunk only they list is reported missing.
    public var indexesWithoutPack: [String] = []
    /// Everything missing or damaged; empty when the repository is sound.
    public var problems: [Problem] = []
    /// Whether a garbage collection ran while the verification did, on every attempt (its
    /// findings may then be the collection's deletions rather than damage).
    public var overlappedCollection = false

    /// An empty report.
    public init() {}

    /// Whether nothing reachable is missing or damaged.
    public var isHealthy: Bool { problems.isEmpty }
}
