#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MLOpsCore
import Synchronization

extension DataRepository {
    /// A pack with at least this fraction of its bytes dead is rewritten by garbage collection
    /// (below it, rewriting costs more than the space is worth; a fully dead pack is deleted).
    public static let repackThreshold = 0.2

    /// How long before its lease expires a collection renews it; each deleting step must finish
    /// within it.
    static let collectorRenewMarginMilliseconds: UInt64 = 80_000

    /// Records deleted per transaction.
    static let collectionBatchSize = 256

    /// Deletes what nothing needs any more, safely beside writers in other tasks and processes.
    ///
    /// **What is kept.**
    /// - *Reachable data:* every branch's and tag's commit; with the default ``RetentionPolicy``
    ///   its whole history (every parent), with a retention only the ref's commit and the
    ///   first-parent ancestors the policy keeps (up to the first one neither its count nor its
    ///   age keeps; older commits go unless something else reaches them); the root tree of each
    ///   kept commit with every tree, chunk list and chunk below it. The staging area's tree, and
    ///   the commit it is based on (that commit's record and tree, not its history).
    /// - *Recent data, reachable or not:* every commit, tree and chunk list stored less than
    ///   `gracePeriodMilliseconds` before `now` (records carry the time they were first stored;
    ///   older records without it count as old), with everything it reaches — for a commit its
    ///   record and tree, not its history — and every pack whose name (a `SortableID`) says it
    ///   was written within the grace period, left untouched, with or without its index. This
    ///   protects what operations in flight have written but not published yet: the packs and
    ///   trees of an add not yet staged, a ``snapshot(_:progress:)`` not yet committed, a commit
    ///   record whose branch is about to move, a pack whose index is about to be written.
    ///
    /// **What goes,** in this order so that a collection cut short (even by `SIGKILL`) leaves no
    /// stored object whose parts are gone: unreachable commits (children before parents), trees
    /// (parents before children) and chunk lists older than the grace period; then every
    /// stat-cache blob (its entries could name deleted chunks); then packs: a pack none of whose
    /// chunks is kept is deleted, index first, then pack (a crash leaves a pack without index,
    /// never an index pointing at a missing pack); a pack with at least ``repackThreshold`` of
    /// its bytes dead is rewritten — a new pack and index with the kept chunks (each re-hashed
    /// while copied), then the old index, then the old pack; packs without an index and indexes
    /// without a pack older than the grace period are deleted. A chunk stored twice (racing
    /// writers) keeps one copy. Where a kept commit's parent is deleted by a retention, the
    /// parent is recorded as pruned, so ``verify(progress:)`` and ``log(from:limit:)`` know
    /// history ends there on purpose.
    ///
    /// **Concurrency.** Collections exclude each other: a second one throws `busy`. A collection
    /// first lists and marks without holding anything, then takes a lease — a record in the
    /// key-value store that also counts the collections that deleted something (the *collection
    /// epoch*) — re-reads the refs and the staging area, starts a new epoch if it has anything to
    /// delete, and deletes only while it holds the lease, renewing it as it goes and releasing it
    /// at the end. The lease of a collection that died ends as soon as its
    /// process no longer exists (on the same machine), else when it expires (two minutes after
    /// its last renewal).
    ///
    /// Writers follow the other half of the rule: before relying on stored data (deduplicating
    /// a chunk, reusing a tree, trusting the stat cache) they note the epoch, and they make data
    /// reachable — move a branch, create a ref, update the staging area — only in a transaction
    /// that reads the lease record and commits only if no collection holds the lease and the
    /// epoch is unchanged. Either that transaction comes first, and the collection sees the new
    /// ref when it re-reads the roots, or no collection has deleted anything since the writer
    /// looked. When one has, the writer waits for it to finish, checks that everything it
    /// publishes is still stored, and publishes under the new epoch: a commit record the
    /// collection took is stored again; an ``add(_:relativeTo:progress:)`` whose deduplicated
    /// data was taken reads its files once more; a ``commit(root:message:branch:author:metadata:expectedParent:)``
    /// of a snapshot whose data was taken fails with `conflict` (snapshot again). So a writer
    /// that deduplicated against an old unreachable chunk while a collection deleted it never
    /// publishes a commit that names the missing chunk. Adds and snapshots are not blocked by a
    /// collection; publishing waits while one deletes.
    ///
    /// A dry run lists, marks and plans the same way but takes no lease and changes nothing; its
    /// report lists what would go.
    ///
    /// - Parameters:
    ///   - dryRun: Report what would be deleted without deleting anything.
    ///   - gracePeriodMilliseconds: Objects younger than this are kept even when unreachable
    ///     (default one hour). `0` collects everything unreachable at once — safe (writers
    ///     detect and redo), but an add or commit running beside it may have to repeat work.
    ///   - now: The time ages and retention windows are judged by, in milliseconds since 1970
    ///     (`nil`: the wall clock).
    /// - Returns: What was (or would be) deleted and kept.
    /// - Throws: `busy` if another collection holds the lease, or if this one lost it;
    ///   `corruptData` before deleting anything if a ref or the staging area reaches a missing or
    ///   damaged record (run ``verify(progress:)``); storage errors (the lease is released;
    ///   whatever was deleted before stays deleted, the rest is left for the next collection).
    @discardableResult
    public func collectGarbage(
        dryRun: Bool = false, gracePeriodMilliseconds: UInt64 = 3_600_000, now: UInt64? = nil
    ) async throws -> GarbageCollectionReport {
        let now = now ?? Self.nowMilliseconds
        let cutoff = now >= gracePeriodMilliseconds ? now - gracePeriodMilliseconds : 0
        var report = GarbageCollectionReport(
            dryRun: dryRun, nowMilliseconds: now, gracePeriodMilliseconds: gracePeriodMilliseconds)
        var survey = try await GarbageCollector.survey(of: self, cutoff: cutoff)
        var collector = GarbageCollector(repository: self, survey: survey, now: now, cutoff: cutoff)
        try await collector.markRoots()
        try await collector.markFresh()
        if dryRun {
            let plan = collector.plan()
            try await describe(plan, collector, into: &report)
            report.commits = plan.commits
            report.trees = plan.trees
            report.chunkLists = plan.lists
            report.recordBytes = plan.recordBytes
            report.statCachesDeleted = plan.deletesAnything ? survey.statCaches.count : 0
            return report
        }

        var (lease, epoch) = try await acquireCollectorLease()
        do {
            if epoch != survey.epoch || survey.collectorWasRunning {
                // Another collection ran since the survey: look again.
                survey = try await GarbageCollector.survey(of: self, cutoff: cutoff)
                collector = GarbageCollector(repository: self, survey: survey, now: now, cutoff: cutoff)
                try await collector.markRoots()
                try await collector.markFresh()
            } else {
                // Refs and the staging area as they are now that no writer can publish.
                try await collector.markRoots()
            }
            let plan = collector.plan()
            try await describe(plan, collector, into: &report)
            if plan.deletesAnything {
                // Writers that looked before this point check what they publish once it is over.
                epoch = try await startDeleting(lease)
                try await sweep(plan, survey, lease: &lease, into: &report)
            }
            try await releaseCollectorLease(lease)
        } catch {
            try? await releaseCollectorLease(lease)
            throw error
        }
        try await packs.reload()
        loadedCollectionEpoch.withLock { $0 = epoch }
        return report
    }

