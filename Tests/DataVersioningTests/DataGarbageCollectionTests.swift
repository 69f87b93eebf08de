@testable import DataVersioning
import Foundation
import MLOpsCore
import Synchronization
import Testing

@Suite struct DataGarbageCollectionTests {
    /// A minute from now: with a grace period of 0, everything written so far is old.
    static func later() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1_000) + 60_000 }

    /// `main` with `keep/a.txt`; a branch `scratch` with a snapshot of `scratch/` (one 80 kB file
    /// in its own pack), then deleted.
    func repositoryWithADeletedBranch(_ fixture: DataFixture) async throws -> (
        repository: DataRepository, main: DataLogEntry, scratch: DataLogEntry
    ) {
        try fixture.write("keep/a.txt", "kept content")
        let repository = try await fixture.repository()
        try await repository.add(["keep"], relativeTo: fixture.root)
        let main = try #require(try await repository.commitStaged(message: "main"))
        try fixture.write("scratch/s.bin", DataFixture.randomBytes(80_000, seed: 21))
        let snapshot = try await repository.snapshot(fixture.path("scratch"))
        let scratch = try await repository.commit(root: snapshot.root, message: "scratch", branch: "scratch")
        #expect(try await repository.deleteRef("scratch", kind: .branch))
        return (repository, main, scratch)
    }

    /// Every key and version of the metadata store and every blob key.
    func contents(_ fixture: DataFixture) async throws -> [String] {
        let entries = try await fixture.metadata.scan(KeyScan(range: .all))
        let blobs = try await fixture.blobs.list(prefix: "")
        return entries.map { "\(StorageKey.describe($0.key)) \($0.version)" } + blobs.map(\.rawValue)
    }

    func packKeys(_ fixture: DataFixture) async throws -> [String] {
        try await fixture.blobs.list(prefix: "data/packs").map(\.rawValue)
    }

    @Test func aDryRunListsWhatWouldGoAndChangesNothing() async throws {
        let fixture = try DataFixture()
        let (repository, _, scratch) = try await repositoryWithADeletedBranch(fixture)
        let before = try await contents(fixture)

        let report = try await repository.collectGarbage(dryRun: true, gracePeriodMilliseconds: 0, now: Self.later())
        #expect(report.dryRun)
        #expect(report.commits == [scratch.id])
        #expect(report.trees == [scratch.commit.root])
        #expect(report.chunkLists.count == 1)
        #expect(report.packs.count == 1)
        #expect(report.packs.first?.reason == .unreferenced)
        #expect(report.packs.first?.bytes == 80_000)
        #expect(report.packBytesFreed == 80_000)
        #expect(report.bytesFreed > 80_000)
        #expect(report.chunksDeleted == report.packs.first?.chunks)
        #expect(report.liveCommits == 1)
        #expect(try await contents(fixture) == before)

        // Within the default grace period everything is recent: nothing would go.
        let recent = try await repository.collectGarbage(dryRun: true)
        #expect(recent.commits.isEmpty && recent.trees.isEmpty && recent.packs.isEmpty)
        #expect(recent.protectedRecords >= 2)
        #expect(recent.protectedPacks == 2)
        #expect(try await contents(fixture) == before)
    }

    @Test func aDeletedBranchIsCollectedAndEverythingReachableStays() async throws {
        let fixture = try DataFixture()
        let (repository, main, scratch) = try await repositoryWithADeletedBranch(fixture)
        let packsBefore = try await packKeys(fixture)

        let report = try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
        #expect(!report.dryRun)
        #expect(report.commits == [scratch.id])
        #expect(report.trees == [scratch.commit.root])
        #expect(report.chunkLists.count == 1)
        #expect(report.packs.map(\.reason) == [.unreferenced])
        #expect(report.statCachesDeleted >= 1)
        #expect(report.chunksDeleted > 1)
        #expect(try await fixture.blobs.list(prefix: "data/cache").isEmpty)
        let packsAfter = try await packKeys(fixture)
        #expect(packsAfter.count == packsBefore.count - 2)  // its .pack and .idx

        await #expect(throws: MLOpsError.notFound) { try await repository.resolve(scratch.id.description) }
        let verified = try await repository.verify()
        #expect(verified.isHealthy, "\(verified.problems)")
        #expect(verified.commits == 1)
        let out = fixture.path("out")
        try await repository.checkout("main", into: out)
        #expect(try fixture.read("out/keep/a.txt") == Array("kept content".utf8))
        #expect(try await repository.resolve("HEAD") == main.id)

        // A second collection finds nothing more.
        let again = try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
        #expect(again.commits.isEmpty && again.trees.isEmpty && again.packs.isEmpty && again.repacks.isEmpty)
    }

    @Test func aRetentionOfOneCommitMakesOlderCommitsCollectable() async throws {
        let fixture = try DataFixture()
        let repository = try await fixture.repository()
        var commits: [DataLogEntry] = []
        for index in 0..<3 {
            try fixture.write("d/f.bin", DataFixture.randomBytes(20_000, seed: UInt64(100 + index)))
            try await repository.add(["d"], relativeTo: fixture.root)
            commits.append(try #require(try await repository.commitStaged(message: "c\(index)")))
        }
        // Keeping by age: all three are younger than an hour.
        try await repository.setRetention(RetentionPolicy(keepMilliseconds: 3_600_000), for: "main")
        let byAge = try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
        #expect(byAge.commits.isEmpty)

        try await repository.setRetention(RetentionPolicy(keepCommits: 1), for: "main")
        let report = try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
        #expect(report.commits == [commits[1].id, commits[0].id])  // children before parents
        #expect(report.prunedCommits == 1)
        #expect(report.packs.count == 2)
        #expect(report.liveCommits == 1)

        let verified = try await repository.verify()
        #expect(verified.isHealthy, "\(verified.problems)")
        #expect(verified.prunedCommits == 1)
        #expect(try await repository.log().map(\.id) == [commits[2].id])
        await #expect(throws: MLOpsError.notFound) { try await repository.resolve(commits[0].id.description) }
        try await repository.checkout("HEAD", into: fixture.path("out"))
        #expect(try fixture.read("out/d/f.bin") == DataFixture.randomBytes(20_000, seed: 102))

        // Once the pruned commit's child is gone too, its mark goes.
        try fixture.write("d/f.bin", "small")
        try await repository.add(["d"], relativeTo: fixture.root)
        _ = try #require(try await repository.commitStaged(message: "c3"))
        let next = try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
        #expect(next.commits == [commits[2].id])
        #expect(
            try await repository.records.list(PrunedCommitRecord.self).records.map(\.record.id) == [
                commits[2].id.hex
            ])
    }

    @Test func theGracePeriodProtectsRecentUnreferencedData() async throws {
        let fixture = try DataFixture()
        let repository = try await fixture.repository()
        try fixture.write("snap/s.bin", DataFixture.randomBytes(30_000, seed: 31))
        let snapshot = try await repository.snapshot(fixture.path("snap"))
        let unindexed = SortableID().description
        try await fixture.blobs.put(PackStore.packKey(unindexed), data: [7, 7, 7])
        let before = try await contents(fixture)

        let report = try await repository.collectGarbage()
        #expect(report.commits.isEmpty && report.trees.isEmpty && report.chunkLists.isEmpty)
        #expect(report.packs.isEmpty && report.repacks.isEmpty)
        #expect(report.protectedPacks == 2)
        #expect(report.protectedRecords == 2)  // the snapshot's tree and chunk list
        #expect(try await contents(fixture).filter { !$0.contains("collector") } == before)
        // A collection that deletes nothing starts no new epoch: writers' stat caches stay valid.
        #expect(try await repository.records.get(CollectorRecord.self, id: CollectorRecord.id)?.record.epoch == 0)

        // The snapshot can still be committed and checked out.
        try await repository.commit(root: snapshot.root, message: "late", branch: "late")
        try await repository.checkout("late", into: fixture.path("out"))
        #expect(try fixture.read("out/s.bin") == DataFixture.randomBytes(30_000, seed: 31))

        // Past the grace period, the pack without an index goes.
        let old = try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
        #expect(old.packs.map(\.name) == [unindexed])
        #expect(old.packs.first?.reason == .unindexed)
        #expect(old.packs.first?.bytes == 3)
        #expect(try await !fixture.blobs.exists(PackStore.packKey(unindexed)))
        #expect(try await repository.verify().isHealthy)
    }

    @Test func aStagedButUncommittedAddSurvives() async throws {
        let fixture = try DataFixture()
        let (repository, _, _) = try await repositoryWithADeletedBranch(fixture)
        try fixture.write("keep/staged.bin", DataFixture.randomBytes(40_000, seed: 41))
        try await repository.add(["keep"], relativeTo: fixture.root)

        let report = try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
        #expect(report.commits.count == 1)  // the deleted branch's commit only
        let verified = try await repository.verify()
        #expect(verified.isHealthy, "\(verified.problems)")
        let committed = try #require(try await repository.commitStaged(message: "staged"))
        try await repository.checkout(committed.id.description, into: fixture.path("out"))
        #expect(try fixture.read("out/keep/staged.bin") == DataFixture.randomBytes(40_000, seed: 41))
        #expect(try fixture.read("out/keep/a.txt") == Array("kept content".utf8))
    }

    @Test func aPartlyDeadPackIsRewrittenAndOtherRepositoryObjectsFollowIt() async throws {
        let fixture = try DataFixture()
        let repository = try await fixture.repository()
        try fixture.write("d/keep.bin", DataFixture.randomBytes(30_000, seed: 51))
        try fixture.write("d/drop.bin", DataFixture.randomBytes(30_000, seed: 52))
        try await repository.add(["d"], relativeTo: fixture.root)
        _ = try #require(try await repository.commitStaged(message: "both"))
        try FileManager.default.removeItem(atPath: fixture.path("d/drop.bin"))
        try await repository.add(["d"], relativeTo: fixture.root)
        let second = try #require(try await repository.commitStaged(message: "one"))
        try await repository.setRetention(RetentionPolicy(keepCommits: 1), for: "main")

        // Another process's view of the same stores collects.
        let collector = try await fixture.repository()
        let report = try await collector.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
        #expect(report.repacks.count == 1)
        let repack = try #require(report.repacks.first)
        #expect(repack.droppedBytes == 30_000 && repack.keptBytes == 30_000)
        #expect(repack.newName != nil && repack.newName != repack.name)
        #expect(report.packBytesFreed == 30_000)
        #expect(try await !fixture.blobs.exists(PackStore.packKey(repack.name)))

        // The first repository still knows the old pack; reading finds the chunks in the new one.
        try await repository.checkout(second.id.description, into: fixture.path("out"))
        #expect(try fixture.read("out/d/keep.bin") == DataFixture.randomBytes(30_000, seed: 51))
        #expect(try await repository.verify().isHealthy)
    }

    @Test func aCollectionStopsBeforeDeletingWhenReachableDataIsDamaged() async throws {
        let fixture = try DataFixture()
        let (repository, main, _) = try await repositoryWithADeletedBranch(fixture)
        try await repository.records.delete(TreeRecord.self, id: main.commit.root.hex)
        let before = try await contents(fixture)
        await #expect(throws: MLOpsError.corruptData) {
            try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
        }
        // Only the lease record changed (taken and released).
        let isCollector: (String) -> Bool = { $0.contains("collector") }
        #expect(try await contents(fixture).filter { !isCollector($0) } == before.filter { !isCollector($0) })
        #expect(try await repository.records.get(CollectorRecord.self, id: CollectorRecord.id)?.record.lease == nil)
    }

    @Test func aStatCacheWrittenBeforeACollectionIsIgnored() async throws {
        let fixture = try DataFixture()
        let (repository, _, _) = try await repositoryWithADeletedBranch(fixture)
        try fixture.write("d/one.txt", "one")
        try fixture.write("d/two.txt", "two")
        let past = Date(timeIntervalSinceNow: -3_600)
        for name in ["d/one.txt", "d/two.txt"] {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: fixture.path(name))
        }
        try await repository.add(["d"], relativeTo: fixture.root)
        #expect(try await repository.add(["d"], relativeTo: fixture.root).hashedFiles == 0)
        let key = StatCache.key(forRoot: fixture.root)
        let cache = try await fixture.blobs.get(key)

        let report = try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
        #expect(report.commits.count == 1 && report.statCachesDeleted >= 1)
        #expect(try await !fixture.blobs.exists(key))
        // Even if the old cache were still there, its epoch is over: every file is read again.
        try await fixture.blobs.put(key, data: cache)
        #expect(try await repository.add(["d"], relativeTo: fixture.root).hashedFiles == 2)
        #expect(try await repository.add(["d"], relativeTo: fixture.root).hashedFiles == 0)
        // A damaged or old-format cache reads as empty.
        #expect(StatCache(decoding: Array("MLDVSC1\0garbage".utf8)).entries.isEmpty)
        #expect(StatCache(decoding: Array(cache.prefix(cache.count / 2))).entries.isEmpty)
    }

    // MARK: Concurrency

    @Test func aSecondCollectionIsRefusedWhileALiveProcessHoldsTheLease() async throws {
        let fixture = try DataFixture()
        let (repository, _, _) = try await repositoryWithADeletedBranch(fixture)
        let now = UInt64(Date().timeIntervalSince1970 * 1_000)
        var lease = CollectorLease.take(now: now, duration: 600_000)
        try await repository.records.save(CollectorRecord(epoch: 7, lease: lease))
        await #expect(throws: MLOpsError(.busy, "")) {
            try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
        }

        // A lease whose process has ended holds nothing.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exit 0"]
        try process.run()
        process.waitUntilExit()
        lease.processID = process.processIdentifier
        try await repository.records.save(CollectorRecord(epoch: 7, lease: lease))
        let report = try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
        #expect(report.commits.count == 1)
        let state = try #require(try await repository.records.get(CollectorRecord.self, id: CollectorRecord.id))
        #expect(state.record.epoch == 8)
        #expect(state.record.lease == nil)
    }

    @Test func aCommitWaitsWhileACollectionHoldsTheLease() async throws {
        let fixture = try DataFixture()
        try fixture.write("d/a.txt", "a")
        let repository = try await fixture.repository()
        try await repository.add(["d"], relativeTo: fixture.root)
        let lease = CollectorLease.take(now: UInt64(Date().timeIntervalSince1970 * 1_000), duration: 600_000)
        try await repository.records.save(CollectorRecord(epoch: 1, lease: lease))
        let finished = Shared(false)
        let task = Task {
            defer { finished.set(true) }
            return try await repository.commitStaged(message: "waits")
        }
        // While the lease is held the branch cannot move, however long this takes.
        try await Task.sleep(for: .milliseconds(200))
        #expect(!finished.get())
        #expect(try await repository.branchHead("main") == nil)
        try await repository.records.save(CollectorRecord(epoch: 1, lease: nil))
        let entry = try #require(try await task.value)
        #expect(try await repository.branchHead("main") == entry.id)
        #expect(try await repository.verify().isHealthy)
    }

    /// The race the collection rule exists for: an add deduplicates against a chunk of a
    /// deleted branch, and a collection deletes that chunk before the add publishes its staging
    /// area. The add notices, reads its files again and stages whole data.
    @Test func anAddThatDeduplicatedAgainstCollectedDataStagesWholeData() async throws {
        let fixture = try DataFixture()
        let hooked = HookedKeyValueStore(base: fixture.metadata)
        let repository = try await DataRepository.open(
            metadata: hooked, blobs: fixture.blobs,
            options: .init(chunking: DataFixture.smallChunks, defaultAuthor: "tester"))
        let shared = DataFixture.randomBytes(50_000, seed: 61)
        try fixture.write("d/shared.bin", shared)
        try await repository.add(["d"], relativeTo: fixture.root)
        _ = try #require(try await repository.commitStaged(message: "to be dropped", branch: "old"))
        #expect(try await repository.deleteRef("old", kind: .branch))

        // The collector is another process on the same stores, collecting everything unreachable.
        let collector = try await fixture.repository()
        let reports = Shared<[GarbageCollectionReport]>([])
        hooked.beforeCommitWritingStage.withLock {
            $0 = {
                let report = try await collector.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
                reports.set(reports.get() + [report])
            }
        }
        try fixture.write("d/new.txt", "new")
        let added = try await repository.add(["d"], relativeTo: fixture.root)
        let report = try #require(reports.get().first)
        // The collection deleted the old branch's data, the shared chunks with it.
        #expect(report.commits.count == 1 && report.chunksDeleted > 1)
        // The add read the shared file again.
        #expect(added.hashedFiles == 2)

        let commit = try #require(try await repository.commitStaged(message: "whole"))
        let verified = try await repository.verify()
        #expect(verified.isHealthy, "\(verified.problems)")
        try await repository.checkout(commit.id.description, into: fixture.path("out"))
        #expect(try fixture.read("out/d/shared.bin") == shared)
    }

    /// A snapshot whose data a collection deleted is not committed: the commit fails, nothing
    /// names the missing data, and a new snapshot commits.
    @Test func aCommitOfACollectedSnapshotFailsAndPublishesNothing() async throws {
        let fixture = try DataFixture()
        let repository = try await fixture.repository()
        try fixture.write("snap/s.bin", DataFixture.randomBytes(30_000, seed: 71))
        let snapshot = try await repository.snapshot(fixture.path("snap"))
        let collector = try await fixture.repository()
        let report = try await collector.collectGarbage(gracePeriodMilliseconds: 0, now: Self.later())
        #expect(report.trees.count == 1 && report.packs.count == 1)

        let error = await #expect(throws: MLOpsError.self) {
            try await repository.commit(root: snapshot.root, message: "late", branch: "late")
        }
        #expect(error.map(DataRepository.isCollected) == true, "\(String(describing: error))")
        #expect(try await repository.branchHead("late") == nil)
        #expect(try await repository.verify().isHealthy)

        let again = try await repository.snapshot(fixture.path("snap"))
        let commit = try await repository.commit(root: again.root, message: "again", branch: "late")
        try await repository.checkout(commit.id.description, into: fixture.path("out"))
        #expect(try fixture.read("out/s.bin") == DataFixture.randomBytes(30_000, seed: 71))
    }
}

