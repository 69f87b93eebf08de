import MLOpsCore
import SQLiteStorage
import Testing

/// The SQLite store's own `scan(_:visiting:)`: lends SQLite's buffers, gives exactly the
/// entries of `scan(_:)`, stops early, rethrows the visitor's error and leaves the connection
/// usable afterwards.
struct SQLiteBorrowedScanTests {
    struct Stop: Error {}

    static func fill(_ store: SQLiteKeyValueStore) async throws {
        var tx = KeyValueTransaction()
        for i in 0..<300 {
            tx.put([0x10, UInt8(i / 256), UInt8(i % 256)], Array(repeating: UInt8(i % 251), count: (i * 7) % 900))
        }
        tx.put([0x20], [])
        try await store.commit(tx)
        try await store.commit(KeyValueTransaction(writes: [.put([0x10, 0, 3], [1, 2, 3])]))
    }

    static func visited(_ store: SQLiteKeyValueStore, _ request: KeyScan) async throws -> [KeyValueEntry] {
        var entries: [KeyValueEntry] = []
        try await store.scan(request) { entry in
            entries.append(KeyValueEntry(key: Array(entry.key), value: Array(entry.value), version: entry.version))
            return true
        }
        return entries
    }

    static func open(_ kind: StoreKind, _ directory: TemporaryDirectory, readers: Int) throws -> SQLiteKeyValueStore {
        switch kind {
        case .file:
            return try SQLiteKeyValueStore(path: directory.file("m.sqlite"), options: .init(maxReaders: readers))
        case .memory: return try SQLiteKeyValueStore.inMemory()
        }
    }

    @Test(arguments: StoreKind.allCases, [0, 2])
    func visitingGivesTheEntriesOfScan(kind: StoreKind, readers: Int) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Self.open(kind, directory, readers: readers)
        defer { store.close() }
        try await Self.fill(store)
        let requests = [
            KeyScan(range: .all), KeyScan(range: .prefix([0x10]), limit: 17),
            KeyScan(range: .prefix([0x10]), order: .descending), KeyScan(range: .all, order: .descending, limit: 5),
            KeyScan(range: KeyRange(from: [0x10, 0, 50], to: [0x10, 1, 2])), KeyScan(range: .all, limit: 0),
            KeyScan(range: KeyRange(from: [0x10, 0, 250], to: nil)), KeyScan(range: .prefix([0x30])),
        ]
        for request in requests {
            let visited = try await Self.visited(store, request)
            #expect(visited == (try await store.scan(request)))
        }
        // The empty value is lent as an empty buffer, not a missing one.
        let empty = try await Self.visited(store, .prefix([0x20]))
        #expect(empty == [KeyValueEntry(key: [0x20], value: [], version: 1)])
    }

    @Test(arguments: StoreKind.allCases)
    func visitingStopsRethrowsAndLeavesTheStoreUsable(kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Self.open(kind, directory, readers: 1)
        defer { store.close() }
        try await Self.fill(store)
        var seen = 0
        try await store.scan(KeyScan(range: .all)) { _ in
            seen += 1
            return seen < 10
        }
        #expect(seen == 10)
        await #expect(throws: Stop.self) {
            try await store.scan(KeyScan(range: .all)) { _ in throw Stop() }
        }
        // The statement was reset: the same reader scans and commits go on.
        #expect(try await Self.visited(store, KeyScan(range: .all)).count == 301)
        try await store.commit(KeyValueTransaction(writes: [.put([0x40], [9])]))
        #expect(try await Self.visited(store, .prefix([0x40])).map(\.value) == [[9]])
    }

    @Test func visitingAfterCloseIsInvalidState() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Self.open(.file, directory, readers: 1)
        store.close()
        await #expect(throws: MLOpsError.self) {
            try await store.scan(KeyScan(range: .all)) { _ in true }
        }
    }

    @Test func scansWorkWithAndWithoutMemoryMapping() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for size in [0, 1 << 20] {
            let store = try SQLiteKeyValueStore(
                path: directory.file("m\(size).sqlite"), options: .init(maxReaders: 1, memoryMapSize: size))
            defer { store.close() }
            try await Self.fill(store)
            #expect(try await Self.visited(store, KeyScan(range: .all)).count == 301)
            #expect(store.options.memoryMapSize == size)
        }
    }
}
