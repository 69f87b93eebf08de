@testable import DataVersioning
import Foundation
import MLOpsCore
import MLOpsTestKit
import Testing

@Suite struct RemoteFailureTests {
    /// Small packs, so a small dataset spans several.
    static let packSize = 16 << 10

    /// A repository with two commits on `main` and a tag, and its fixture.
    static func sourceRepository() async throws -> (DataFixture, DataRepository) {
        let fixture = try DataFixture()
        let repository = try await fixture.repository()
        try RemoteTestSupport.writeDataset(in: fixture, seed: 5)
        try await RemoteTestSupport.commitData(repository, in: fixture, "one")
        try await repository.tag("v1")
        try fixture.write("data/images/deep/b.bin", DataFixture.randomBytes(40_000, seed: 6))
        try await RemoteTestSupport.commitData(repository, in: fixture, "two")
        return (fixture, repository)
    }

    /// Pulls everything from `remote` into a fresh repository and checks out every ref, proving
    /// that no visible ref names a commit with missing or damaged objects; returns the clone.
    @discardableResult
    static func expectConsistent(_ remote: any BlobStore) async throws -> DataRepository {
        let fixture = try DataFixture()
        let clone = try await fixture.repository()
        try await clone.pull(from: remote)
        for ref in try await clone.refs() {
            _ = try await RemoteTestSupport.checkout(clone, ref.commit.description, in: fixture)
        }
        return clone
    }

    @Test func aCorruptedChunkOnTheRemoteIsDetectedAndNothingReferringToItIsStored() async throws {
        let (source, repository) = try await Self.sourceRepository()
        let remote = InMemoryBlobStore()
        try await repository.push(to: remote)

        // Flip a byte in the middle of one chunk of data/images/a.bin, inside the remote's pack.
        let entry = try #require(
            try await repository.entry(at: "data/images/a.bin", in: repository.commit(repository.resolve("main")).root))
        let list = try await repository.chunkList(entry.id)
        let damaged = list.chunks[list.chunks.count / 2].id.digest
        let remotePacks = PackStore(blobs: remote)
        try await remotePacks.refresh()
        let location = try #require(remotePacks.location(of: damaged))
        let key = PackStore.packKey(location.pack)
        let original = try await remote.get(key)
        var bytes = original
        bytes[Int(location.offset) + Int(location.length) / 2] ^= 0xFF
        try await remote.delete(key)
        try await remote.put(key, data: bytes)

        let target = try DataFixture()
        let clone = try await target.repository()
        await #expect(throws: MLOpsError.corruptData) { try await clone.pull(from: remote) }
        #expect(try await clone.refs().isEmpty)
        let head = try await repository.resolve("main")
        await #expect(throws: MLOpsError.notFound) { try await clone.commit(head) }
        await #expect(throws: MLOpsError.notFound) { try await clone.commit(try await repository.resolve("v1")) }
        await #expect(throws: MLOpsError.notFound) { try await clone.tree(try await repository.commit(head).root) }
        await #expect(throws: MLOpsError.notFound) { try await clone.chunkList(entry.id) }
        let local = PackStore(blobs: target.blobs)
        try await local.refresh()
        #expect(!local.contains(damaged))

