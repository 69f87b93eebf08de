import MLOpsCore
import MLOpsTestKit
import SQLiteStorage
import Testing

@Suite("SQLiteKeyValueStore behaviour")
struct SQLiteKeyValueStoreTests {
    static let binaryKeys: [[UInt8]] = [
        [], [0x00], [0x00, 0x00], [0x00, 0x01], [0x00, 0xFF], [0x01], [0x7F], [0x80], [0x80, 0x00],
        [0xFE, 0xFF], [0xFF], [0xFF, 0x00], [0xFF, 0xFF], [0xFF, 0xFF, 0xFF], bytes("a"), bytes("ab"),
        bytes("abc"), bytes("abd"), bytes("b"),
    ]

    static func sorted(_ keys: [[UInt8]]) -> [[UInt8]] {
        keys.sorted { KeyRange.compare($0, $1) < 0 }
    }

    static func putAll(_ store: SQLiteKeyValueStore, _ keys: [[UInt8]]) async throws {
        var transaction = KeyValueTransaction()
        // Insert in a scrambled order so that the store, not the caller, does the sorting.
        for key in keys.reversed().enumerated().sorted(by: { $0.offset % 3 < $1.offset % 3 }).map(\.element) {
            transaction.put(key, key + [0xAA])
        }
        try await store.commit(transaction)
    }

    @Test("binary keys sort by unsigned bytes, shorter first", arguments: StoreKind.allCases)
    func binaryKeyOrdering(kind: StoreKind) async throws {
        try await kind.with { store in
            try await Self.putAll(store, Self.binaryKeys)
            let ascending = try await store.scan(KeyScan(range: .all))
            #expect(ascending.map(\.key) == Self.sorted(Self.binaryKeys))
            #expect(ascending.allSatisfy { $0.value == $0.key + [0xAA] })
            let descending = try await store.scan(KeyScan(range: .all, order: .descending))
            #expect(descending.map(\.key) == Self.sorted(Self.binaryKeys).reversed())
            #expect(try await store.get([]) != nil)
            #expect(try await store.get([0x00, 0x02]) == nil)
        }
    }

    @Test("ranges, prefixes, limits and directions", arguments: StoreKind.allCases)
    func rangesAndLimits(kind: StoreKind) async throws {
        try await kind.with { store in
            try await Self.putAll(store, Self.binaryKeys)
            let all = Self.sorted(Self.binaryKeys)
            func keys(_ scan: KeyScan) async throws -> [[UInt8]] { try await store.scan(scan).map(\.key) }

            #expect(try await keys(.prefix([0x00])) == [[0x00], [0x00, 0x00], [0x00, 0x01], [0x00, 0xFF]])
            #expect(try await keys(.prefix([0xFF])) == [[0xFF], [0xFF, 0x00], [0xFF, 0xFF], [0xFF, 0xFF, 0xFF]])
            #expect(try await keys(.prefix([0xFF, 0xFF])) == [[0xFF, 0xFF], [0xFF, 0xFF, 0xFF]])
            #expect(try await keys(.prefix(bytes("ab"))) == [bytes("ab"), bytes("abc"), bytes("abd")])
            #expect(try await keys(.prefix(bytes("ab"), order: .descending, limit: 2)) == [bytes("abd"), bytes("abc")])
            #expect(try await keys(.prefix([0x00], limit: 2)) == [[0x00], [0x00, 0x00]])
            let middle = [[0x01], bytes("a"), bytes("ab"), bytes("abc"), bytes("abd"), bytes("b"), [0x7F]]
            #expect(try await keys(KeyScan(range: KeyRange(from: [0x01], to: [0x80]))) == middle)
            #expect(
                try await keys(KeyScan(range: KeyRange(from: [0x01], to: [0x80]), order: .descending))
                    == middle.reversed())
            #expect(try await keys(KeyScan(range: KeyRange(from: [0x00, 0x01], to: [0x00, 0xFF]))) == [[0x00, 0x01]])
            #expect(try await keys(KeyScan(range: KeyRange(from: [0x80], to: [0x01]))).isEmpty)
            #expect(try await keys(KeyScan(range: KeyRange(from: [0x7F], to: [0x7F]))).isEmpty)
            #expect(try await keys(KeyScan(range: .all, limit: 0)).isEmpty)
            #expect(try await keys(KeyScan(range: .all, limit: -5)).isEmpty)
            #expect(try await keys(KeyScan(range: .all, limit: 1_000)) == all)
            #expect(
                try await keys(KeyScan(range: .all, order: .descending, limit: 3)) == Array(all.reversed().prefix(3)))

