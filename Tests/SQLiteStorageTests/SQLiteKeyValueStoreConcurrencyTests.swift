import Foundation
import MLOpsCore
import MLOpsTestKit
import SQLiteStorage
import Testing

@Suite("SQLiteKeyValueStore concurrency")
struct SQLiteKeyValueStoreConcurrencyTests {
    static let counter = bytes("counter")

    /// Increments the counter `times` times with optimistic transactions.
    ///
    /// Every task really runs at once (the store's calls suspend instead of holding one of the few
    /// cooperative threads), and two store instances compete for SQLite's write lock through its busy
    /// handler, which is not fair: a task may lose many more rounds than the default 64 attempts allow,
    /// as with the multi-process counter.
    static func increment(_ store: SQLiteKeyValueStore, times: Int) async throws {
        for _ in 0..<times {
            try await store.transaction(maxAttempts: 100_000) { tx in
                let current = try await tx.get(counter).flatMap { TestBytes.decode($0.value) } ?? 0
                tx.put(counter, TestBytes.encode(current + 1))
            }
        }
    }

    static func count(_ store: SQLiteKeyValueStore) async throws -> UInt64? {
        try await store.get(counter).flatMap { TestBytes.decode($0.value) }
    }

    @Test("two store instances on one file (two processes' worth of connections) lose no update")
    func twoInstancesOneFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("shared.sqlite")
        let first = try SQLiteKeyValueStore(path: path)
        let second = try SQLiteKeyValueStore(path: path)
        defer {
            first.close()
            second.close()
        }
        let tasksPerStore = 6
        let increments = 20
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<(2 * tasksPerStore) {
                let store = index.isMultiple(of: 2) ? first : second
                group.addTask { try await Self.increment(store, times: increments) }
            }
            try await group.waitForAll()
        }
        let expected = UInt64(2 * tasksPerStore * increments)
        #expect(try await Self.count(first) == expected)
        #expect(try await Self.count(second) == expected)
        // Each increment was one commit on one shared counter: the version counts them too.
        #expect(try await first.commit(KeyValueTransaction()) == expected)
    }

    @Test("many stores opening one new file at once all succeed")
    func concurrentOpen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("fresh.sqlite")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let store = try SQLiteKeyValueStore(path: path)
                    defer { store.close() }
                    try await Self.increment(store, times: 5)
                }
            }
            try await group.waitForAll()
        }
        let store = try SQLiteKeyValueStore(path: path)
        defer { store.close() }
        #expect(try await Self.count(store) == 40)
    }

    @Test("scans see whole commits only, while a writer rewrites the range")
    func scansSeeSnapshots() async throws {
        try await withFileStore { store, _ in
            let keys = (0..<50).map { bytes("row/\($0)") }
            let rounds = 100
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for round in 0..<rounds {
                        var transaction = KeyValueTransaction()
                        for key in keys { transaction.put(key, TestBytes.encode(UInt64(round))) }
                        try await store.commit(transaction)
                    }
                }
                for _ in 0..<3 {
                    group.addTask {
                        for _ in 0..<rounds {
                            let entries = try await store.scan(.prefix(bytes("row/")))
                            guard let first = entries.first else { continue }
                            #expect(entries.count == keys.count)
                            #expect(entries.allSatisfy { $0.value == first.value && $0.version == first.version })
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("a lock held past the busy timeout gives busy, then the store recovers")
    func busyTimeout() async throws {
        var options = SQLiteKeyValueStore.Options()
        options.busyTimeout = .milliseconds(300)
        try await withFileStore(options: options) { store, directory in
            let other = try RawSQLite(directory.file("metadata.sqlite"))
            try other.execute("BEGIN IMMEDIATE")
            let started = ContinuousClock.now
            do {
                try await store.commit(KeyValueTransaction(writes: [.put(bytes("k"), bytes("v"))]))
                Issue.record("the commit should have timed out")
            } catch let error as MLOpsError {
                #expect(error.code == .busy)
            }
            #expect(ContinuousClock.now - started >= .milliseconds(250))
            // Readers are not blocked by a writer in WAL mode.
            #expect(try await store.get(bytes("k")) == nil)
            try other.execute("ROLLBACK")
            try await store.commit(KeyValueTransaction(writes: [.put(bytes("k"), bytes("v"))]))
            #expect(try await store.get(bytes("k"))?.value == bytes("v"))
        }
    }

    @Test(
        "long stress: many tasks on three store instances",
        .enabled(if: ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1"))
    func stress() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("stress.sqlite")
        let stores = try (0..<3).map { _ in try SQLiteKeyValueStore(path: path) }
        defer { for store in stores { store.close() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                let store = stores[index % stores.count]
                group.addTask { try await Self.increment(store, times: 200) }
            }
            try await group.waitForAll()
        }
        #expect(try await Self.count(stores[0]) == 24 * 200)
        #expect(try stores[1].checkIntegrity() == [])
    }
}