        // Repaired, the pull completes and fetches only what it still lacks.
        try await remote.delete(key)
        try await remote.put(key, data: original)
        let pulled = try await clone.pull(from: remote)
        #expect(pulled.refsUpdated.count == 2)
        #expect(pulled.chunksCopied + local.snapshot().count == Set(remotePacks.snapshot().keys).count)
        #expect(
            try await RemoteTestSupport.checkout(clone, "main", in: target)
                == RemoteTestSupport.checkout(repository, "main", in: source))
    }

    @Test func damagedOrMalformedRemoteObjectsAreRefused() async throws {
        let (_, repository) = try await Self.sourceRepository()
        let remote = InMemoryBlobStore()
        try await repository.push(to: remote)
        let root = try await repository.commit(repository.resolve("main")).root

        // A tree whose bytes no longer match its key.
        let treeKey = RemoteLayout.objectKey(.tree, root)
        let tree = try await remote.get(treeKey)
        try await remote.delete(treeKey)
        try await remote.put(treeKey, data: tree.dropLast() + [tree.last.map { $0 ^ 1 } ?? 0])
        let clone = try await DataFixture().repository()
        await #expect(throws: MLOpsError.corruptData) { try await clone.pull(from: remote, refs: ["main"]) }
        #expect(try await clone.refs().isEmpty)
        try await remote.delete(treeKey)
        try await remote.put(treeKey, data: tree)

        // Objects that match their keys but do not decode: a tree, then a commit.
        let garbage = Array("MLDVTR1\0 not a tree".utf8)
        let badTree = ObjectID.of(garbage)
        try await remote.put(RemoteLayout.objectKey(.tree, badTree), data: garbage)
        let commit = DataCommit(
            root: badTree, parents: [], author: "x", message: "bad", timestampMilliseconds: 0, size: 0, fileCount: 0)
        try await remote.put(RemoteLayout.objectKey(.commit, commit.id), data: commit.encoded)
        let log = RemoteRefLog(store: remote)
        try await log.append(.branch, "bad-tree", commit: commit.id, after: nil)
        let notCommit = Array("MLDVCM1\0 not a commit".utf8)
        try await remote.put(RemoteLayout.objectKey(.commit, ObjectID.of(notCommit)), data: notCommit)
        try await log.append(.branch, "bad-commit", commit: ObjectID.of(notCommit), after: nil)
        try await log.append(.branch, "missing", commit: ObjectID.of([7]), after: nil)
        for name in ["bad-tree", "bad-commit"] {
            await #expect(throws: MLOpsError.corruptData) { try await clone.pull(from: remote, refs: [name]) }
        }
        await #expect(throws: MLOpsError.notFound) { try await clone.pull(from: remote, refs: ["missing"]) }
        #expect(try await clone.refs().isEmpty)
        #expect(try await clone.pull(from: remote, refs: ["main"]).refsUpdated.count == 1)

        // A ref update that is not a commit id, and a stray key among the refs.
        try await remote.put(BlobKey("data/refs/branch/text/@00000000000000000001"), data: Array("main\n".utf8))
        await #expect(throws: MLOpsError.corruptData) { try await clone.pull(from: remote, refs: ["text"]) }
        try await remote.put(BlobKey("data/refs/branch/stray"), data: [1])
        await #expect(throws: MLOpsError.corruptData) { try await clone.pull(from: remote) }
        try await remote.put(BlobKey("data/refs/branch/main/junk"), data: [1])
        await #expect(throws: MLOpsError.corruptData) { try await repository.push(to: remote, refs: ["main"]) }

        // A damaged pack index makes both directions fail rather than trust it.
        let damagedIndex = InMemoryBlobStore()
        try await damagedIndex.put(BlobKey("data/packs/01J00000000000000000000000.idx"), data: Array("MLDVIDX1".utf8))
        await #expect(throws: MLOpsError.corruptData) { try await repository.push(to: damagedIndex) }
        #expect(try await damagedIndex.list(prefix: "").count == 1, "nothing was sent")
        try await remote.delete(BlobKey("data/refs/branch/main/junk"))
        for key in try await remote.list(prefix: "data/refs") {
            try await damagedIndex.put(key, data: try await remote.get(key))
        }
        for key in try await remote.list(prefix: "data/objects") {
            try await damagedIndex.put(key, data: try await remote.get(key))
        }
        await #expect(throws: MLOpsError.corruptData) {
            try await DataFixture().repository().pull(from: damagedIndex, refs: ["main"])
        }
    }

    @Test func aPackThatReadsBackWrongIsNeverIndexed() async throws {
        let (_, repository) = try await Self.sourceRepository()
        let remote = PackCorruptingBlobStore()
        await #expect(throws: MLOpsError.corruptData) { try await repository.push(to: remote) }
        let keys = try await remote.base.list(prefix: "").map(\.rawValue)
        #expect(keys.contains { $0.hasSuffix(".pack") })
        #expect(!keys.contains { $0.hasSuffix(".idx") || $0.hasPrefix("data/objects") || $0.hasPrefix("data/refs") })
        let healthy = try await repository.push(to: remote.base)
        #expect(healthy.refsUpdated.count == 2)
        try await Self.expectConsistent(remote.base)
    }

    @Test(arguments: PackCorruptingBlobStore.Damage.allCases)
    func writtenPacksAreCheckedChunkByChunkBeforeTheirIndex(damage: PackCorruptingBlobStore.Damage) async throws {
        var builder = PackBuilder()
        let chunks = [[], DataFixture.randomBytes(3_000, seed: 1), [], DataFixture.randomBytes(5, seed: 2), []]
        for chunk in chunks { chunk.withUnsafeBytes { builder.append(SHA256.hash($0), $0) } }
        let healthy = PackStore(blobs: InMemoryBlobStore())
        let name = try await healthy.writeVerified(builder)
        for chunk in chunks { #expect(try await healthy.read(SHA256.hash(chunk)) == chunk) }
        #expect(try await healthy.blobs.exists(PackStore.indexKey(name)))

        let store = PackCorruptingBlobStore(damage)
        let damaged = PackStore(blobs: store)
        await #expect(throws: MLOpsError.corruptData) { try await damaged.writeVerified(builder) }
        let keys = try await store.base.list(prefix: "")
        #expect(keys.count == 1 && keys[0].rawValue.hasSuffix(".pack"))
        #expect(damaged.packs().isEmpty)
    }

    @Test func anInterruptedPushLeavesTheRemoteConsistentAndResumesWithTheRemainder() async throws {
        let (source, repository) = try await Self.sourceRepository()
        let probe = FaultyBlobStore(wrapping: InMemoryBlobStore())
        let full = try await repository.push(
            to: probe, refs: nil, force: false, packTargetSize: Self.packSize, progress: nil)
        let puts = probe.operationCount(.put)
        #expect(full.packsWritten >= 4)
        #expect(puts == 2 * full.packsWritten + full.objectsCopied + full.refsUpdated.count)
        let expected = try await RemoteTestSupport.checkout(repository, "main", in: source)

        for kill in 0..<puts {
            for plan in [
                FaultPlan.failWrites(after: kill, operations: .put), FaultPlan.tearNthBlobWrite(kill + 1),
            ] {
                let remote = InMemoryBlobStore()
                let faulty = FaultyBlobStore(wrapping: remote, plan: plan)
                await #expect(throws: MLOpsError(.injectedFault, "")) {
                    try await repository.push(
                        to: faulty, refs: nil, force: false, packTargetSize: Self.packSize, progress: nil)
                }
                // Whatever refs are visible name complete commits.
                try await Self.expectConsistent(remote)
                let left = try await RemoteTestSupport.inventory(remote)
                let refsLeft = try await RemoteRefLog(store: remote).all().count
                #expect(refsLeft < full.refsUpdated.count)

                let resumed = try await repository.push(
                    to: remote, refs: nil, force: false, packTargetSize: Self.packSize, progress: nil)
                #expect(resumed.chunksCopied == full.chunksCopied - left.chunks.count, "kill after \(kill) puts")
                #expect(resumed.objectsCopied == full.objectsCopied - left.objects.count, "kill after \(kill) puts")
                #expect(resumed.refsUpdated.count == full.refsUpdated.count - refsLeft)
                let clone = try await Self.expectConsistent(remote)
                let target = try DataFixture()
                #expect(try await RemoteTestSupport.checkout(clone, "main", in: target) == expected)
                #expect(try await repository.push(to: remote).isEmpty)
            }
        }
    }

    @Test func aLostAcknowledgementOfTheLastRefUpdateIsHarmless() async throws {
        let (_, repository) = try await Self.sourceRepository()
        let probe = FaultyBlobStore(wrapping: InMemoryBlobStore())
        try await repository.push(to: probe)
        let remote = InMemoryBlobStore()
        let faulty = FaultyBlobStore(
            wrapping: remote, plan: .failNthWriteAfterApplying(probe.operationCount(.put), operations: .put))
        await #expect(throws: MLOpsError(.injectedFault, "")) { try await repository.push(to: faulty) }
        #expect(try await repository.push(to: remote).isEmpty)
        #expect(try await RemoteRefLog(store: remote).all().map(\.version) == [1, 1])
    }

    @Test func anInterruptedPullLeavesTheRepositoryConsistentAndResumes() async throws {
        let (source, repository) = try await Self.sourceRepository()
        let remote = InMemoryBlobStore()
        try await repository.push(to: remote, refs: nil, force: false, packTargetSize: Self.packSize, progress: nil)
        let expected = try await RemoteTestSupport.checkout(repository, "main", in: source)
        let probeFixture = try DataFixture(blobs: FaultyBlobStore(wrapping: InMemoryBlobStore()))
        let full = try await probeFixture.repository().pull(
            from: remote, refs: nil, force: false, packTargetSize: Self.packSize, progress: nil)
        let puts = try #require(probeFixture.blobs as? FaultyBlobStore).operationCount(.put)
        #expect(puts == 2 * full.packsWritten)

        for kill in 0..<puts {
            let faulty = FaultyBlobStore(
                wrapping: InMemoryBlobStore(), plan: .failWrites(after: kill, operations: .put))
            let fixture = try DataFixture(blobs: faulty)
            let clone = try await fixture.repository()
            await #expect(throws: MLOpsError(.injectedFault, "")) {
                try await clone.pull(
                    from: remote, refs: nil, force: false, packTargetSize: Self.packSize, progress: nil)
            }
            #expect(try await clone.refs().isEmpty)
            let local = PackStore(blobs: faulty.base)
            try await local.refresh()
            faulty.setPlan(.none)
            let resumed = try await clone.pull(from: remote)
            #expect(resumed.chunksCopied == full.chunksCopied - local.snapshot().count, "kill after \(kill) puts")
            #expect(resumed.objectsCopied == full.objectsCopied)
            #expect(try await RemoteTestSupport.checkout(clone, "main", in: fixture) == expected)
        }
    }
}