            // Paging with after(_:) / before(_:) visits every key exactly once.
            var range = KeyRange.all
            var paged: [[UInt8]] = []
            while true {
                let page = try await keys(KeyScan(range: range, limit: 4))
                guard let last = page.last else { break }
                paged += page
                range = range.after(last)
            }
            #expect(paged == all)
            range = .all
            paged = []
            while true {
                let page = try await keys(KeyScan(range: range, order: .descending, limit: 5))
                guard let last = page.last else { break }
                paged += page
                range = range.before(last)
            }
            #expect(paged == all.reversed())
        }
    }

    @Test("versions are shared per commit and grow monotonically", arguments: StoreKind.allCases)
    func versionsMonotonic(kind: StoreKind) async throws {
        try await kind.with { store in
            #expect(try await store.commit(KeyValueTransaction()) == 0)
            var previous: UInt64 = 0
            for round in 0..<20 {
                var transaction = KeyValueTransaction()
                transaction.put(bytes("a"), [UInt8(round)])
                transaction.put(bytes("b\(round)"), [])
                let version = try await store.commit(transaction)
                #expect(version > previous)
                #expect(try await store.get(bytes("a"))?.version == version)
                #expect(
                    try await store.get(bytes("b\(round)"))
                        == KeyValueEntry(key: bytes("b\(round)"), value: [], version: version))
                previous = version
            }
            // A commit without writes returns the current version and does not bump it.
            var readOnly = KeyValueTransaction()
            readOnly.expectVersion(bytes("a"), previous)
            #expect(try await store.commit(readOnly) == previous)
            // Deletes bump the version too; a deleted key is absent.
            var delete = KeyValueTransaction()
            delete.delete(bytes("a"))
            delete.delete(bytes("never-written"))
            #expect(try await store.commit(delete) == previous + 1)
            #expect(try await store.get(bytes("a")) == nil)
        }
    }

    @Test("a failed check throws conflict and writes nothing", arguments: StoreKind.allCases)
    func conflictsLeaveStoreUnchanged(kind: StoreKind) async throws {
        try await kind.with { store in
            var create = KeyValueTransaction()
            create.expectAbsent(bytes("k"))
            create.put(bytes("k"), bytes("v1"))
            let v1 = try await store.commit(create)
            let before = try await store.scan(KeyScan(range: .all))

            var again = KeyValueTransaction()
            again.expectAbsent(bytes("k"))
            again.put(bytes("k"), bytes("v2"))
            again.put(bytes("other"), bytes("x"))
            await #expect(throws: MLOpsError(.conflict, "")) { try await store.commit(again) }

            var stale = KeyValueTransaction()
            stale.expectVersion(bytes("k"), v1 + 7)
            stale.put(bytes("k"), bytes("v2"))
            await #expect(throws: MLOpsError(.conflict, "")) { try await store.commit(stale) }

            var missing = KeyValueTransaction()
            missing.expectVersion(bytes("nope"), 1)
            missing.delete(bytes("k"))
            await #expect(throws: MLOpsError(.conflict, "")) { try await store.commit(missing) }

            #expect(try await store.scan(KeyScan(range: .all)) == before)
            // The failed commits did not consume versions.
            var update = KeyValueTransaction()
            update.expectVersion(bytes("k"), v1)
            update.put(bytes("k"), bytes("v2"))
            #expect(try await store.commit(update) == v1 + 1)
        }
    }

    @Test("all or nothing when the last of many checks fails", arguments: StoreKind.allCases)
    func allOrNothing(kind: StoreKind) async throws {
        try await kind.with { store in
            var setup = KeyValueTransaction()
            for i in 0..<10 { setup.put(bytes("key\(i)"), bytes("old")) }
            let version = try await store.commit(setup)

            var transaction = KeyValueTransaction()
            for i in 0..<10 { transaction.expectVersion(bytes("key\(i)"), version) }
            transaction.expectAbsent(bytes("key5"))  // fails, after ten passing checks
            for i in 0..<1_000 { transaction.put(bytes("new\(i)"), bytes("x")) }
            for i in 0..<10 { transaction.delete(bytes("key\(i)")) }
            do {
                try await store.commit(transaction)
                Issue.record("the commit should have failed")
            } catch let error as MLOpsError {
                #expect(error.code == .conflict)
                #expect(error.value == "key5")
            }
            let entries = try await store.scan(KeyScan(range: .all))
            #expect(entries.count == 10)
            #expect(entries.allSatisfy { $0.value == bytes("old") && $0.version == version })
        }
    }

    @Test("writes apply in order within one commit", arguments: StoreKind.allCases)
    func writesInOrder(kind: StoreKind) async throws {
        try await kind.with { store in
            var transaction = KeyValueTransaction()
            transaction.put(bytes("a"), bytes("1"))
            transaction.put(bytes("a"), bytes("2"))
            transaction.put(bytes("b"), bytes("1"))
            transaction.delete(bytes("b"))
            transaction.delete(bytes("c"))
            transaction.put(bytes("c"), bytes("3"))
            try await store.commit(transaction)
            #expect(try await store.get(bytes("a"))?.value == bytes("2"))
            #expect(try await store.get(bytes("b")) == nil)
            #expect(try await store.get(bytes("c"))?.value == bytes("3"))
        }
    }

    @Test("16 MiB values and empty values round-trip", arguments: StoreKind.allCases)
    func bigValues(kind: StoreKind) async throws {
        try await kind.with { store in
            let big = TestBytes.pattern(seed: 42, count: 16 << 20)
            let bigKey = [UInt8](repeating: 0xFF, count: 4_096)
            var transaction = KeyValueTransaction()
            transaction.put(bigKey, big)
            transaction.put(bytes("empty"), [])
            try await store.commit(transaction)
            let read = try #require(try await store.get(bigKey))
            #expect(read.value.count == big.count)
            #expect(read.value == big)
            #expect(try await store.get(bytes("empty"))?.value == [])
            let scanned = try await store.scan(.prefix([0xFF]))
            #expect(scanned.count == 1 && scanned.first?.value == big)
        }
    }

    @Test("tasks incrementing one counter with transaction() lose no update", arguments: StoreKind.allCases)
    func concurrentCounter(kind: StoreKind) async throws {
        try await kind.with { store in
            let counter = bytes("counter")
            let tasks = 8
            let increments = 25
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<tasks {
                    group.addTask {
                        for _ in 0..<increments {
                            try await store.transaction { tx in
                                let current = try await tx.get(counter).flatMap { TestBytes.decode($0.value) } ?? 0
                                tx.put(counter, TestBytes.encode(current + 1))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let final = try await store.get(counter).flatMap { TestBytes.decode($0.value) }
            #expect(final == UInt64(tasks * increments))
        }
    }
}
