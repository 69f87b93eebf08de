import MLOpsCore
import MLOpsTestKit
import Testing

struct RecordingKeyValueStoreTests {
    private let a = Array("a".utf8)
    private let b = Array("b".utf8)

    @Test func recordsEveryOperationWithItsOutcome() async throws {
        let store = RecordingKeyValueStore(wrapping: InMemoryKeyValueStore())
        let version = try await store.commit(KeyValueTransaction(writes: [.put(a, [1]), .put(b, [2])]))
        _ = try await store.get(a)
        _ = try await store.get(Array("missing".utf8))
        _ = try await store.scan(.prefix([], limit: 1))
        await #expect(throws: MLOpsError.self) {
            try await store.commit(KeyValueTransaction(checks: [.absent(a)], writes: [.delete(a)]))
        }
        try await store.commit(KeyValueTransaction(checks: [.version(a, version)]))

        #expect(
            store.events == [
                .commit(
                    KeyValueTransaction(writes: [.put(a, [1]), .put(b, [2])]), outcome: .committed(version: version)),
                .get(key: a, outcome: .found(true)),
                .get(key: Array("missing".utf8), outcome: .found(false)),
                .scan(.prefix([], limit: 1), outcome: .entries(1)),
                .commit(KeyValueTransaction(checks: [.absent(a)], writes: [.delete(a)]), outcome: .failed(.conflict)),
                .commit(KeyValueTransaction(checks: [.version(a, version)]), outcome: .committed(version: version)),
            ])
        let counts = store.counts
        #expect(counts.gets == 2)
        #expect(counts.scans == 1)
        #expect(counts.commits == 3)
        #expect(counts.writeCommits == 1)
        #expect(counts.conflicts == 1)
        #expect(counts.failures == 0)
        #expect(counts.writes == 2)
        #expect(store.writtenKeys == [a, b])
        #expect(store.committedTransactions.count == 2)
    }

    @Test func recordsOtherFailuresAndRethrowsThemUnchanged() async throws {
        let store = RecordingKeyValueStore(
            wrapping: FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: .failNthWrite(1)))
        let error = try await #require(throws: MLOpsError.self) { try await store.put(a, [1]) }
        #expect(error.code == .injectedFault)
        #expect(store.counts.failures == 1)
        #expect(store.counts.conflicts == 0)
        #expect(store.events.last?.outcome == .failed(.injectedFault))
    }

    @Test func countsTheCommitsOfARetriedTransaction() async throws {
        let store = RecordingKeyValueStore(wrapping: InMemoryKeyValueStore())
        let attempts = Counter()
        try await store.transaction { tx in
            _ = try await tx.get(a)
            attempts.increment()
            if attempts.value == 1 { try await store.base.put(a, [0]) }  // interfere, unrecorded
            tx.put(a, [1])
        }
        #expect(store.counts.commits == 2)
        #expect(store.counts.conflicts == 1)
        #expect(store.counts.gets == 2)
        #expect(store.writtenKeys == [a])
        store.reset()
        #expect(store.events.isEmpty)
        #expect(store.counts == RecordingKeyValueStore.Counts())
    }

    @Test func recordingWrapperPassesConformance() async throws {
        try await KeyValueStoreConformance(configuration: .small) {
            RecordingKeyValueStore(wrapping: InMemoryKeyValueStore())
        }.run()
    }
}