    /// Fills the report's pack plan and counts (what a dry run reports, and a real run before
    /// it deletes).
    private func describe(
        _ plan: GarbageCollector.Plan, _ collector: GarbageCollector, into report: inout GarbageCollectionReport
    ) async throws {
        let counts = collector.liveCounts
        report.liveCommits = counts.commits
        report.liveTrees = counts.trees
        report.liveChunkLists = counts.lists
        report.liveChunks = counts.chunks
        report.protectedRecords = collector.protectedRecordCount
        report.protectedPacks =
            collector.survey.packs.values.filter(\.fresh).count + collector.survey.unindexed.values.filter { $0 }.count
        report.prunedCommits = plan.newlyPruned.count
        report.skipped = plan.skipped
        report.packs = plan.deadPacks + plan.indexesWithoutPack
        for name in plan.unindexed {
            let size = (try? await blobs.sizeAndDigest(of: PackStore.packKey(name)).size) ?? 0
            report.packs.append(
                GarbageCollectionReport.PackRemoval(name: name, reason: .unindexed, chunks: 0, bytes: UInt64(size)))
        }
        report.repacks = plan.repacks.map(\.report)
        report.chunksDeleted =
            plan.deadPacks.reduce(0) { $0 + $1.chunks } + plan.repacks.reduce(0) { $0 + $1.report.droppedChunks }
        report.packBytesFreed =
            report.packs.reduce(0) { $0 + $1.bytes } + plan.repacks.reduce(0) { $0 + $1.report.droppedBytes }
    }

