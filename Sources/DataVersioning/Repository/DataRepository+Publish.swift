import MLOpsCore
import Synchronization

/// What a writer knew about garbage collection when it began relying on what the repository
/// holds (deduplicating against stored chunks and records, reading the stat cache).
struct CollectionTicket: Sendable, Hashable {
    /// The collection epoch then, or `nil` if a collection was running (publishing verifies).
    var epoch: UInt64?
}

/// What a publication makes reachable, to be checked when a collection ran since the ticket.
enum PublishedObjects: Sendable {
    /// A tree and everything below it.
    case tree(ObjectID)
    /// A stored commit and everything below its root.
    case commit(ObjectID)
    /// A commit just stored — stored again if a collection took it — and everything below its root.
    case newCommit(CommitRecord, root: ObjectID)
}

/// Thrown inside a publishing transaction when a collection runs, or ran since the ticket.
private struct CollectorIntervened: Error {}

// The writers' half of garbage collection's safety rule (the collector's half is in
// DataRepository+GarbageCollection.swift):
//
// A writer takes a `CollectionTicket` before it relies on what exists, and makes new objects
// reachable — moves a ref or the staging area — only through `publish`, whose transaction reads
// the `CollectorRecord`. It commits only if no collection holds the lease and the epoch is still
// the ticket's: then no collection has deleted anything since the ticket, and any collection
// starting later sees the new ref or staging area. Otherwise it waits for the running collection
// to end, checks that everything it is about to publish exists (re-storing what it can, failing
// with `conflict` when a chunk is gone), and tries again under the new epoch.

extension DataRepository {
    /// How long a collection's lease lasts unless renewed; it renews it while working.
    static let collectorLeaseMilliseconds: UInt64 = 120_000
    /// The longest a writer waits for a running collection before giving up with `busy`.
    static let collectorWaitMilliseconds: UInt64 = 600_000

    /// Takes a ticket, reloading the pack index when a collection ran since it was last loaded (so
    /// that no deleted chunk is taken as stored).
    func collectionTicket() async throws -> CollectionTicket {
        let state = try await records.get(CollectorRecord.self, id: CollectorRecord.id)?.record
        if let lease = state?.lease, lease.isActive(now: Self.nowMilliseconds) {
            try await packs.reload()
            return CollectionTicket(epoch: nil)
        }
        let epoch = state?.epoch ?? 0
        if loadedCollectionEpoch.withLock({ $0 }) != epoch {
            // An index that has loaded nothing yet holds nothing stale: its first refresh reads the
            // packs as they are now.
            if packs.hasLoaded { try await packs.reload() }
            loadedCollectionEpoch.withLock { $0 = epoch }
        }
        return CollectionTicket(epoch: epoch)
    }

    /// Whether a collection is running or has run since `ticket` was taken.
    func collectionRan(since ticket: CollectionTicket) async throws -> Bool {
        guard let epoch = ticket.epoch else { return true }
        let state = try await records.get(CollectorRecord.self, id: CollectorRecord.id)?.record
        if let lease = state?.lease, lease.isActive(now: Self.nowMilliseconds) { return true }
        return (state?.epoch ?? 0) != epoch
    }

    /// Waits until no collection holds the lease; returns the epoch then.
    ///
    /// - Throws: `busy` after ``collectorWaitMilliseconds``.
    func waitForCollector() async throws -> UInt64 {
        let deadline = Self.nowMilliseconds &+ Self.collectorWaitMilliseconds
        var pause = 5
        while true {
            let state = try await records.get(CollectorRecord.self, id: CollectorRecord.id)?.record
            guard let lease = state?.lease, lease.isActive(now: Self.nowMilliseconds) else { return state?.epoch ?? 0 }
            if Self.nowMilliseconds > deadline {
                throw MLOpsError(
                    .busy,
                    "a garbage collection (process \(lease.processID) on \(lease.host)) has held the repository "
                        + "for too long; try again later", value: lease.token)
            }
            try await Task.sleep(for: .milliseconds(pause))
            pause = Swift.min(pause * 2, 200)
        }
    }

