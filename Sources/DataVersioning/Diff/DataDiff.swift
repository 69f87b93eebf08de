/// The file-level difference between two snapshots: files added, removed, modified and renamed,
/// with sizes.
///
/// A removed file whose exact content (same id) appears at an added path is reported once as a
/// rename instead. Unchanged subtrees are skipped by id without being read.
public struct DataDiff: Sendable, Hashable, Codable {
    /// One changed path.
    public struct Change: Sendable, Hashable, Codable {
        /// What happened to the path.
        public enum Kind: String, Sendable, Hashable, Codable {
            case added
            case removed
            case modified
            case renamed
        }

        /// What happened.
        public var kind: Kind
        /// The path (the new path of a rename), `/`-separated.
        public var path: String
        /// The old path of a rename.
        public var oldPath: String?
        /// The size before (nil for added files).
        public var oldSize: UInt64?
        /// The size after (nil for removed files).
        public var newSize: UInt64?
        /// The content id before.
        public var oldID: ObjectID?
        /// The content id after.
        public var newID: ObjectID?
    }

    /// The changes, by path.
    public var changes: [Change]

    /// A diff of `changes`.
    public init(changes: [Change]) { self.changes = changes.sorted { $0.path < $1.path } }

    /// Whether nothing changed.
    public var isEmpty: Bool { changes.isEmpty }

    /// How many changes are of `kind`.
    public func count(_ kind: Change.Kind) -> Int { changes.filter { $0.kind == kind }.count }
}
