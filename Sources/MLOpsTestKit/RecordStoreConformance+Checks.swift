import MLOpsCore
import Synchronization

extension RecordStoreConformance {
    static func namespace(_ name: String = "conformance", owner: String = "RecordStoreConformance") throws
        -> RecordNamespace
    {
        try RecordNamespace(name, owner: owner)
    }

    static func open(_ store: any KeyValueStore, migrations: [RecordMigration] = []) async throws -> RecordStore {
        try await Expect.noThrow("open the record store") {
            try await RecordStore.open(try namespace(), on: store, migrations: migrations)
        }
    }

    static func item(_ id: String, name: String? = nil, category: String? = "a", tags: [String] = []) -> ConformanceItem
    {
        ConformanceItem(id: id, name: name ?? "name-\(id)", category: category, tags: tags)
    }

    static func checkRoundTrip(_ store: any KeyValueStore) async throws {
        let records = try await open(store)
        try Expect.that(try await records.get(ConformanceItem.self, id: "x") == nil, "a new store has no records")
        let first = try await records.insert(item("x"))
        try Expect.that(first > 0, "insert returns a positive version")
        let read = try await records.get(ConformanceItem.self, id: "x")
        try Expect.equal(read?.record, item("x"), "the record read back")
        try Expect.equal(read?.version, first, "the version read back")
        try await Expect.throwsError(.conflict, "inserting an existing ID") { try await records.insert(item("x")) }
        var changed = item("x")
        changed.count = 5
        let second = try await records.save(changed)
        try Expect.that(second > first, "save gives a greater version")
        try Expect.equal(try await records.get(ConformanceItem.self, id: "x")?.record.count, 5, "the saved count")
        try Expect.that(try await records.delete(ConformanceItem.self, id: "x"), "delete reports a deleted record")
        try Expect.that(try await records.get(ConformanceItem.self, id: "x") == nil, "a deleted record is gone")
        try Expect.that(
            !(try await records.delete(ConformanceItem.self, id: "x")), "deleting a missing record reports none")
        try await Expect.throwsError(.invalidArgument, "an empty ID") { try await records.insert(item("")) }
        try await Expect.throwsError(.limitExceeded, "an over-long ID") {
            try await records.insert(item(String(repeating: "i", count: RecordStore.maxIDLength + 1)))
        }
        try await Expect.throwsError(.invalidArgument, "a page limit of 0") {
            _ = try await records.list(ConformanceItem.self, limit: 0)
        }
    }

    static func checkDamagedAndNewer(_ store: any KeyValueStore) async throws {
        let records = try await open(store)
        try await records.insert(item("ok"))
        let key = StorageKey("conformance", "rec", "item", "ok").bytes
        guard let stored = try await store.get(key) else {
            throw ConformanceFailure(message: "the record is not stored under <ns>/rec/<type>/<id>")
        }
        var newer = stored.value
        newer[4] = UInt8(ConformanceItem.schemaVersion + 1)
        try await store.put(key, newer)
        try await Expect.throwsError(.unsupported, "a record of a newer schema version") {
            _ = try await records.get(ConformanceItem.self, id: "ok")
        }
        for damaged in [[], [0x00], Array("{\"id\":\"ok\"}".utf8), Array(stored.value.prefix(9))] {
            try await store.put(key, damaged)
            do {
                _ = try await records.get(ConformanceItem.self, id: "ok")
                throw ConformanceFailure(message: "damaged bytes \(damaged) were read as a record")
            } catch let error as MLOpsError where error.code == .corruptData {
                try Expect.that(
                    error.message.hasPrefix("corrupt record at "), "the error names the key: \(error.message)")
            }
        }
    }

    static func checkUniqueIndex(_ store: any KeyValueStore) async throws {
        let records = try await open(store)
        try await records.insert(item("1", name: "alpha"))
        try await Expect.throwsError(.conflict, "a second record with a taken unique value") {
            try await records.insert(item("2", name: "alpha"))
        }
        try Expect.that(try await records.get(ConformanceItem.self, id: "2") == nil, "the refused record is absent")
        try Expect.equal(
            try await records.get(ConformanceItem.self, unique: "name", value: "alpha")?.record.id, "1",
            "the unique lookup")
        try await records.save(item("1", name: "beta"))
        try Expect.that(
            try await records.get(ConformanceItem.self, unique: "name", value: "alpha") == nil,
            "the old unique value is freed by an update")
        try await records.insert(item("2", name: "alpha"))
        try await Expect.throwsError(.conflict, "saving onto another record's unique value") {
            try await records.save(item("2", name: "beta"))
        }
        try await records.delete(ConformanceItem.self, id: "1")
        try await records.save(item("2", name: "beta"))
        try Expect.equal(
            try await records.get(ConformanceItem.self, unique: "name", value: "beta")?.record.id, "2",
            "a deleted record's unique value can be taken")
        try await Expect.throwsError(.invalidArgument, "a unique lookup on a non-unique index") {
            _ = try await records.get(ConformanceItem.self, unique: "category", value: "a")
        }
    }

