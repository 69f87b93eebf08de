import MLOpsCore

/// Finds what a transfer must copy: the commits, trees and chunk lists reachable from some commits
/// that the destination lacks — read from the source and verified against their ids — and the
/// chunks those objects name.
///
/// The walk stops at every object the destination has: both sides store an object only after
/// everything it refers to (``RemoteLayout``), so that object's closure is there too. A parent
/// commit the source lacks ends the history there (garbage collection with a retention policy
/// removes old commits but not their children's parent ids); a missing tree or chunk list is an
/// error. The walk keeps explicit stacks, so arbitrarily deep trees from a remote cannot exhaust
/// the call stack. Used by one task at a time.
final class ObjectWalk {
    /// An object to copy: its canonical bytes (verified against its id) and its level — 0 when
    /// nothing of its kind it refers to is copied too, else one more than the highest level among
    /// those — so one level can be written at once after the levels below.
    struct Object: Sendable {
        var kind: RemoteLayout.ObjectKind
        var id: ObjectID
        var bytes: [UInt8]
        var level: Int
    }

    /// Reads an object's bytes from the source; `nil` if the source does not have it.
    typealias Fetch = @Sendable (RemoteLayout.ObjectKind, ObjectID) async throws -> [UInt8]?
    /// Whether the destination has an object.
    typealias Presence = @Sendable (RemoteLayout.ObjectKind, ObjectID) async throws -> Bool

    private let fetch: Fetch
    private let destinationHas: Presence
    /// The source as errors name it ("the remote", "the local repository").
    private let sourceName: String

    /// New commits, parents before children.
    private(set) var commits: [Object] = []
    /// The new commits by id.
    private(set) var newCommits: [ObjectID: DataCommit] = [:]
    /// New trees, subtrees before the trees containing them.
    private(set) var trees: [Object] = []
    /// New chunk lists.
    private(set) var chunkLists: [Object] = []
    /// The chunks the new trees and chunk lists name, each once, in the order first named.
    private(set) var chunks: [SHA256Digest] = []
    /// Their lengths.
    private(set) var chunkLengths: [SHA256Digest: UInt64] = [:]
    /// Objects looked at and found at the destination.
    private(set) var objectsSkipped = 0

    private var visitedCommits = Set<ObjectID>()
    private var visitedTrees = Set<ObjectID>()
    private var visitedLists = Set<ObjectID>()

    init(source sourceName: String, fetch: @escaping Fetch, destinationHas: @escaping Presence) {
        self.sourceName = sourceName
        self.fetch = fetch
        self.destinationHas = destinationHas
    }

    /// The source's bytes of an object, checked against its id; `nil` if the source lacks it.
    private func load(_ kind: RemoteLayout.ObjectKind, _ id: ObjectID) async throws -> [UInt8]? {
        guard let bytes = try await fetch(kind, id) else { return nil }
        guard ObjectID.of(bytes) == id else {
            throw MLOpsError(
                .corruptData, "\(kind.rawValue) \(id.short) in \(sourceName) does not match its id",
                value: id.description)
        }
        return bytes
    }

    private func missing(_ what: String, _ id: ObjectID) -> MLOpsError {
        MLOpsError(
            .notFound, "\(sourceName) has no \(what) \(id.short), which the commits being copied need",
            value: id.description)
    }

    /// Collects the commits reachable from `tips` that the destination lacks.
    ///
    /// - Throws: `notFound` if the source lacks a tip; `corruptData` for a commit that does not
    ///   match its id or is malformed; the source's and destination's read errors.
    func walkCommits(from tips: [ObjectID]) async throws {
        var levels: [ObjectID: Int] = [:]
        for tip in tips {
            var stack: [(id: ObjectID, expanded: (commit: DataCommit, bytes: [UInt8])?)] = [(tip, nil)]
            while let (id, expanded) = stack.popLast() {
                if let expanded {
                    let level = expanded.commit.parents.reduce(0) { Swift.max($0, (levels[$1] ?? -1) + 1) }
                    levels[id] = level
                    commits.append(Object(kind: .commit, id: id, bytes: expanded.bytes, level: level))
                    continue
                }
                guard visitedCommits.insert(id).inserted else { continue }
                if try await destinationHas(.commit, id) {
                    objectsSkipped += 1
                    continue
                }
                guard let bytes = try await load(.commit, id) else {
                    if id == tip { throw missing("commit", id) }
                    continue  // the history was cut here by garbage collection
                }
                let commit = try DataCommit(decoding: bytes)
                newCommits[id] = commit
                stack.append((id, (commit, bytes)))
                for parent in commit.parents.reversed() { stack.append((parent, nil)) }
            }
        }
    }

    /// Collects the trees and chunk lists of the new commits that the destination lacks, and the
    /// chunks they name.
    ///
    /// - Throws: `notFound` for a tree or chunk list the source lacks; `corruptData` for one that
    ///   does not match its id or is malformed; read errors.
    func walkTrees() async throws {
        var levels: [ObjectID: Int] = [:]
        for commit in commits {
            guard let root = newCommits[commit.id]?.root else { continue }
            var stack: [(id: ObjectID, expanded: (tree: Tree, bytes: [UInt8])?)] = [(root, nil)]
            while let (id, expanded) = stack.popLast() {
                if let expanded {
                    let level = expanded.tree.entries.reduce(0) { level, entry in
                        entry.kind == .directory ? Swift.max(level, (levels[entry.id] ?? -1) + 1) : level
                    }
                    levels[id] = level
                    trees.append(Object(kind: .tree, id: id, bytes: expanded.bytes, level: level))
                    continue
                }
                guard id != Tree.empty.id, visitedTrees.insert(id).inserted else { continue }
                if try await destinationHas(.tree, id) {
                    objectsSkipped += 1
                    continue
                }
                guard let bytes = try await load(.tree, id) else { throw missing("directory tree", id) }
                let tree = try Tree(decoding: bytes)
                stack.append((id, (tree, bytes)))
                for entry in tree.entries {
                    switch entry.kind {
                    case .directory: stack.append((entry.id, nil))
                    case .chunkedFile: try await walkChunkList(entry.id)
                    case .file: need(entry.id.digest, length: entry.size)
                    }
                }
            }
        }
    }

    private func walkChunkList(_ id: ObjectID) async throws {
        guard visitedLists.insert(id).inserted else { return }
        if try await destinationHas(.chunklist, id) {
            objectsSkipped += 1
            return
        }
        guard let bytes = try await load(.chunklist, id) else { throw missing("chunk list", id) }
        let list = try ChunkList(decoding: bytes)
        for chunk in list.chunks { need(chunk.id.digest, length: UInt64(chunk.length)) }
        chunkLists.append(Object(kind: .chunklist, id: id, bytes: bytes, level: 0))
    }

    private func need(_ digest: SHA256Digest, length: UInt64) {
        if chunkLengths.updateValue(length, forKey: digest) == nil { chunks.append(digest) }
    }
}
