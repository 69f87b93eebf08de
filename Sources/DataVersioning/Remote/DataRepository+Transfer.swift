#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MLOpsCore

// What push and pull share: local objects by kind, ancestry, ref selection.
extension DataRepository {
    /// How a ref would move from `old` to `new`.
    enum RefMove: Sendable, Hashable {
        /// The ref does not exist yet.
        case create
        /// `old` is an ancestor of `new`.
        case fastForward
        /// A branch whose `old` commit is not an ancestor of `new`: only a forced update may move it.
        case divergent
        /// A tag that names another commit: tags never move.
        case tagMove
    }

    /// What became of one ref at the end of a transfer.
    enum RefOutcome: Sendable {
        case updated(TransferReport.RefUpdate)
        /// The destination already named the commit.
        case unchanged
        /// Another writer moved the ref meanwhile, so that the update is no longer allowed: why.
        case refused(String)
    }

    /// The stored canonical bytes of a local commit, tree or chunk list, unverified; `nil` if absent.
    func localObjectBytes(_ kind: RemoteLayout.ObjectKind, _ id: ObjectID) async throws -> [UInt8]? {
        let data: Data?
        switch kind {
        case .commit: data = try await records.get(CommitRecord.self, id: id.hex)?.record.bytes
        case .tree: data = try await records.get(TreeRecord.self, id: id.hex)?.record.bytes
        case .chunklist: data = try await records.get(ChunkListRecord.self, id: id.hex)?.record.bytes
        }
        return data.map { [UInt8]($0) }
    }

    /// Whether the local repository stores the object (the empty tree always counts as stored).
    func hasLocalObject(_ kind: RemoteLayout.ObjectKind, _ id: ObjectID) async throws -> Bool {
        if kind == .tree && id == Tree.empty.id { return true }
        return try await localObjectBytes(kind, id) != nil
    }

    /// The parents of a local commit, or `nil` if it is not stored.
    ///
    /// - Throws: `corruptData` if the stored commit does not match its id or is malformed.
    func localParents(_ id: ObjectID) async throws -> [ObjectID]? {
        guard let bytes = try await localObjectBytes(.commit, id) else { return nil }
        guard ObjectID.of(bytes) == id else {
            throw MLOpsError(.corruptData, "a stored commit does not match its id", value: id.description)
        }
        return try DataCommit(decoding: bytes).parents
    }

    /// Whether `ancestor` is `descendant` or reachable from it through parents (`parents` returns
    /// `nil` for a commit whose history is not available, which ends that line).
    static func isAncestor(
        _ ancestor: ObjectID, of descendant: ObjectID, parents: (ObjectID) async throws -> [ObjectID]?
    ) async throws -> Bool {
        var queue = [descendant]
        var seen: Set = [descendant]
        var next = 0
        while next < queue.count {
            let id = queue[next]
            next += 1
            if id == ancestor { return true }
            for parent in try await parents(id) ?? [] where seen.insert(parent).inserted { queue.append(parent) }
        }
        return false
    }

    /// How a ref of `kind` would move from `old` to `new`, judging ancestry with `parents`.
    static func move(
        _ kind: DataRef.Kind, from old: ObjectID?, to new: ObjectID, parents: (ObjectID) async throws -> [ObjectID]?
    ) async throws -> RefMove {
        guard let old else { return .create }
        if old == new { return .fastForward }
        if kind == .tag { return .tagMove }
        return try await isAncestor(old, of: new, parents: parents) ? .fastForward : .divergent
    }

    /// `name`, or the current branch's name for `HEAD`.
    func refName(_ name: String) async throws -> String {
        if name == "HEAD" { return try await currentBranch() }
        try Self.validateRefName(name)
        return name
    }

    /// Every name given, each once, in order.
    static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// The error for refs a transfer refused at the last step, after updating the others.
    static func refusal(_ messages: [String], names: [String]) -> MLOpsError {
        MLOpsError(
            .conflict, messages.joined(separator: "; ") + " (the other refs were updated)",
            value: names.joined(separator: ", "))
    }
}