    static func checkLookupIndex(_ store: any KeyValueStore) async throws {
        let records = try await open(store)
        for i in 0..<25 {
            try await records.insert(item("i\(i)", category: i % 2 == 0 ? "even" : "odd", tags: ["t", "t\(i % 3)"]))
        }
        var seen: [String] = []
        var cursor: RecordCursor?
        repeat {
            let page = try await records.lookup(
                ConformanceItem.self, index: "category", value: "even", after: cursor, limit: 4)
            seen += page.records.map(\.record.id)
            cursor = page.next
            if let next = cursor { cursor = RecordCursor(hex: next.description) }
        } while cursor != nil
        let evens = (0..<25).filter { $0 % 2 == 0 }.map { "i\($0)" }.sorted()
        try Expect.equal(seen, evens, "paged lookup of category=even")
        try Expect.equal(
            try await records.lookup(ConformanceItem.self, index: "tag", value: "t", limit: 100).records.count, 25,
            "a multi-valued index finds every record")
        try await records.save(item("i0", category: "odd"))
        try await records.save(item("i2", category: nil))
        let even = try await records.lookup(ConformanceItem.self, index: "category", value: "even", limit: 100)
        try Expect.that(
            !even.records.contains { ["i0", "i2"].contains($0.record.id) }, "updated records leave their old values")
        try Expect.equal(even.records.count, evens.count - 2, "records left under category=even")
        try await Expect.throwsError(.invalidArgument, "a lookup on an unknown index") {
            _ = try await records.lookup(ConformanceItem.self, index: "nope", value: "x")
        }
    }

    static func checkCompareAndSwap(_ store: any KeyValueStore) async throws {
        let records = try await open(store)
        let version = try await records.insert(item("c"))
        var changed = item("c")
        changed.count = 1
        let newer = try await records.update(changed, expectedVersion: version)
        changed.count = 2
        try await Expect.throwsError(.conflict, "an update at a stale version") {
            try await records.update(changed, expectedVersion: version)
        }
        try Expect.equal(try await records.get(ConformanceItem.self, id: "c")?.record.count, 1, "after a stale update")
        try await Expect.throwsError(.conflict, "a delete at a stale version") {
            try await records.delete(ConformanceItem.self, id: "c", expectedVersion: version)
        }
        try await Expect.throwsError(.notFound, "an update of a missing record") {
            try await records.update(item("missing"), expectedVersion: 1)
        }
        try Expect.that(
            try await records.delete(ConformanceItem.self, id: "c", expectedVersion: newer), "a delete at the version")
    }

    static func checkPagingUnderInserts(_ store: any KeyValueStore) async throws {
        let records = try await open(store)
        let initial = (0..<120).map { String(format3($0 * 2)) }
        for chunk in stride(from: 0, to: initial.count, by: 40) {
            try await records.transaction { tx in
                for id in initial[chunk..<Swift.min(initial.count, chunk + 40)] {
                    try await tx.insert(item(id, category: nil))
                }
            }
        }
        let inserter = Task {
            for i in 0..<120 { try await records.insert(item(String(format3(i * 2 + 1)), category: nil)) }
        }
        var seen: [String] = []
        var cursor: RecordCursor?
        repeat {
            let page = try await records.list(ConformanceItem.self, after: cursor, limit: 7)
            seen += page.records.map(\.record.id)
            cursor = page.next
            await Task.yield()
        } while cursor != nil
        try await inserter.value
        try Expect.equal(seen.count, Set(seen).count, "no record is returned twice while paging")
        try Expect.equal(seen, seen.sorted(), "pages come in ID order")
        let missing = Set(initial).subtracting(seen)
        try Expect.that(missing.isEmpty, "paging lost records that existed throughout: \(missing.sorted().prefix(5))")
    }

