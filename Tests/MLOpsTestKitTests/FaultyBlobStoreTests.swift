import MLOpsCore
import MLOpsTestKit
import Testing

struct FaultyBlobStoreTests {
    private func key(_ text: String) throws -> BlobKey { try BlobKey(text) }

    @Test func tornPutLeavesNothingVisible() async throws {
        let base = InMemoryBlobStore()
        let store = FaultyBlobStore(wrapping: base, plan: .tearNthBlobWrite(2, keepingFraction: 0.7))
        let data = TestBytes.pattern(seed: 1, count: 10_000)
        try await store.put(key("a"), data: data)
        let error = try await #require(throws: MLOpsError.self) { try await store.put(key("b"), data: data) }
        #expect(error.code == .injectedFault)
        #expect(try await base.exists(key("b")) == false)
        #expect(try await base.list(prefix: "").map(\.rawValue) == ["a"])
        try await store.put(key("c"), data: data)
        #expect(store.injectedFaultCount == 1)
        #expect(store.operationCount(.put) == 3)
    }

    @Test func tornChunkOfAStreamedWriteLeavesNothingVisible() async throws {
        let base = InMemoryBlobStore()
        let store = FaultyBlobStore(wrapping: base, plan: .tearNthBlobWrite(3))
        let writer = try await store.openWriter(key("streamed"))
        try await writer.write([1, 2, 3])
        try await writer.write([4, 5, 6])
        await #expect(throws: MLOpsError.self) { try await writer.write([7, 8, 9, 10]) }
        try await writer.abort()
        #expect(try await base.exists(key("streamed")) == false)
        #expect(store.operationCount(.writerWrite) == 3)
    }

    @Test func tornLengthIsAlwaysIncomplete() async throws {
        // A tear keeping "all" of the bytes still keeps one byte less: the write is torn.
        let recorder = ChunkRecordingBlobStore()
        let store = FaultyBlobStore(wrapping: recorder, plan: .tearNthBlobWrite(1, keepingFraction: 1.0))
        await #expect(throws: MLOpsError.self) { try await store.put(key("x"), data: [1, 2, 3, 4]) }
        #expect(recorder.chunks == [[1, 2, 3]])
        #expect(recorder.commits == 0)
    }

    @Test func failedWriterCommitIsNotVisibleAndCanBeAborted() async throws {
        let base = InMemoryBlobStore()
        let store = FaultyBlobStore(wrapping: base, plan: .failNthWrite(1, operations: .writerCommit))
        let writer = try await store.openWriter(key("w"))
        try await writer.write([1, 2, 3])
        await #expect(throws: MLOpsError.self) { try await writer.commit() }
        #expect(try await base.exists(key("w")) == false)
        try await writer.abort()
        let second = try await store.openWriter(key("w"))
        try await second.write([4])
        try await second.commit()
        #expect(try await base.get(key("w")) == [4])
    }

    @Test func failAfterApplyingPutStoresTheObject() async throws {
        let base = InMemoryBlobStore()
        let store = FaultyBlobStore(wrapping: base, plan: .failNthWriteAfterApplying(1))
        await #expect(throws: MLOpsError.self) { try await store.put(key("p"), data: [9, 9]) }
        #expect(try await base.get(key("p")) == [9, 9])
        // The caller retries the put after the "failed fsync": same bytes, a no-op.
        try await store.put(key("p"), data: [9, 9])
    }

    @Test func failNthWriteCountsPutsDeletesAndWriterCommits() async throws {
        let base = InMemoryBlobStore()
        let store = FaultyBlobStore(wrapping: base, plan: .failNthWrite(3))
        try await store.put(key("a"), data: [1])  // write 1
        _ = try await store.get(key("a"))  // reads do not count
        _ = try await store.list(prefix: "")
        let writer = try await store.openWriter(key("b"))
        try await writer.write([2])
        try await writer.commit()  // write 2
        await #expect(throws: MLOpsError.self) { try await store.delete(key("a")) }  // write 3
        #expect(try await base.exists(key("a")))
        try await store.delete(key("a"))  // write 4
        #expect(try await base.exists(key("a")) == false)
        #expect(store.operationCount(.writes) == 4)
        #expect(store.operationCount(.reads) == 2)
    }