    // MARK: Deleting

    private func sweep(
        _ plan: GarbageCollector.Plan, _ survey: GarbageCollector.Survey, lease: inout CollectorLease,
        into report: inout GarbageCollectionReport
    ) async throws {
        // Records first, referrers before what they refer to; pruned marks before the commits go.
        if !plan.newlyPruned.isEmpty {
            try await keepCollectorLease(&lease)
            let token = lease.token
            let marks = plan.newlyPruned.map {
                PrunedCommitRecord(id: $0.hex, prunedMilliseconds: report.nowMilliseconds)
            }
            try await records.transaction { tx in
                try await Self.requireLease(token, in: tx)
                for mark in marks { try await tx.save(mark) }
            }
        }
        report.commits = try await deleteRecords(CommitRecord.self, plan.commits, survey.commits, lease: &lease)
        report.trees = try await deleteRecords(TreeRecord.self, plan.trees, survey.trees, lease: &lease)
        report.chunkLists = try await deleteRecords(ChunkListRecord.self, plan.lists, survey.lists, lease: &lease)
        report.recordBytes =
            report.commits.reduce(0) { $0 + UInt64(survey.commits[$1]?.bytes.count ?? 0) }
            + report.trees.reduce(0) { $0 + UInt64(survey.trees[$1]?.bytes.count ?? 0) }
            + report.chunkLists.reduce(0) { $0 + UInt64(survey.lists[$1]?.bytes.count ?? 0) }

        // Stat caches next: an entry could name a chunk about to go.
        if plan.deletesAnything {
            var cursor: BlobKey?
            repeat {
                let page = try await blobs.list(prefix: StatCache.directory, after: cursor, limit: 10_000)
                for key in page.keys {
                    try await blobs.delete(key)
                    report.statCachesDeleted += 1
                }
                cursor = page.next
            } while cursor != nil
        }

        // Packs: rewrite the partly dead ones, then delete the dead ones. The report ends up
        // listing what was done.
        var repacked: [GarbageCollectionReport.Repack] = []
        for repack in plan.repacks {
            try await keepCollectorLease(&lease)
            switch try await rewrite(repack.name, keeping: repack.keep, lease: &lease) {
            case .success(let newName):
                var done = repack.report
                done.newName = newName
                repacked.append(done)
            case .failure(let problem):
                report.skipped.append(problem.message)
            }
        }
        var removed: [GarbageCollectionReport.PackRemoval] = []
        for removal in report.packs {
            try await keepCollectorLease(&lease)
            switch removal.reason {
            case .unreferenced:
                try await blobs.delete(PackStore.indexKey(removal.name))
                try await blobs.delete(PackStore.packKey(removal.name))
            case .unindexed:
                // Its index may have been written since the survey: then it is a whole pack.
                guard try await !blobs.exists(PackStore.indexKey(removal.name)) else {
                    report.skipped.append("pack \(removal.name) was left alone: its index appeared meanwhile")
                    continue
                }
                try await blobs.delete(PackStore.packKey(removal.name))
            case .indexWithoutPack:
                guard try await !blobs.exists(PackStore.packKey(removal.name)) else { continue }
                try await blobs.delete(PackStore.indexKey(removal.name))
            }
            packs.forget(removal.name)
            removed.append(removal)
        }
        report.repacks = repacked
        report.packs = removed
        report.chunksDeleted =
            removed.reduce(0) { $0 + ($1.reason == .unreferenced ? $1.chunks : 0) }
            + repacked.reduce(0) { $0 + $1.droppedChunks }
        report.packBytesFreed = removed.reduce(0) { $0 + $1.bytes } + repacked.reduce(0) { $0 + $1.droppedBytes }

        if !plan.stalePruned.isEmpty {
            try await keepCollectorLease(&lease)
            let token = lease.token
            let stale = plan.stalePruned
            try await records.transaction { tx in
                try await Self.requireLease(token, in: tx)
                for id in stale { try await tx.delete(PrunedCommitRecord.self, id: id.hex) }
            }
        }
    }

