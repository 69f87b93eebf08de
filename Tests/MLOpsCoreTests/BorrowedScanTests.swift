import MLOpsCore
import Testing

/// `KeyValueStore.scan(_:visiting:)`: the default implementation (used by the in-memory store
/// and by wrappers) gives the same entries as `scan(_:)`, stops when asked and rethrows.
struct BorrowedScanTests {
    /// A store that implements only the three requirements, so the default is what runs.
    final class Minimal: KeyValueStore {
        let base = InMemoryKeyValueStore()
        func get(_ key: [UInt8]) async throws -> KeyValueEntry? { try await base.get(key) }
        func scan(_ request: KeyScan) async throws -> [KeyValueEntry] { try await base.scan(request) }
        func commit(_ transaction: KeyValueTransaction) async throws -> UInt64 { try await base.commit(transaction) }
    }

    struct Stop: Error {}

    static func fill(_ store: any KeyValueStore) async throws {
        var tx = KeyValueTransaction()
        for i in 0..<50 { tx.put([0x10, UInt8(i)], Array(repeating: UInt8(i), count: i)) }
        tx.put([0x20], [])
        try await store.commit(tx)
    }

    static func visited(_ store: any KeyValueStore, _ request: KeyScan) async throws -> [KeyValueEntry] {
        var entries: [KeyValueEntry] = []
        try await store.scan(request) { entry in
            entries.append(KeyValueEntry(key: Array(entry.key), value: Array(entry.value), version: entry.version))
            return true
        }
        return entries
    }

    @Test(arguments: [false, true])
    func visitingGivesTheEntriesOfScan(minimal: Bool) async throws {
        let store: any KeyValueStore = minimal ? Minimal() : InMemoryKeyValueStore()
        try await Self.fill(store)
        let requests = [
            KeyScan(range: .all), KeyScan(range: .prefix([0x10]), limit: 7),
            KeyScan(range: .prefix([0x10]), order: .descending, limit: 3),
            KeyScan(range: KeyRange(from: [0x10, 5], to: [0x10, 9])), KeyScan(range: .all, limit: 0),
            KeyScan(range: .prefix([0x30])),
        ]
        for request in requests {
            #expect(try await Self.visited(store, request) == store.scan(request))
        }
    }

    @Test func visitingStopsWhenTheBodySaysSoAndRethrows() async throws {
        let store = Minimal()
        try await Self.fill(store)
        var seen = 0
        try await store.scan(KeyScan(range: .all)) { _ in
            seen += 1
            return seen < 4
        }
        #expect(seen == 4)
        await #expect(throws: Stop.self) {
            try await store.scan(KeyScan(range: .all)) { _ in throw Stop() }
        }
    }
}