/// A value shared between tasks.
final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) { storage = Mutex(value) }

    func get() -> Value { storage.withLock { $0 } }
    func set(_ value: Value) { storage.withLock { $0 = value } }
}

/// A key-value store that runs a hook once, just before committing the first transaction that
/// writes the staging record — the moment between an add's deduplication and its publication.
final class HookedKeyValueStore: KeyValueStore {
    let base: any KeyValueStore
    let beforeCommitWritingStage = Mutex<(@Sendable () async throws -> Void)?>(nil)

    init(base: any KeyValueStore) { self.base = base }

    func get(_ key: [UInt8]) async throws -> KeyValueEntry? { try await base.get(key) }

    func scan(_ request: KeyScan) async throws -> [KeyValueEntry] { try await base.scan(request) }

    func scan(_ request: KeyScan, visiting body: (BorrowedKeyValueEntry) throws -> Bool) async throws {
        try await base.scan(request, visiting: body)
    }

    @discardableResult
    func commit(_ transaction: KeyValueTransaction) async throws -> UInt64 {
        let stage = Array("stage".utf8)
        let writesStage = transaction.writes.contains { write in
            guard case .put(let key, _) = write else { return false }
            return key.count >= stage.count
                && (0...(key.count - stage.count)).contains { key[$0..<$0 + stage.count].elementsEqual(stage) }
        }
        if writesStage,
            let hook = beforeCommitWritingStage.withLock({ hook in
                defer { hook = nil }
                return hook
            })
        {
            try await hook()
        }
        return try await base.commit(transaction)
    }
}
