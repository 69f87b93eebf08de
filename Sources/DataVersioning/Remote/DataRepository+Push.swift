public import MLOpsCore

extension DataRepository {
    /// Copies branches and tags, and everything their commits need, to `remote` — any `BlobStore`:
    /// a `FileBlobStore` on another disk or a mounted share, an object store — and moves the
    /// remote's refs to them. Only what the remote lacks is sent.
    ///
    /// The remote's layout is described in <doc:Remotes>: packs as locally, one blob per commit,
    /// tree and chunk list under `data/objects/`, and a log of numbered update blobs per ref under
    /// `data/refs/`.
    ///
    /// What a caller must know:
    /// - What the remote has is found by key existence for commits, trees and chunk lists (the
    ///   walk stops at the first object the remote has) and by the remote's pack indexes, all
    ///   loaded first, for chunks. Missing chunks are read from local packs, checked against their
    ///   ids and packed into new remote packs of about 32 MiB; each pack is read back and checked
    ///   before its index, which makes it visible, is written.
    /// - Objects are written after everything they refer to, and refs last. An interrupted push
    ///   (an error or a killed process at any point) leaves the remote consistent — no ref names a
    ///   commit whose objects are missing; at worst a pack without an index is left behind,
    ///   invisible — and running the push again sends only what is still missing.
    /// - A branch moves only forward: the remote's commit must be an ancestor of the pushed one,
    ///   unless `force` is set. A tag is created if absent and never moved, `force` or not. The
    ///   refs are checked before anything is sent, and again when each is written: a ref update is
    ///   compare-and-swap on the remote, so of two concurrent pushes to one branch the second is
    ///   refused unless it still fast-forwards, and no acknowledged push is ever lost.
    ///
    /// - Parameters:
    ///   - remote: The store to push to.
    ///   - refs: The names of the branches and tags to push (a name selects the branch and the tag
    ///     of that name, whichever exist; `HEAD` selects the current branch); `nil` for all.
    ///   - force: Move remote branches even when that is not a fast-forward.
    ///   - progress: Called as chunks and objects are copied.
    /// - Returns: What was copied and which remote refs moved.
    /// - Throws: `conflict` naming the refs a push would move backwards or sideways, or a tag that
    ///   names another commit (before anything is sent; or, when another writer moved a ref during
    ///   the push, at the end, after updating the other refs); `notFound` for a name that is
    ///   neither a local branch nor a tag; `corruptData` for damaged local data or a remote that
    ///   does not return what it was sent (no ref is updated then); the stores' errors.
    @discardableResult
    public func push(
        to remote: any BlobStore, refs: [String]? = nil, force: Bool = false,
        progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws -> TransferReport {
        try await push(to: remote, refs: refs, force: force, packTargetSize: PackBuilder.targetSize, progress: progress)
    }

    /// ``push(to:refs:force:progress:)`` with the size new packs are closed at.
    @discardableResult
    func push(
        to remote: any BlobStore, refs names: [String]?, force: Bool, packTargetSize: Int,
        progress: (@Sendable (TransferProgress) -> Void)?
    ) async throws -> TransferReport {
        let selected = try await selectedLocalRefs(names)
        let log = RemoteRefLog(store: remote)
        let parents: (ObjectID) async throws -> [ObjectID]? = { try await self.localParents($0) }

        // Refuse before sending anything.
        var updates: [DataRef] = []
        var refusals: [String] = []
        var refused: [String] = []
        for ref in selected {
            let current = try await log.latest(ref.kind, ref.name)
            if current?.commit == ref.commit { continue }
            let move = try await Self.move(ref.kind, from: current?.commit, to: ref.commit, parents: parents)
            if let problem = Self.pushProblem(ref, remote: current?.commit, move: move, force: force) {
                refusals.append(problem)
                refused.append(ref.name)
            } else {
                updates.append(ref)
            }
        }
        if !refusals.isEmpty {
            throw MLOpsError(
                .conflict, refusals.joined(separator: "; ") + "; nothing was pushed",
                value: refused.joined(separator: ", "))
        }
        var report = TransferReport()
        if updates.isEmpty { return report }

        let walk = ObjectWalk(
            source: "the local repository",
            fetch: { kind, id in try await self.localObjectBytes(kind, id) },
            destinationHas: { kind, id in try await remote.exists(RemoteLayout.objectKey(kind, id)) })
        try await walk.walkCommits(from: updates.map(\.commit))
        try await walk.walkTrees()
        report.objectsSkipped = walk.objectsSkipped

        try await packs.refresh()
        let remotePacks = PackStore(blobs: remote)
        try await remotePacks.refresh()
        let missing = walk.chunks.filter { !remotePacks.contains($0) }
        report.chunksSkipped = walk.chunks.count - missing.count
        let phases = [walk.chunkLists, walk.trees, walk.commits]
        var status = TransferProgress(
            chunks: 0, totalChunks: missing.count, bytes: 0,
            totalBytes: missing.reduce(0) { $0 + (walk.chunkLengths[$1] ?? 0) }, objects: 0,
            totalObjects: phases.reduce(0) { $0 + $1.count })
        progress?(status)

        let copier = ChunkCopier(
            source: packs, destination: remotePacks, sourceName: "the local repository",
            packTargetSize: packTargetSize)
        let copied = try await copier.copy(missing, lengths: walk.chunkLengths) { chunks, bytes in
            status.chunks = chunks
            status.bytes = bytes
            progress?(status)
        }
        report.chunksCopied = copied.chunks
        report.chunkBytes = copied.bytes
        report.packsWritten = copied.packs

        for phase in phases {
            try await Self.put(phase, to: remote) { bytes in
                report.objectsCopied += 1
                report.objectBytes += UInt64(bytes)
                status.objects += 1
                progress?(status)
            }
        }

        // Refs last, each compare-and-swap against a concurrent writer.
        var late: [String] = []
        var lateNames: [String] = []
        for ref in updates {
            switch try await updateRemoteRef(ref, log: log, force: force, parents: parents) {
            case .updated(let update): report.refsUpdated.append(update)
            case .unchanged: continue
            case .refused(let problem):
                late.append(problem)
                lateNames.append(ref.name)
            }
        }
        if !late.isEmpty { throw Self.refusal(late, names: lateNames) }
        return report
    }

    /// The local refs `names` selects, branches first, each by name.
    private func selectedLocalRefs(_ names: [String]?) async throws -> [DataRef] {
        let all = try await refs()
        guard let names else { return all }
        var selected = Set<DataRef>()
        for name in Self.unique(names) {
            let name = try await refName(name)
            let matching = all.filter { $0.name == name }
            guard !matching.isEmpty else {
                throw MLOpsError(.notFound, "no local branch or tag with this name", value: name)
            }
            selected.formUnion(matching)
        }
        return all.filter { selected.contains($0) }
    }

    /// Why the remote ref must not move to `ref`'s commit, or `nil` if it may.
    private static func pushProblem(_ ref: DataRef, remote: ObjectID?, move: RefMove, force: Bool) -> String? {
        switch move {
        case .create, .fastForward: return nil
        case .divergent where force: return nil
        case .divergent:
            return "remote branch '\(ref.name)' is at \(remote?.short ?? "nothing"), which is not an ancestor of "
                + "\(ref.commit.short) (pull it first, or push with force to overwrite it)"
        case .tagMove:
            return
                "remote tag '\(ref.name)' names \(remote?.short ?? "nothing"), not \(ref.commit.short); tags never move"
        }
    }

    /// Appends an update of one remote ref, re-reading and re-checking when another writer got in
    /// first; `.unchanged` if the remote already names the commit.
    private func updateRemoteRef(
        _ ref: DataRef, log: RemoteRefLog, force: Bool, parents: (ObjectID) async throws -> [ObjectID]?
    ) async throws -> RefOutcome {
        for _ in 0..<64 {
            let current = try await log.latest(ref.kind, ref.name)
            if current?.commit == ref.commit { return .unchanged }
            let move = try await Self.move(ref.kind, from: current?.commit, to: ref.commit, parents: parents)
            if let problem = Self.pushProblem(ref, remote: current?.commit, move: move, force: force) {
                return .refused(problem)
            }
            do {
                try await log.append(ref.kind, ref.name, commit: ref.commit, after: current?.version)
            } catch let error as MLOpsError where error.code == .conflict {
                continue
            }
            return .updated(
                TransferReport.RefUpdate(
                    name: ref.name, kind: ref.kind, old: current?.commit, new: ref.commit, forced: move == .divergent))
        }
        throw MLOpsError(.busy, "the remote ref kept changing under concurrent pushes; try again", value: ref.name)
    }

    /// Writes objects to `remote` level by level — each level only once the one below is durable —
    /// a few at a time within a level, calling `done` with each object's size.
    private static func put(
        _ objects: [ObjectWalk.Object], to remote: any BlobStore, concurrency: Int = 8, done: (Int) -> Void
    ) async throws {
        let levels = Dictionary(grouping: objects, by: \.level).sorted { $0.key < $1.key }
        for (_, wave) in levels {
            try await withThrowingTaskGroup(of: Int.self) { group in
                var next = 0
                var running = 0
                while next < wave.count || running > 0 {
                    while running < concurrency, next < wave.count {
                        let object = wave[next]
                        next += 1
                        running += 1
                        group.addTask {
                            try await remote.put(RemoteLayout.objectKey(object.kind, object.id), data: object.bytes)
                            return object.bytes.count
                        }
                    }
                    if let size = try await group.next() {
                        running -= 1
                        done(size)
                    }
                }
            }
        }
    }
}
