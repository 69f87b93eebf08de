#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MLOpsCore

/// A stored commit and its id.
public struct DataLogEntry: Sendable, Hashable, Codable {
    /// The commit's id.
    public var id: ObjectID
    /// The commit.
    public var commit: DataCommit

    /// An entry.
    public init(id: ObjectID, commit: DataCommit) {
        self.id = id
        self.commit = commit
    }
}

/// The staging area compared with the commit it is based on.
public struct DataStatus: Sendable, Hashable, Codable {
    /// The branch `HEAD` names.
    public var branch: String
    /// The branch's commit, if it has one.
    public var head: ObjectID?
    /// The staged root tree (the head's root when nothing is staged).
    public var stagedRoot: ObjectID
    /// What committing would change.
    public var staged: DataDiff
}

extension DataRepository {
    // MARK: Staging area

    /// The root tree of `commit`, or the empty tree for no commit.
    func rootOf(_ commit: ObjectID?) async throws -> ObjectID {
        guard let commit else { return Tree.empty.id }
        return try await self.commit(commit).root
    }

    /// The staging area: its root and the commit and branch it was staged on; when nothing is
    /// staged, the current branch's commit and root.
    func stage() async throws -> (record: StageRecord, version: UInt64?) {
        if let stored = try await records.get(StageRecord.self, id: StageRecord.id) {
            return (stored.record, stored.version)
        }
        let branch = try await currentBranch()
        let head = try await branchHead(branch)
        let root = try await rootOf(head)
        return (StageRecord(base: head, branch: branch, root: root, updatedMilliseconds: Self.nowMilliseconds), nil)
    }

    /// Applies `change` to the staged root and publishes the result (see `publish`) with
    /// compare-and-swap, retrying on a concurrent stager's change; returns the new staged root.
    ///
    /// - Throws: ``collected(_:_:)``'s `conflict` if garbage collection deleted something the new
    ///   staged tree needs since `ticket` was taken.
    func updateStage(ticket: CollectionTicket, _ change: (ObjectID) async throws -> ObjectID) async throws -> ObjectID {
        for attempt in 0..<64 {
            let (stage, version) = try await stage()
            var updated = stage
            updated.root = try await change(stage.root)
            updated.updatedMilliseconds = Self.nowMilliseconds
            let staged = updated
            do {
                try await publish(ticket, .tree(staged.root)) { tx in
                    let current = try await tx.get(StageRecord.self, id: StageRecord.id)
                    guard current?.version == version else {
                        throw MLOpsError(.conflict, "the staging area changed meanwhile", value: "stage")
                    }
                    try await tx.save(staged)
                }
                return updated.root
            } catch let error as MLOpsError where error.code == .conflict && !Self.isCollected(error) {
                try await Task.sleep(for: .milliseconds(min(50, 1 << min(attempt, 5))))
            }
        }
        throw MLOpsError(.busy, "the staging area kept changing under concurrent adds; try again", value: "stage")
    }

    /// The staging area compared with the commit it is based on.
    public func status() async throws -> DataStatus {
        let (stage, _) = try await stage()
        let headRoot = try await rootOf(stage.base)
        return DataStatus(
            branch: stage.branch, head: stage.base, stagedRoot: stage.root,
            staged: try await diff(trees: headRoot, stage.root))
    }

    /// Empties the staging area (back to the current commit's tree).
    public func resetStage() async throws {
        _ = try await records.delete(StageRecord.self, id: StageRecord.id)
    }

    // MARK: Committing

    /// Commits the staging area to its branch (or to `branch`), then clears it.
    ///
    /// The commit's parent is the commit the changes were staged on. Committing to another
    /// `branch` creates it there if it does not exist; an existing one must point there.
    ///
    /// - Parameters:
    ///   - message: Why: the commit's message.
    ///   - branch: The branch to commit to; `nil` for the branch the changes were staged on.
    ///   - author: Who; `nil` for ``Options/defaultAuthor``.
    ///   - metadata: Free key-value metadata stored in the commit.
    ///   - allowEmpty: Commit even if the staged tree equals the parent's; otherwise such a call
    ///     returns `nil` and commits nothing.
    /// - Returns: The new commit, or `nil` when there was nothing to commit.
    /// - Throws: `conflict` if the branch moved since the changes were staged (another writer
    ///   committed): the commit is stored and named in the error, the staging area is kept;
    ///   `invalidState` if `branch` exists and points at another commit.
    @discardableResult
    public func commitStaged(
        message: String, branch: String? = nil, author: String? = nil, metadata: [String: String] = [:],
        allowEmpty: Bool = false
    ) async throws -> DataLogEntry? {
        // The ticket comes first: the staged tree is whole while the staging record holds it.
        let ticket = try await collectionTicket()
        let (stage, stageVersion) = try await stage()
        let parentRoot = try await rootOf(stage.base)
        if !allowEmpty && parentRoot == stage.root { return nil }
        let target = branch ?? stage.branch
        try Self.validateRefName(target)
        var expectedRef = stage.base
        if target != stage.branch {
            let current = try await branchHead(target)
            if current == nil {
                expectedRef = nil
            } else if current != stage.base {
                throw MLOpsError(
                    .invalidState,
                    "branch '\(target)' points at \(current?.short ?? "nothing"), not at the commit the changes were "
                        + "staged on (\(stage.base?.short ?? "none")); commit them to their own branch or to a new one",
                    value: target)
            }
        }
        let entry = try await commit(
            root: stage.root, message: message, branch: target, author: author, metadata: metadata,
            parent: stage.base, expectedRef: expectedRef, ticket: ticket)
        if let stageVersion {
            _ = try? await records.delete(StageRecord.self, id: StageRecord.id, expectedVersion: stageVersion)
        }
        return entry
    }