    private static func format3(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: Swift.max(0, 3 - text.count)) + text
    }

    static func checkConcurrentUpdates(_ store: any KeyValueStore, tasks: Int) async throws {
        let records = try await open(store)
        try await records.insert(item("counter"))
        let increments = 10
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    for _ in 0..<increments {
                        try await records.update(ConformanceItem.self, id: "counter") { $0.count += 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        try Expect.equal(
            try await records.get(ConformanceItem.self, id: "counter")?.record.count, tasks * increments,
            "the counter after \(tasks) tasks × \(increments) updates")
        try await Expect.throwsError(.invalidArgument, "an update that changes the ID") {
            try await records.update(ConformanceItem.self, id: "counter") { $0.id = "other" }
        }
    }

    static func checkMigrationsOnce(_ store: any KeyValueStore, tasks: Int) async throws {
        let order = Mutex<[String]>([])
        let migrations = [
            RecordMigration("create") { tx in
                try await tx.insert(item("m", name: "m", category: nil))
            },
            RecordMigration("bump") { tx in
                guard var current = try await tx.get(ConformanceItem.self, id: "m")?.record else {
                    throw MLOpsError(.notFound, "the migration's record is missing")
                }
                current.count += 1
                try await tx.save(current)
            },
        ]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask { _ = try await RecordStore.open(try namespace(), on: store, migrations: migrations) }
            }
            try await group.waitForAll()
        }
        let records = try await open(store, migrations: migrations)
        try Expect.equal(try await records.get(ConformanceItem.self, id: "m")?.record.count, 1, "bump ran once")
        try Expect.equal(try await records.appliedMigrations(), ["create", "bump"], "applied migrations, in order")
        let counting = RecordMigration("count") { _ in order.withLock { $0.append("count") } }
        _ = try await open(store, migrations: migrations + [counting])
        _ = try await open(store, migrations: migrations + [counting])
        try Expect.equal(order.withLock { $0 }, ["count"], "a new migration runs on the next open only")
        try await Expect.throwsError(.unsupported, "opening with fewer migrations than the store applied") {
            _ = try await RecordStore.open(try namespace(), on: store, migrations: migrations)
        }
        try await Expect.throwsError(.invalidArgument, "two migrations with one name") {
            _ = try await RecordStore.open(try namespace(), on: store, migrations: migrations + [counting, counting])
        }
    }

    static func checkFailedMigration(_ store: any KeyValueStore) async throws {
        let failing = RecordMigration("fails") { tx in
            try await tx.insert(item("half"))
            throw MLOpsError(.invalidState, "the migration failed on purpose")
        }
        try await Expect.throwsError(.invalidState, "a failing migration") {
            _ = try await RecordStore.open(try namespace(), on: store, migrations: [failing])
        }
        let records = try await open(store)
        try Expect.that(
            try await records.get(ConformanceItem.self, id: "half") == nil, "a failed migration wrote nothing")
        try Expect.equal(try await records.appliedMigrations(), [], "a failed migration is not marked applied")
    }

    static func checkNamespaceClaims(_ store: any KeyValueStore) async throws {
        _ = try await RecordStore.open(try namespace("shared", owner: "First"), on: store)
        _ = try await RecordStore.open(try namespace("shared", owner: "First"), on: store)
        try await Expect.throwsError(.conflict, "a second owner of one namespace") {
            _ = try await RecordStore.open(try namespace("shared", owner: "Second"), on: store)
        }
        try Expect.equal(
            try await RecordStore.claimedNamespaces(in: store), ["shared": "First"], "the claimed namespaces")
        for bad in ["", "_system", "Upper", "a/b", "sp ace", String(repeating: "n", count: 65)] {
            do {
                _ = try RecordNamespace(bad, owner: "x")
                throw ConformanceFailure(message: "the namespace name \(bad.debugDescription) was accepted")
            } catch let error as MLOpsError where error.code == .invalidArgument {}
        }
    }

    static func checkSelfCheck(_ store: any KeyValueStore) async throws {
        let records = try await open(store)
        for i in 0..<30 { try await records.insert(item("s\(i)", category: "c\(i % 4)", tags: ["x"])) }
        var report = StoreCheckReport(component: "conformance")
        try await records.check(ConformanceItem.self, into: &report)
        try Expect.equal(report.problems, [], "a sound store's problems")
        try Expect.equal(report.recordsChecked, 30, "records checked")
        // Damage: a record's bytes, a stray index entry, a missing unique entry.
        try await store.put(StorageKey("conformance", "rec", "item", "s1").bytes, [1, 2, 3])
        try await store.put(StorageKey("conformance", "idx", "item", "category", "c9", "ghost").bytes, [])
        try await store.delete(StorageKey("conformance", "uniq", "item", "name", "name-s2").bytes)
        report = StoreCheckReport(component: "conformance")
        try await records.check(ConformanceItem.self, into: &report)
        let text = report.problems.map(\.description).joined(separator: "\n")
        try Expect.that(text.contains("corrupt record at"), "the damaged record is reported:\n\(text)")
        try Expect.that(text.contains("ghost"), "the stray index entry is reported:\n\(text)")
        try Expect.that(text.contains("s2"), "the missing unique entry is reported:\n\(text)")
    }
}
