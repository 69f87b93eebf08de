#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
public import MLOpsCore

extension DataRepository {
    /// Copies branches and tags, and everything their commits need, from `remote` (a store written
    /// by ``push(to:refs:force:progress:)``) into this repository, and moves the local refs to them.
    /// Only what the repository lacks is fetched.
    ///
    /// What a caller must know:
    /// - Nothing from the remote is trusted: every commit, tree and chunk list must hash to its id
    ///   and decode, and every chunk must hash to its id, as it arrives. Chunks go into new local
    ///   packs first, then chunk lists and trees (subtrees first), then commits (parents first),
    ///   then refs — so on any failure, a damaged chunk included, nothing that refers to missing or
    ///   damaged data is stored or named by a ref, and pulling again fetches only what is missing.
    /// - A local branch moves only forward: it must be an ancestor of the remote's commit, unless
    ///   `force` is set (a branch that does not exist locally is created). A tag is created if
    ///   absent; a local tag naming another commit is a conflict, `force` or not. Branch and tag
    ///   updates are compare-and-swap: a local commit made during the pull is never overwritten.
    ///   `HEAD` and the staging area are left alone.
    ///
    /// - Parameters:
    ///   - remote: The store to pull from.
    ///   - refs: The names of the remote branches and tags to pull (a name selects the branch and
    ///     the tag of that name, whichever the remote has; `HEAD` the remote branch named like the
    ///     current branch); `nil` for all.
    ///   - force: Move local branches even when that is not a fast-forward.
    ///   - progress: Called as chunks and objects are copied.
    /// - Returns: What was copied and which local refs moved.
    /// - Throws: `conflict` naming the refs that would move backwards or sideways, or a tag that
    ///   names another commit (after fetching only the remote's new commits; or, when a local
    ///   writer moved a ref during the pull, at the end, after updating the other refs);
    ///   `notFound` for a name the remote has neither as a branch nor as a tag, or an object the
    ///   remote lacks; `corruptData` for remote data that fails a check; the stores' errors.
    @discardableResult
    public func pull(
        from remote: any BlobStore, refs: [String]? = nil, force: Bool = false,
        progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws -> TransferReport {
        try await pull(
            from: remote, refs: refs, force: force, packTargetSize: PackBuilder.targetSize, progress: progress)
    }

    /// ``pull(from:refs:force:progress:)`` with the size new packs are closed at.
    @discardableResult
    func pull(
        from remote: any BlobStore, refs names: [String]?, force: Bool, packTargetSize: Int,
        progress: (@Sendable (TransferProgress) -> Void)?
    ) async throws -> TransferReport {
        // Garbage collection's fence: what this pull finds stored locally (and so does not fetch)
        // stays stored until the refs that need it are published (see DataRepository+Publish.swift).
        let ticket = try await collectionTicket()
        let log = RemoteRefLog(store: remote)
        let selected = try await selectedRemoteRefs(names, log: log)

        var updates: [(remote: RemoteRefLog.Entry, local: VersionedRecord<RefRecord>?)] = []
        for entry in selected {
            let local = try await records.get(RefRecord.self, id: Self.refRecordID(entry.kind, entry.name))
            if local?.record.commit == entry.commit { continue }
            updates.append((entry, local))
        }
        var report = TransferReport()
        if updates.isEmpty { return report }

        let walk = ObjectWalk(
            source: "the remote",
            fetch: { kind, id in
                do {
                    return try await remote.get(RemoteLayout.objectKey(kind, id))
                } catch let error as MLOpsError where error.code == .notFound {
                    return nil
                }
            },
            destinationHas: { kind, id in try await self.hasLocalObject(kind, id) })
        try await walk.walkCommits(from: updates.map(\.remote.commit))

        // Refuse before fetching trees and chunks: the new commits are enough to judge ancestry.
        let newCommits = walk.newCommits
        let parents: (ObjectID) async throws -> [ObjectID]? = { id in
            if let commit = newCommits[id] { return commit.parents }
            return try await self.localParents(id)
        }
        var moves: [RefMove] = []
        var refusals: [String] = []
        var refused: [String] = []
        for update in updates {
            let move = try await Self.move(
                update.remote.kind, from: update.local?.record.commit, to: update.remote.commit, parents: parents)
            moves.append(move)
            if let problem = Self.pullProblem(
                update.remote, local: update.local?.record.commit, move: move, force: force)
            {
                refusals.append(problem)
                refused.append(update.remote.name)
            }
        }
        if !refusals.isEmpty {
            throw MLOpsError(
                .conflict, refusals.joined(separator: "; ") + "; nothing was pulled",
                value: refused.joined(separator: ", "))
        }

        try await walk.walkTrees()
        report.objectsSkipped = walk.objectsSkipped
        try await packs.refresh()
        let remotePacks = PackStore(blobs: remote)
        try await remotePacks.refresh()
        let missing = walk.chunks.filter { !packs.contains($0) }
        report.chunksSkipped = walk.chunks.count - missing.count
        let phases = [walk.chunkLists, walk.trees, walk.commits]
        var status = TransferProgress(
            chunks: 0, totalChunks: missing.count, bytes: 0,
            totalBytes: missing.reduce(0) { $0 + (walk.chunkLengths[$1] ?? 0) }, objects: 0,
            totalObjects: phases.reduce(0) { $0 + $1.count })
        progress?(status)

        let copier = ChunkCopier(
            source: remotePacks, destination: packs, sourceName: "the remote", packTargetSize: packTargetSize)
        let copied = try await copier.copy(missing, lengths: walk.chunkLengths) { chunks, bytes in
            status.chunks = chunks
            status.bytes = bytes
            progress?(status)
        }
        report.chunksCopied = copied.chunks
        report.chunkBytes = copied.bytes
        report.packsWritten = copied.packs

        for phase in phases {
            try await storeTransferred(phase) { bytes in
                report.objectsCopied += 1
                report.objectBytes += UInt64(bytes)
                status.objects += 1
                progress?(status)
            }
        }

        var late: [String] = []
        var lateNames: [String] = []
        for (update, move) in zip(updates, moves) {
            switch try await updateLocalRef(update.remote, expecting: update.local, move: move, ticket: ticket) {
            case .updated(let done): report.refsUpdated.append(done)
            case .unchanged: continue
            case .refused(let problem):
                late.append(problem)
                lateNames.append(update.remote.name)
            }
        }
        if !late.isEmpty { throw Self.refusal(late, names: lateNames) }
        return report
    }

    static func refRecordID(_ kind: DataRef.Kind, _ name: String) -> String {
        kind == .branch ? refID(branch: name) : refID(tag: name)
    }

    /// The remote refs `names` selects, branches first, each by name.
    private func selectedRemoteRefs(_ names: [String]?, log: RemoteRefLog) async throws -> [RemoteRefLog.Entry] {
        guard let names else { return try await log.all() }
        var selected: [RemoteRefLog.Entry] = []
        for name in Self.unique(names) {
            let name = try await refName(name)
            let matching = [try await log.latest(.branch, name), try await log.latest(.tag, name)].compactMap { $0 }
            guard !matching.isEmpty else {
                throw MLOpsError(.notFound, "the remote has no branch or tag with this name", value: name)
            }
            selected += matching
        }
        var seen = Set<String>()
        return selected.filter { seen.insert(Self.refRecordID($0.kind, $0.name)).inserted }.sorted {
            ($0.kind == .branch ? 0 : 1, $0.name) < ($1.kind == .branch ? 0 : 1, $1.name)
        }
    }

    /// Why the local ref must not move to the remote's commit, or `nil` if it may.
    private static func pullProblem(_ remote: RemoteRefLog.Entry, local: ObjectID?, move: RefMove, force: Bool)
        -> String?
    {
        switch move {
        case .create, .fastForward: return nil
        case .divergent where force: return nil
        case .divergent:
            return "local branch '\(remote.name)' is at \(local?.short ?? "nothing"), which is not an ancestor of "
                + "the remote's \(remote.commit.short) (pull with force to overwrite the local branch)"
        case .tagMove:
            return "local tag '\(remote.name)' names \(local?.short ?? "nothing"), not the remote's "
                + "\(remote.commit.short); tags never move"
        }
    }

    /// Stores fetched objects, already verified, a batch per transaction in the order given (so
    /// every batch refers only to objects stored before or with it), calling `done` with each
    /// object's size.
    private func storeTransferred(_ objects: [ObjectWalk.Object], done: (Int) -> Void) async throws {
        let batchSize = 256
        var start = 0
        while start < objects.count {
            let batch = objects[start..<Swift.min(start + batchSize, objects.count)]
            let now = Self.nowMilliseconds
            try await records.transaction { tx in
                for object in batch {
                    let hex = object.id.hex
                    let bytes = Data(object.bytes)
                    switch object.kind {
                    case .commit:
                        if try await !tx.contains(CommitRecord.self, id: hex) {
                            try await tx.insert(CommitRecord(id: hex, bytes: bytes, createdMilliseconds: now))
                        }
                    case .tree:
                        if try await !tx.contains(TreeRecord.self, id: hex) {
                            try await tx.insert(TreeRecord(id: hex, bytes: bytes, createdMilliseconds: now))
                        }
                    case .chunklist:
                        if try await !tx.contains(ChunkListRecord.self, id: hex) {
                            try await tx.insert(ChunkListRecord(id: hex, bytes: bytes, createdMilliseconds: now))
                        }
                    }
                }
            }
            for object in batch { done(object.bytes.count) }
            start += batchSize
        }
    }

    /// Points the local ref at the remote's commit if it still is what the pull saw at its start.
    private func updateLocalRef(
        _ remote: RemoteRefLog.Entry, expecting seen: VersionedRecord<RefRecord>?, move: RefMove,
        ticket: CollectionTicket
    ) async throws -> RefOutcome {
        let id = Self.refRecordID(remote.kind, remote.name)
        return try await publish(ticket, .commit(remote.commit)) { tx in
            let now = try await tx.get(RefRecord.self, id: id)
            if now?.record.commit == remote.commit { return .unchanged }
            guard now?.version == seen?.version else {
                return .refused(
                    "local \(remote.kind.rawValue) '\(remote.name)' moved to \(now?.record.commit.short ?? "nothing") "
                        + "during the pull")
            }
            let record = RefRecord(
                name: id, commit: remote.commit, retention: now?.record.retention,
                updatedMilliseconds: Self.nowMilliseconds)
            if let now {
                try await tx.update(record, expectedVersion: now.version)
            } else {
                try await tx.insert(record)
            }
            return .updated(
                TransferReport.RefUpdate(
                    name: remote.name, kind: remote.kind, old: now?.record.commit, new: remote.commit,
                    forced: move == .divergent))
        }
    }
}