    @Test func readFaultsFireOnReadsAndReaderChunks() async throws {
        let base = InMemoryBlobStore()
        try await base.put(key("r"), data: TestBytes.pattern(seed: 2, count: 100))
        let plan = FaultPlan(rules: [
            .init(operations: .readerRead, trigger: .nth(2), effect: .fail),
            .init(operations: [.get, .exists, .list], trigger: .always, effect: .fail),
        ])
        let store = FaultyBlobStore(wrapping: base, plan: plan)
        await #expect(throws: MLOpsError.self) { _ = try await store.get(key("r")) }
        await #expect(throws: MLOpsError.self) { _ = try await store.exists(key("r")) }
        await #expect(throws: MLOpsError.self) { _ = try await store.list(prefix: "") }
        let reader = try await store.openReader(key("r"))
        #expect(reader.size == 100)
        #expect(try await reader.read(upTo: 10).count == 10)
        await #expect(throws: MLOpsError.self) { _ = try await reader.read(upTo: 10) }
        #expect(try await reader.read(upTo: 10).count == 10)
        try await reader.close()
        #expect(store.injectedFaultCount == 4)
    }

    @Test func delayedBlobOperationsTakeAtLeastTheDelay() async throws {
        let store = FaultyBlobStore(wrapping: InMemoryBlobStore(), plan: .delay(.milliseconds(20), operations: .put))
        let elapsed = try await ContinuousClock().measure { try await store.put(key("d"), data: [1]) }
        #expect(elapsed >= .milliseconds(20))
    }

    @Test func faultyWrapperWithoutFaultsPassesConformance() async throws {
        var configuration = BlobStoreConformance.Configuration()
        configuration.largeObjectSize = 1 << 20
        try await BlobStoreConformance(configuration: configuration) {
            FaultyBlobStore(wrapping: InMemoryBlobStore())
        }.run()
    }

    @Test func probabilisticTearsNeverExposePartialObjects() async throws {
        let base = InMemoryBlobStore()
        let store = FaultyBlobStore(
            wrapping: base,
            plan: FaultPlan(
                rules: [
                    .init(
                        operations: [.put, .writerWrite], trigger: .probability(0.3),
                        effect: .tear(keepingFraction: 0.5))
                ],
                seed: 5))
        var torn = 0
        for i in 0..<200 {
            let k = try key("obj/\(i)")
            let data = TestBytes.pattern(seed: UInt64(i), count: 1 + i * 13)
            do {
                if i % 2 == 0 {
                    try await store.put(k, data: data)
                } else {
                    let writer = try await store.openWriter(k)
                    var offset = 0
                    while offset < data.count {
                        let end = Swift.min(data.count, offset + 500)
                        try await writer.write(Array(data[offset..<end]))
                        offset = end
                    }
                    try await writer.commit()
                }
            } catch let error as MLOpsError where error.code == .injectedFault {
                torn += 1
                #expect(try await base.exists(k) == false, "torn object \(i) is visible")
                continue
            }
            #expect(try await base.get(k) == data)
        }
        #expect(torn > 30)
        for k in try await base.list(prefix: "obj") {
            let i = Int(k.lastSegment) ?? -1
            #expect(try await base.get(k) == TestBytes.pattern(seed: UInt64(i), count: 1 + i * 13))
        }
    }
}

/// Records what a torn put handed to the writer.
final class ChunkRecordingBlobStore: BlobStore {
    private let state = Counter()
    private let chunkLog = ChunkLog()

    var chunks: [[UInt8]] { chunkLog.chunks }
    var commits: Int { state.value }

    func put(_ key: BlobKey, data: [UInt8]) async throws { state.increment() }
    func get(_ key: BlobKey) async throws -> [UInt8] { throw MLOpsError(.notFound, "nothing") }
    func exists(_ key: BlobKey) async throws -> Bool { false }
    func list(prefix: String) async throws -> [BlobKey] { [] }
    func delete(_ key: BlobKey) async throws {}
    func openWriter(_ key: BlobKey) async throws -> any BlobWriter { Writer(log: chunkLog, commits: state) }

    final class Writer: BlobWriter {
        let log: ChunkLog
        let commits: Counter
        init(log: ChunkLog, commits: Counter) {
            self.log = log
            self.commits = commits
        }
        func write(_ bytes: [UInt8]) async throws { log.append(bytes) }
        func commit() async throws { commits.increment() }
        func abort() async throws {}
    }
}