    /// Runs `body` — the transaction that makes `objects` reachable — once no collection is
    /// running and none ran since `ticket`. When one did, waits for it to end, reloads the pack
    /// index, checks that `objects` are all stored (storing a new commit record again; throwing
    /// ``collected(_:_:)`` for anything else missing) and tries again.
    nonisolated(nonsending) func publish<Result>(
        _ ticket: CollectionTicket, _ objects: PublishedObjects,
        _ body: nonisolated(nonsending) (RecordTransaction) async throws -> Result
    ) async throws -> Result {
        var epoch = ticket.epoch
        while true {
            if epoch == nil {
                let current = try await waitForCollector()
                try await packs.reload()
                loadedCollectionEpoch.withLock { $0 = current }
                try await requireComplete(objects)
                epoch = current
            }
            let expected = epoch
            do {
                return try await records.transaction { tx in
                    let state = try await tx.get(CollectorRecord.self, id: CollectorRecord.id)?.record
                    if let lease = state?.lease, lease.isActive(now: Self.nowMilliseconds) {
                        throw CollectorIntervened()
                    }
                    guard (state?.epoch ?? 0) == expected else { throw CollectorIntervened() }
                    return try await body(tx)
                }
            } catch is CollectorIntervened {
                epoch = nil
            }
        }
    }

    /// The error a writer gets when garbage collection deleted something it was about to publish.
    static func collected(_ what: String, _ id: ObjectID) -> MLOpsError {
        MLOpsError(
            .conflict,
            "garbage collection deleted \(what) this write refers to while it ran; nothing was published — "
                + "add the data again", value: id.description)
    }

    /// Whether `error` is ``collected(_:_:)``'s.
    static func isCollected(_ error: MLOpsError) -> Bool {
        error.code == .conflict && error.message.hasPrefix("garbage collection deleted")
    }

    /// Throws ``collected(_:_:)`` unless every tree, chunk list and chunk below the tree `root`
    /// is stored (chunks: in a loaded pack index whose pack exists).
    func requireComplete(root: ObjectID) async throws {
        var pending = [root]
        var seenTrees = Set<ObjectID>()
        var seenChunks = Set<SHA256Digest>()
        var packExists: [String: Bool] = [:]
        func requireChunk(_ digest: SHA256Digest) async throws {
            guard seenChunks.insert(digest).inserted else { return }
            try await packs.refreshIfMissing(digest)
            guard let location = packs.location(of: digest) else { throw Self.collected("a chunk", ObjectID(digest)) }
            if packExists[location.pack] == nil {
                packExists[location.pack] = try await blobs.exists(PackStore.packKey(location.pack))
            }
            guard packExists[location.pack] == true else { throw Self.collected("a chunk's pack", ObjectID(digest)) }
        }
        while let id = pending.popLast() {
            guard seenTrees.insert(id).inserted else { continue }
            let tree: Tree
            do {
                tree = try await self.tree(id)
            } catch let error as MLOpsError where error.code == .notFound {
                throw Self.collected("a directory tree", id)
            }
            for entry in tree.entries {
                switch entry.kind {
                case .directory: pending.append(entry.id)
                case .file: try await requireChunk(entry.id.digest)
                case .chunkedFile:
                    let list: ChunkList
                    do {
                        list = try await chunkList(entry.id)
                    } catch let error as MLOpsError where error.code == .notFound {
                        throw Self.collected("a chunk list", entry.id)
                    }
                    for chunk in list.chunks { try await requireChunk(chunk.id.digest) }
                }
            }
        }
    }

    /// Throws ``collected(_:_:)`` unless `objects` are all stored; a new commit record a
    /// collection took is stored again.
    func requireComplete(_ objects: PublishedObjects) async throws {
        switch objects {
        case .tree(let root):
            try await requireComplete(root: root)
        case .commit(let id):
            try await requireComplete(commit: id)
        case .newCommit(let record, let root):
            try await records.transaction { tx in
                if try await !tx.contains(CommitRecord.self, id: record.id) { try await tx.insert(record) }
            }
            try await requireComplete(root: root)
        }
    }

    /// Throws ``collected(_:_:)`` unless the commit `id` and everything below its root are stored.
    func requireComplete(commit id: ObjectID) async throws {
        let commit: DataCommit
        do {
            commit = try await self.commit(id)
        } catch let error as MLOpsError where error.code == .notFound {
            throw Self.collected("a commit", id)
        }
        try await requireComplete(root: commit.root)
    }

    /// Whether `commit` is the commit of a branch or tag now (so collections keep it whole).
    func isRefTarget(_ commit: ObjectID) async throws -> Bool {
        try await refs().contains { $0.commit == commit }
    }
}
