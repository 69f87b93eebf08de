@testable import DataVersioning
import Foundation
import MLOpsCore
import Synchronization
import Testing

@Suite struct RemoteTransferTests {
    /// A remote of the given kind: in memory, or a file store in a directory of `fixture`.
    static func remote(_ kind: String, in fixture: DataFixture) throws -> any BlobStore {
        kind == "file" ? try FileBlobStore(root: fixture.path("remote")) : InMemoryBlobStore()
    }

    @Test(arguments: ["memory", "file"])
    func pushThenPullIntoAFreshRepositoryGivesIdenticalCheckouts(remoteKind: String) async throws {
        let source = try DataFixture()
        let remote = try Self.remote(remoteKind, in: source)
        let repository = try await source.repository()
        try RemoteTestSupport.writeDataset(in: source, seed: 1)
        let first = try await RemoteTestSupport.commitData(repository, in: source, "first")
        try await repository.tag("v1")
        try source.write("data/images/deep/c.txt", "changed")
        try source.write("data/new.bin", DataFixture.randomBytes(20_000, seed: 9))
        let second = try await RemoteTestSupport.commitData(repository, in: source, "second")
        try await repository.createBranch("old", at: first.id.description)

        let calls = Mutex<[TransferProgress]>([])
        let pushed = try await repository.push(to: remote) { value in calls.withLock { $0.append(value) } }
        #expect(pushed.refsUpdated.map(\.name) == ["main", "old", "v1"])
        #expect(pushed.refsUpdated.allSatisfy { $0.old == nil && !$0.forced })
        #expect(pushed.objectsSkipped == 0 && pushed.chunksSkipped == 0)
        #expect(pushed.chunksCopied > 10)
        #expect(pushed.packsWritten == 1)
        let chunks = try await RemoteTestSupport.chunks(of: repository, "main")
            .merging(try await RemoteTestSupport.chunks(of: repository, "v1")) { first, _ in first }
        #expect(pushed.chunksCopied == chunks.count)
        #expect(pushed.chunkBytes == chunks.values.reduce(0, +))
        let last = try #require(calls.withLock { $0.last })
        #expect(last.chunks == last.totalChunks && last.chunks == pushed.chunksCopied)
        #expect(last.bytes == last.totalBytes && last.bytes == pushed.chunkBytes)
        #expect(last.objects == last.totalObjects && last.objects == pushed.objectsCopied)
        let inventory = try await RemoteTestSupport.inventory(remote)
        #expect(inventory.objects.count == pushed.objectsCopied)
        #expect(inventory.chunks == Set(chunks.keys))
        #expect(
            try await remote.list(prefix: "data/refs").map(\.rawValue).sorted() == [
                "data/refs/branch/main/@00000000000000000001", "data/refs/branch/old/@00000000000000000001",
                "data/refs/tag/v1/@00000000000000000001",
            ])
        #expect(
            try await remote.get(BlobKey("data/refs/branch/main/@00000000000000000001"))
                == Array((second.id.description + "\n").utf8))

        let target = try DataFixture()
        let clone = try await target.repository()
        let pulled = try await clone.pull(from: remote)
        #expect(pulled.refsUpdated.map(\.name) == ["main", "old", "v1"])
        #expect(pulled.objectsCopied == pushed.objectsCopied)
        #expect(pulled.chunksCopied == pushed.chunksCopied)
        #expect(pulled.chunkBytes == pushed.chunkBytes)
        #expect(try await RemoteTestSupport.refMap(clone) == RemoteTestSupport.refMap(repository))
        for revision in ["main", "v1", "old", "HEAD"] {
            let original = try await RemoteTestSupport.checkout(repository, revision, in: source)
            let copy = try await RemoteTestSupport.checkout(clone, revision, in: target)
            #expect(copy == original, "\(revision)")
            #expect(copy.keys.contains("data/nothing/") && copy.keys.contains("data/run.sh*"))
        }
        #expect(try await clone.log().map(\.id) == [second.id, first.id])
    }

    @Test func aSecondPushOrPullCopiesNothing() async throws {
        let source = try DataFixture()
        let remote = InMemoryBlobStore()
        let repository = try await source.repository()
        try RemoteTestSupport.writeDataset(in: source, seed: 2)
        try await RemoteTestSupport.commitData(repository, in: source, "one")
        try await repository.push(to: remote)
        let keys = try await remote.list(prefix: "")
        let again = try await repository.push(to: remote)
        #expect(again.isEmpty)
        #expect(again.bytes == 0 && again.objectsSkipped == 0)
        #expect(try await remote.list(prefix: "") == keys)

        let target = try DataFixture()
        let clone = try await target.repository()
        #expect(try await clone.pull(from: remote).chunksCopied > 0)
        #expect(try await clone.pull(from: remote).isEmpty)
        // Pushing the clone back finds every ref up to date.
        #expect(try await clone.push(to: remote).isEmpty)
    }

    @Test func afterASmallChangeOnlyTheNewChunksMove() async throws {
        let source = try DataFixture()
        let remote = InMemoryBlobStore()
        let repository = try await source.repository()
        var big = DataFixture.randomBytes(1_000_000, seed: 3)
        try source.write("data/big.bin", big)
        try source.write("data/other/small.txt", "unchanged")
        try source.write("data/other/more.bin", DataFixture.randomBytes(50_000, seed: 4))
        try await RemoteTestSupport.commitData(repository, in: source, "one")
        let first = try await repository.push(to: remote)
        let target = try DataFixture()
        let clone = try await target.repository()
        try await clone.pull(from: remote)

        // Change 1% of the big file in place.
        for index in 500_000..<510_000 { big[index] ^= 0x5A }
        try source.write("data/big.bin", big)
        try await RemoteTestSupport.commitData(repository, in: source, "two")
        let before = try await RemoteTestSupport.chunks(of: repository, "HEAD~1")
        let after = try await RemoteTestSupport.chunks(of: repository, "HEAD")
        let new = after.filter { before[$0.key] == nil }
        let newBytes = new.values.reduce(0, +)
        #expect(!new.isEmpty)
        #expect(newBytes < 60_000, "a 10 kB change should touch a few 4 kB chunks")

        let second = try await repository.push(to: remote)
        #expect(second.chunksCopied == new.count)
        #expect(second.chunkBytes == newBytes)
        #expect(second.chunkBytes * 10 < first.chunkBytes)
        // The commit, the root and data/ trees, and the big file's chunk list; data/other is skipped.
        #expect(second.objectsCopied == 4)
        #expect(second.objectsSkipped == 2, "the parent commit and data/other")
        #expect(second.refsUpdated.map(\.old) == [try await repository.resolve("HEAD~1")])

        let pulled = try await clone.pull(from: remote)
        #expect(pulled.chunksCopied == new.count)
        #expect(pulled.chunkBytes == newBytes)
        #expect(pulled.objectsCopied == 4)
        #expect(try await clone.readFile("data/big.bin") == big)
    }

    @Test func nonFastForwardUpdatesAreRefusedUnlessForcedAndTagsNeverMove() async throws {
        let remote = InMemoryBlobStore()
        let one = try DataFixture()
        let alice = try await one.repository()
        try one.write("data/a.txt", "base")
        let base = try await RemoteTestSupport.commitData(alice, in: one, "base")
        try await alice.push(to: remote)

        let two = try DataFixture()
        let bob = try await two.repository()
        try await bob.pull(from: remote)
        try two.write("data/a.txt", "bob")
        let bobs = try await RemoteTestSupport.commitData(bob, in: two, "bob")
        #expect(bobs.commit.parents == [base.id])
        let fastForward = try await bob.push(to: remote)
        #expect(fastForward.refsUpdated.map(\.forced) == [false])
        #expect(fastForward.refsUpdated.first?.old == base.id)

        try one.write("data/a.txt", "alice")
        let alices = try await RemoteTestSupport.commitData(alice, in: one, "alice")
        let keys = try await remote.list(prefix: "")
        await #expect(throws: MLOpsError.conflict) { try await alice.push(to: remote) }
        #expect(try await remote.list(prefix: "") == keys, "a refused push sends nothing")
        #expect(try await RemoteRefLog(store: remote).latest(.branch, "main")?.commit == bobs.id)

        // Pulling the diverged branch is refused too; forcing overwrites the local branch.
        await #expect(throws: MLOpsError.conflict) { try await alice.pull(from: remote) }
        #expect(try await alice.resolve("main") == alices.id)

        let forced = try await alice.push(to: remote, force: true)
        #expect(forced.refsUpdated.map(\.forced) == [true])
        #expect(try await RemoteRefLog(store: remote).latest(.branch, "main")?.version == 3)
        await #expect(throws: MLOpsError.conflict) { try await bob.pull(from: remote) }
        let overwritten = try await bob.pull(from: remote, force: true)
        #expect(overwritten.refsUpdated.map(\.forced) == [true])
        #expect(try await bob.resolve("main") == alices.id)
        #expect(try await bob.readFile("data/a.txt") == Array("alice".utf8))

        // Tags: created once, never moved, not even by force, either way.
        try await alice.tag("v1", at: base.id.description)
        try await alice.push(to: remote, refs: ["v1"])
        try await bob.tag("v1", at: bobs.id.description)
        await #expect(throws: MLOpsError.conflict) { try await bob.push(to: remote, refs: ["v1"], force: true) }
        await #expect(throws: MLOpsError.conflict) { try await bob.pull(from: remote, refs: ["v1"], force: true) }
        #expect(try await RemoteRefLog(store: remote).latest(.tag, "v1")?.commit == base.id)
        #expect(try await bob.resolve("v1") == bobs.id)
    }

    @Test func refsSelectWhatIsTransferred() async throws {
        let remote = InMemoryBlobStore()
        let source = try DataFixture()
        let repository = try await source.repository()
        try source.write("data/a.txt", "a")
        let first = try await RemoteTestSupport.commitData(repository, in: source, "a")
        try await repository.createBranch("dev")
        try await repository.switchBranch(to: "dev")
        try source.write("data/b.txt", "b")
        let dev = try await RemoteTestSupport.commitData(repository, in: source, "b")
        try await repository.switchBranch(to: "main")

        await #expect(throws: MLOpsError.notFound) { try await repository.push(to: remote, refs: ["nope"]) }
        await #expect(throws: MLOpsError.invalidArgument) { try await repository.push(to: remote, refs: ["../x"]) }
        let onlyMain = try await repository.push(to: remote, refs: ["HEAD"])
        #expect(onlyMain.refsUpdated.map(\.name) == ["main"])
        #expect(try await RemoteRefLog(store: remote).all().map(\.name) == ["main"])
        let devPush = try await repository.push(to: remote, refs: ["dev", "dev"])
        #expect(devPush.refsUpdated.map(\.name) == ["dev"])
        #expect(devPush.objectsCopied == 3, "dev's commit, root and data/ trees")
        #expect(devPush.chunksCopied == 1 && devPush.chunksSkipped == 1)

        let target = try DataFixture()
        let clone = try await target.repository()
        await #expect(throws: MLOpsError.notFound) { try await clone.pull(from: remote, refs: ["v9"]) }
        let pulled = try await clone.pull(from: remote, refs: ["dev"])
        #expect(pulled.refsUpdated.map(\.name) == ["dev"])
        #expect(try await clone.branchHead("main") == nil)
        #expect(try await clone.resolve("dev") == dev.id)
        #expect(try await clone.resolve("dev~1") == first.id)
        let rest = try await clone.pull(from: remote)
        #expect(rest.refsUpdated.map(\.name) == ["main"])
        #expect(rest.objectsCopied == 0 && rest.chunksCopied == 0)
    }

    @Test func concurrentPushesOfDivergedCommitsLandExactlyOnce() async throws {
        for round in 0..<8 {
            let remote = InMemoryBlobStore()
            let one = try DataFixture()
            let alice = try await one.repository()
            try one.write("data/a.txt", "base")
            try await RemoteTestSupport.commitData(alice, in: one, "base")
            try await alice.push(to: remote)
            let two = try DataFixture()
            let bob = try await two.repository()
            try await bob.pull(from: remote)
            try one.write("data/a.txt", "alice \(round)")
            let alices = try await RemoteTestSupport.commitData(alice, in: one, "alice")
            try two.write("data/a.txt", "bob \(round)")
            let bobs = try await RemoteTestSupport.commitData(bob, in: two, "bob")

            async let first = outcome { try await alice.push(to: remote) }
            async let second = outcome { try await bob.push(to: remote) }
            let results = await [first, second]
            let winners = results.enumerated().filter { (try? $0.element.get()) != nil }.map(\.offset)
            #expect(winners.count == 1)
            for case .failure(let error) in results { #expect((error as? MLOpsError)?.code == .conflict) }
            let head = try await RemoteRefLog(store: remote).latest(.branch, "main")
            #expect(head?.commit == (winners == [0] ? alices.id : bobs.id))
            #expect(head?.version == 2)
        }
    }

    @Test func aBranchMovedByAnotherPushDuringThePushIsRefusedAtTheEnd() async throws {
        let base = InMemoryBlobStore()
        let one = try DataFixture()
        let alice = try await one.repository()
        try one.write("data/a.txt", "base")
        try await RemoteTestSupport.commitData(alice, in: one, "base")
        try await alice.push(to: base)
        let two = try DataFixture()
        let bob = try await two.repository()
        try await bob.pull(from: base)
        try two.write("data/a.txt", "bob")
        let bobs = try await RemoteTestSupport.commitData(bob, in: two, "bob")
        try one.write("data/a.txt", "alice")
        let alices = try await RemoteTestSupport.commitData(alice, in: one, "alice")
        try await alice.tag("t")

        // Bob's push lands after Alice's checks, just before her first ref update.
        let remote = RefHookBlobStore(base: base) { try await bob.push(to: base) }
        let error = await #expect(throws: MLOpsError.conflict) { try await alice.push(to: remote) }
        #expect(error?.value == "main")
        #expect(error?.message.contains("the other refs were updated") == true)
        let log = RemoteRefLog(store: base)
        #expect(try await log.latest(.branch, "main")?.commit == bobs.id)
        #expect(try await log.latest(.tag, "t")?.commit == alices.id)
        // Alice's objects arrived; forcing now sends only the ref.
        let forced = try await alice.push(to: base, force: true)
        #expect(forced.objectsCopied == 0 && forced.chunksCopied == 0)
        #expect(forced.refsUpdated.map(\.forced) == [true])
    }

    @Test func aPackIndexThatDisagreesWithAChunksLengthIsRefused() async throws {
        let source = try DataFixture()
        let repository = try await source.repository()
        try source.write("data/a.bin", DataFixture.randomBytes(30_000, seed: 8))
        try await RemoteTestSupport.commitData(repository, in: source, "one")
        let remote = InMemoryBlobStore()
        try await repository.push(to: remote)
        let indexKey = try #require(try await remote.list(prefix: "data/packs").first { $0.rawValue.hasSuffix(".idx") })
        let name = String(indexKey.lastSegment.dropLast(4))
        var index = try PackIndex(decoding: try await remote.get(indexKey), name: name)
        index.entries[0].length += 1
        try await remote.delete(indexKey)
        try await remote.put(indexKey, data: index.encoded)
        let clone = try await DataFixture().repository()
        let error = await #expect(throws: MLOpsError.corruptData) { try await clone.pull(from: remote) }
        #expect(error?.message.contains("gives a chunk a length") == true, "refused before reading the pack")
        #expect(try await clone.refs().isEmpty)
    }

    @Test func theRefLogIsCompareAndSwap() async throws {
        let remote = InMemoryBlobStore()
        let log = RemoteRefLog(store: remote)
        let a = ObjectID.of([1])
        let b = ObjectID.of([2])
        #expect(try await log.latest(.branch, "main") == nil)
        try await log.append(.branch, "main", commit: a, after: nil)
        await #expect(throws: MLOpsError.conflict) { try await log.append(.branch, "main", commit: b, after: nil) }
        try await log.append(.branch, "main", commit: a, after: nil)  // the same update again is a no-op
        try await log.append(.branch, "main", commit: b, after: 1)
        try await log.append(.branch, "main/x", commit: a, after: nil)
        try await log.append(.tag, "main", commit: a, after: nil)
        #expect(try await log.latest(.branch, "main")?.commit == b)
        #expect(try await log.latest(.branch, "main")?.version == 2)
        #expect(try await log.latest(.branch, "main/x")?.commit == a)
        let all = try await log.all()
        #expect(
            all.map { "\($0.kind.rawValue):\($0.name)@\($0.version)" } == [
                "branch:main@2", "branch:main/x@1", "tag:main@1",
            ])
        await #expect(throws: MLOpsError(.limitExceeded, "")) {
            try await log.append(.branch, "full", commit: a, after: UInt64.max)
        }
    }
}

/// A blob store that runs `hook` once, before the first ref update is put.
final class RefHookBlobStore: BlobStore {
    let base: any BlobStore
    private let hook: Mutex<(@Sendable () async throws -> Void)?>

    init(base: any BlobStore, hook: @escaping @Sendable () async throws -> Void) {
        self.base = base
        self.hook = Mutex(hook)
    }

    func put(_ key: BlobKey, data: [UInt8]) async throws {
        if key.hasSegmentPrefix("data/refs"),
            let hook = hook.withLock({ hook in
                defer { hook = nil }
                return hook
            })
        {
            try await hook()
        }
        try await base.put(key, data: data)
    }

    func get(_ key: BlobKey) async throws -> [UInt8] { try await base.get(key) }
    func exists(_ key: BlobKey) async throws -> Bool { try await base.exists(key) }
    func list(prefix: String) async throws -> [BlobKey] { try await base.list(prefix: prefix) }
    func delete(_ key: BlobKey) async throws { try await base.delete(key) }
}

/// The outcome of `body`, caught.
func outcome<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do {
        return .success(try await body())
    } catch {
        return .failure(error)
    }
}