    /// Commits the tree `root` to `branch` (creating the branch if it does not exist).
    ///
    /// Every tree, chunk list and chunk below `root` is checked to be stored before the branch
    /// moves, so a commit never names data a garbage collection deleted (a root from
    /// ``snapshot(_:progress:)`` is protected by the collection grace period only).
    ///
    /// - Parameters:
    ///   - root: The root tree, from ``snapshot(_:progress:)`` or a stored commit.
    ///   - message: Why: the commit's message.
    ///   - branch: The branch to commit to.
    ///   - author: Who; `nil` for ``Options/defaultAuthor``.
    ///   - metadata: Free key-value metadata stored in the commit.
    ///   - expectedParent: The commit the branch must still point at (`.some(nil)`: the branch
    ///     must not exist yet); `nil` to take the branch's commit when called. Either way the
    ///     update is compare-and-swap.
    /// - Throws: `conflict` naming the stored commit if the branch moved; `conflict` if garbage
    ///   collection deleted data below `root` (snapshot it again); `notFound` if `root` is not a
    ///   stored tree; `invalidArgument` for a bad branch name.
    @discardableResult
    public func commit(
        root: ObjectID, message: String, branch: String, author: String? = nil, metadata: [String: String] = [:],
        expectedParent: ObjectID?? = nil
    ) async throws -> DataLogEntry {
        try Self.validateRefName(branch)
        let ticket = try await collectionTicket()
        try await requireComplete(root: root)
        let current = try await branchHead(branch)
        let parent: ObjectID? = expectedParent ?? current
        return try await commit(
            root: root, message: message, branch: branch, author: author, metadata: metadata, parent: parent,
            expectedRef: parent, ticket: ticket)
    }

    /// Commits `root` with `parent` to `branch` if the branch still points at `expectedRef`; every
    /// object below `root` was stored when `ticket` was taken.
    func commit(
        root: ObjectID, message: String, branch: String, author: String?, metadata: [String: String],
        parent: ObjectID?, expectedRef: ObjectID?, ticket: CollectionTicket
    ) async throws -> DataLogEntry {
        let rootTree: Tree
        let files: [(path: String, entry: TreeEntry)]
        do {
            rootTree = try await tree(root)
            files = try await self.files(in: root)
        } catch let error as MLOpsError where error.code == .notFound {
            // A tree stored by a snapshot, then collected before this commit published it.
            if try await collectionRan(since: ticket) { throw Self.collected("the snapshot's tree", root) }
            throw error
        }
        let refID = Self.refID(branch: branch)
        let current = try await records.get(RefRecord.self, id: refID)
        let commit = DataCommit(
            root: root, parents: parent.map { [$0] } ?? [], author: author ?? options.defaultAuthor, message: message,
            timestampMilliseconds: Self.nowMilliseconds, metadata: metadata, size: rootTree.totalSize,
            fileCount: UInt64(files.count))
        let bytes = commit.encoded
        let id = ObjectID.of(bytes)
        let retention = current?.record.retention
        let record = CommitRecord(id: id.hex, bytes: Data(bytes), createdMilliseconds: Self.nowMilliseconds)
        try await records.transaction { tx in
            if try await !tx.contains(CommitRecord.self, id: id.hex) { try await tx.insert(record) }
        }
        try await publish(ticket, .newCommit(record, root: root)) { tx in
            let now = try await tx.get(RefRecord.self, id: refID)
            guard now?.record.commit == expectedRef else {
                throw MLOpsError(
                    .conflict,
                    "branch '\(branch)' moved to \(now?.record.commit.short ?? "nothing") while committing on "
                        + "\(expectedRef?.short ?? "an empty branch"); commit \(id) is stored but not on the branch",
                    value: id.description)
            }
            let ref = RefRecord(
                name: refID, commit: id, retention: retention, updatedMilliseconds: Self.nowMilliseconds)
            if let now {
                try await tx.update(ref, expectedVersion: now.version)
            } else {
                try await tx.insert(ref)
            }
        }
        return DataLogEntry(id: id, commit: commit)
    }
}