    /// Deletes the records `ids` still at their surveyed versions, a batch per transaction;
    /// returns the ids deleted.
    private func deleteRecords<Record: StoredRecord>(
        _ type: Record.Type, _ ids: [ObjectID], _ surveyed: [ObjectID: GarbageCollector.Stored],
        lease: inout CollectorLease
    ) async throws -> [ObjectID] {
        var deleted: [ObjectID] = []
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<Swift.min(ids.count, start + Self.collectionBatchSize)])
            start += batch.count
            try await keepCollectorLease(&lease)
            let token = lease.token
            let versions = batch.map { surveyed[$0]?.version }
            deleted += try await records.transaction { tx in
                try await Self.requireLease(token, in: tx)
                var done: [ObjectID] = []
                for (id, version) in zip(batch, versions) {
                    // A record changed since the survey is left for the next collection.
                    guard let current = try await tx.get(type, id: id.hex), current.version == version else { continue }
                    try await tx.delete(type, id: id.hex)
                    done.append(id)
                }
                return done
            }
        }
        return deleted
    }

    /// Why a pack was not rewritten.
    private struct RepackProblem: Error {
        var message: String
    }

    /// Writes the kept chunks of pack `name` to a new pack (each re-hashed on the way), then
    /// deletes the old index and pack; returns the new pack's name, or why the old pack was left.
    private func rewrite(
        _ name: String, keeping entries: [PackIndex.Entry], lease: inout CollectorLease
    ) async throws -> Result<String, RepackProblem> {
        let key = PackStore.packKey(name)
        let sorted = entries.sorted { $0.offset < $1.offset }
        var builder = PackBuilder()
        var start = 0
        while start < sorted.count {
            let low = sorted[start].offset
            var high = low + UInt64(sorted[start].length)
            var end = start + 1
            while end < sorted.count, sorted[end].offset <= high + (1 << 20),
                Swift.max(high, sorted[end].offset + UInt64(sorted[end].length)) - low <= 16 << 20
            {
                high = Swift.max(high, sorted[end].offset + UInt64(sorted[end].length))
                end += 1
            }
            let group = Array(sorted[start..<end])
            start = end
            let bytes: [UInt8]
            do {
                bytes = try await blobs.read(key, offset: Int(low), count: Int(high - low))
            } catch let error as MLOpsError where error.code == .notFound || error.code == .corruptData {
                return .failure(
                    RepackProblem(message: "pack \(name) was not rewritten: it cannot be read (\(error.message))"))
            }
            let damaged = try await BlockingExecutor.shared.run { () -> SHA256Digest? in
                bytes.withUnsafeBytes { raw in
                    group.first { entry in
                        let from = Int(entry.offset - low)
                        return SHA256.hash(UnsafeRawBufferPointer(rebasing: raw[from..<from + Int(entry.length)]))
                            != entry.digest
                    }?.digest
                }
            }
            if let damaged {
                return .failure(
                    RepackProblem(
                        message: "pack \(name) was not rewritten: its copy of chunk \(ObjectID(damaged).short) "
                            + "is damaged (run verify)"))
            }
            bytes.withUnsafeBytes { raw in
                for entry in group {
                    let from = Int(entry.offset - low)
                    builder.append(entry.digest, UnsafeRawBufferPointer(rebasing: raw[from..<from + Int(entry.length)]))
                }
            }
        }
        try await keepCollectorLease(&lease)
        let newName = try await packs.write(builder)
        try await keepCollectorLease(&lease)
        try await blobs.delete(PackStore.indexKey(name))
        try await blobs.delete(PackStore.packKey(name))
        packs.forget(name)
        return .success(newName)
    }

    // MARK: The lease

    /// Takes the collector lease; returns it and the collection epoch.
    ///
    /// - Throws: `busy` if another collection holds the lease.
    private func acquireCollectorLease() async throws -> (CollectorLease, UInt64) {
        try await records.transaction { tx in
            let now = Self.nowMilliseconds
            let current = try await tx.get(CollectorRecord.self, id: CollectorRecord.id)?.record
            if let held = current?.lease, held.isActive(now: now) {
                throw MLOpsError(
                    .busy,
                    "another garbage collection is running (process \(held.processID) on \(held.host)); "
                        + "try again later", value: held.token)
            }
            let lease = CollectorLease.take(now: now, duration: Self.collectorLeaseMilliseconds)
            let epoch = current?.epoch ?? 0
            try await tx.save(CollectorRecord(epoch: epoch, lease: lease))
            return (lease, epoch)
        }
    }

    /// Starts a new collection epoch before the first deletion; returns it. A collection that
    /// deletes nothing leaves the epoch (and so writers' stat caches) alone.
    ///
    /// - Throws: `busy` if the lease was lost.
    private func startDeleting(_ lease: CollectorLease) async throws -> UInt64 {
        let token = lease.token
        return try await records.transaction { tx in
            try await Self.requireLease(token, in: tx)
            guard var state = try await tx.get(CollectorRecord.self, id: CollectorRecord.id)?.record else {
                throw Self.lostLease(token)
            }
            state.epoch += 1
            try await tx.save(state)
            return state.epoch
        }
    }

    /// Renews the lease when less than ``collectorRenewMarginMilliseconds`` of it is left.
    ///
    /// - Throws: `busy` if the lease was lost (it expired, or another collection took it).
    private func keepCollectorLease(_ lease: inout CollectorLease) async throws {
        guard Self.nowMilliseconds &+ Self.collectorRenewMarginMilliseconds >= lease.expiresMilliseconds else {
            return
        }
        let token = lease.token
        lease = try await records.transaction { tx in
            guard var state = try await tx.get(CollectorRecord.self, id: CollectorRecord.id)?.record,
                var held = state.lease, held.token == token, held.expiresMilliseconds > Self.nowMilliseconds
            else { throw Self.lostLease(token) }
            held.expiresMilliseconds = Self.nowMilliseconds &+ Self.collectorLeaseMilliseconds
            state.lease = held
            try await tx.save(state)
            return held
        }
    }

    /// Fails the transaction unless the lease `token` still holds.
    nonisolated(nonsending) private static func requireLease(_ token: String, in tx: RecordTransaction) async throws {
        guard let held = try await tx.get(CollectorRecord.self, id: CollectorRecord.id)?.record.lease,
            held.token == token, held.expiresMilliseconds > nowMilliseconds
        else { throw lostLease(token) }
    }

    private static func lostLease(_ token: String) -> MLOpsError {
        MLOpsError(
            .busy,
            "garbage collection lost its lease (it expired or another collection took it) and stopped; run it again",
            value: token)
    }

    /// Releases the lease if this collection still holds it; the epoch stays.
    private func releaseCollectorLease(_ lease: CollectorLease) async throws {
        let token = lease.token
        try await records.transaction { tx in
            guard var state = try await tx.get(CollectorRecord.self, id: CollectorRecord.id)?.record,
                state.lease?.token == token
            else { return }
            state.lease = nil
            try await tx.save(state)
        }
    }
}
