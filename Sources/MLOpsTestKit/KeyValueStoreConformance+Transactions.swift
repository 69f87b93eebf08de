import MLOpsCore
import Synchronization

// Compare-and-swap, all-or-nothing commits, write order and the `transaction {}` helper.
extension KeyValueStoreConformance {
    static func checkCASAbsent(_ store: any KeyValueStore) async throws {
        let key = bytes("runs/1")
        var create = KeyValueTransaction()
        create.expectAbsent(key)
        create.put(key, bytes("first"))
        let version = try await Expect.noThrow("create-if-absent of a new key") { try await store.commit(create) }
        try Expect.equal(try await store.get(key)?.version, version, "version of the created key")

        var again = KeyValueTransaction()
        again.expectAbsent(key)
        again.put(key, bytes("second"))
        try await Expect.throwsError(.conflict, "create-if-absent of an existing key") { try await store.commit(again) }
        let entry = try await store.get(key)
        try Expect.bytes(entry?.value, bytes("first"), "value after a conflicting create-if-absent")
        try Expect.equal(entry?.version, version, "version after a conflicting create-if-absent")

        try await write(store, [.delete(key)])
        try await Expect.noThrow("create-if-absent after the key was deleted") { try await store.commit(again) }
        try Expect.bytes(try await store.get(key)?.value, bytes("second"), "value after re-creation")
    }

    static func checkCASVersion(_ store: any KeyValueStore) async throws {
        let key = bytes("counter")
        let v1 = try await write(store, [.put(key, bytes("1"))])
        var update = KeyValueTransaction()
        update.expectVersion(key, v1)
        update.put(key, bytes("2"))
        let v2 = try await Expect.noThrow("a version-checked update with the current version") {
            try await store.commit(update)
        }
        try Expect.that(v2 > v1, "the updated key's version \(v2) is not above \(v1)")

        try await Expect.throwsError(.conflict, "a version-checked update with a stale version") {
            try await store.commit(update)
        }
        let entry = try await store.get(key)
        try Expect.bytes(entry?.value, bytes("2"), "value after a stale version check")
        try Expect.equal(entry?.version, v2, "version after a stale version check")

        var future = KeyValueTransaction()
        future.expectVersion(key, v2 &+ 1)
        future.put(key, bytes("never"))
        try await Expect.throwsError(.conflict, "a version check with a version not yet assigned") {
            try await store.commit(future)
        }
        var onAbsent = KeyValueTransaction()
        onAbsent.expectVersion(bytes("absent"), v1)
        onAbsent.put(bytes("absent"), bytes("never"))
        try await Expect.throwsError(.conflict, "a version check on an absent key") { try await store.commit(onAbsent) }
        try Expect.that(try await store.get(bytes("absent")) == nil, "a failed commit created its key")

        var delete = KeyValueTransaction()
        delete.expectVersion(key, v2)
        delete.delete(key)
        try await Expect.noThrow("a version-checked delete") { try await store.commit(delete) }
        try Expect.that(try await store.get(key) == nil, "a version-checked delete left the key")
        try await Expect.throwsError(.conflict, "a version check on a deleted key") { try await store.commit(update) }
    }

    static func checkAllOrNothing(_ store: any KeyValueStore) async throws {
        let keep = bytes("keep")
        let gone = bytes("gone")
        let v1 = try await write(store, [.put(keep, bytes("k")), .put(gone, bytes("g")), .put(bytes("x"), bytes("x"))])
        let before = try await snapshot(store)
        let writes: [KeyValueTransaction.Write] = [
            .put(keep, bytes("changed")), .delete(gone), .put(bytes("new1"), bytes("n")), .delete(bytes("x")),
            .put(bytes("new2"), TestBytes.pattern(seed: 1, count: 4096)), .put(bytes("new1"), bytes("again")),
        ]
        let good: [KeyValueTransaction.Check] = [.version(keep, v1), .absent(bytes("new1")), .version(gone, v1)]
        let failing: [(KeyValueTransaction.Check, String)] = [
            (.absent(keep), "an absent check on a present key"),
            (.version(keep, v1 &+ 7), "a stale version check"),
            (.version(bytes("missing"), v1), "a version check on an absent key"),
        ]
        for (bad, name) in failing {
            for position in 0...good.count {
                var checks = good
                checks.insert(bad, at: position)
                let tx = KeyValueTransaction(checks: checks, writes: writes)
                try await Expect.throwsError(
                    .conflict, "a commit with \(name) at check position \(position) of \(checks.count)"
                ) { try await store.commit(tx) }
                let after = try await snapshot(store)
                try Expect.that(
                    after == before,
                    "a commit that failed on \(name) at check position \(position) changed the store: "
                        + "keys now \(describeKeys(after.map(\.key)))")
            }
        }
        // The same writes with only good checks apply completely.
        let v2 = try await Expect.noThrow("the same commit with every check holding") {
            try await store.commit(KeyValueTransaction(checks: good, writes: writes))
        }
        let after = try await snapshot(store)
        try Expect.equal(after.map(\.key), [keep, bytes("new1"), bytes("new2")], "keys after the successful commit")
        try Expect.that(after.allSatisfy { $0.version == v2 }, "not every key of the commit has its version \(v2)")
    }

    static func checkWriteOrder(_ store: any KeyValueStore) async throws {
        let a = bytes("a")
        let b = bytes("b")
        let c = bytes("c")
        try await write(
            store,
            [
                .put(a, bytes("1")), .put(a, bytes("2")), .put(b, bytes("1")), .delete(b), .delete(c),
                .put(c, bytes("3")), .put(a, bytes("final")),
            ])
        try Expect.bytes(try await store.get(a)?.value, bytes("final"), "key written three times in one commit")
        try Expect.that(try await store.get(b) == nil, "a key put then deleted in one commit is present")
        try Expect.bytes(try await store.get(c)?.value, bytes("3"), "a key deleted then put in one commit")
        try await write(store, [.delete(a), .put(a, bytes("new")), .delete(c)])
        try Expect.bytes(try await store.get(a)?.value, bytes("new"), "existing key deleted then put in one commit")
        try Expect.that(try await store.get(c) == nil, "a deleted key is present")
        let all = try await snapshot(store)
        try Expect.equal(all.map(\.key), [a], "keys after the write-order commits")
    }

    static func checkTransactionHelper(_ store: any KeyValueStore) async throws {
        let key = bytes("n")
        // Read-your-writes and the return value.
        let result = try await Expect.noThrow("a transaction {} creating a key") {
            try await store.transaction { tx -> String in
                let before = try await tx.get(key)
                tx.put(key, TestBytes.encode(1))
                let mine = try await tx.get(key)
                return "\(before == nil) \(mine.map { TestBytes.decode($0.value) ?? 0 } ?? 0)"
            }
        }
        try Expect.equal(result, "true 1", "transaction {}: the absent read and the read of its own write")
        try Expect.bytes(try await store.get(key)?.value, TestBytes.encode(1), "value written by transaction {}")

        // A body that throws writes nothing.
        struct Abandon: Error {}
        do {
            try await store.transaction { tx in
                tx.put(key, TestBytes.encode(99))
                tx.put(bytes("other"), bytes("x"))
                throw Abandon()
            }
            throw ConformanceFailure(message: "transaction {} did not rethrow the body's error")
        } catch is Abandon {}
        try Expect.bytes(try await store.get(key)?.value, TestBytes.encode(1), "value after a body threw")
        try Expect.that(try await store.get(bytes("other")) == nil, "a body that threw still wrote a key")

        // One conflict: another writer changes the key after the first read; the body runs again.
        let attempts = Atomic<Int>(0)
        let final = try await Expect.noThrow("transaction {} with one interfering writer") {
            try await store.transaction { tx -> UInt64 in
                let n = try await tx.get(key).flatMap { TestBytes.decode($0.value) } ?? 0
                if attempts.add(1, ordering: .relaxed).newValue == 1 {
                    try await store.commit(KeyValueTransaction(writes: [.put(key, TestBytes.encode(n + 10))]))
                }
                tx.put(key, TestBytes.encode(n + 1))
                return n + 1
            }
        }
        try Expect.equal(attempts.load(ordering: .relaxed), 2, "body runs of transaction {} after one conflict")
        try Expect.equal(final, 12, "the result of the retried transaction {} (1 + 10 from the other writer + 1)")
        try Expect.equal(
            try await store.get(key).flatMap { TestBytes.decode($0.value) }, 12, "the value after the retry")

        // A key the body found absent is created by another writer: conflict, retry.
        let created = bytes("created")
        let createAttempts = Atomic<Int>(0)
        try await Expect.noThrow("transaction {} whose absent read was invalidated") {
            try await store.transaction { tx in
                let existing = try await tx.get(created)
                if createAttempts.add(1, ordering: .relaxed).newValue == 1 {
                    try await store.commit(KeyValueTransaction(writes: [.put(created, bytes("theirs"))]))
                }
                tx.put(created, existing == nil ? bytes("mine, fresh") : bytes("mine, saw theirs"))
            }
        }
        try Expect.equal(createAttempts.load(ordering: .relaxed), 2, "body runs after an absent read was invalidated")
        try Expect.bytes(try await store.get(created)?.value, bytes("mine, saw theirs"), "value after the retry")

        // Always interfered with: gives up with conflict after maxAttempts, writing nothing of its own.
        let giveUpAttempts = Atomic<Int>(0)
        try await Expect.throwsError(.conflict, "transaction {} that conflicts on every attempt") {
            try await store.transaction(maxAttempts: 3) { tx in
                let n = try await tx.get(key).flatMap { TestBytes.decode($0.value) } ?? 0
                giveUpAttempts.add(1, ordering: .relaxed)
                try await store.commit(KeyValueTransaction(writes: [.put(key, TestBytes.encode(n + 100))]))
                tx.put(key, TestBytes.encode(0))
                tx.put(bytes("never"), bytes("x"))
            }
        }
        try Expect.equal(giveUpAttempts.load(ordering: .relaxed), 3, "body runs with maxAttempts 3")
        try Expect.equal(
            try await store.get(key).flatMap { TestBytes.decode($0.value) }, 312,
            "the value after three interfering writes")
        try Expect.that(try await store.get(bytes("never")) == nil, "a transaction {} that gave up wrote a key")

        // A scan inside the body records checks for the keys it returned.
        try await write(store, [.put(bytes("s/1"), bytes("a")), .put(bytes("s/2"), bytes("b"))])
        let scanAttempts = Atomic<Int>(0)
        try await Expect.noThrow("transaction {} with a scan whose key changed") {
            try await store.transaction { tx in
                let entries = try await tx.scan(.prefix(bytes("s/")))
                if scanAttempts.add(1, ordering: .relaxed).newValue == 1 {
                    try await store.commit(KeyValueTransaction(writes: [.put(bytes("s/2"), bytes("B"))]))
                }
                tx.put(bytes("s/joined"), entries.flatMap(\.value))
            }
        }
        try Expect.equal(scanAttempts.load(ordering: .relaxed), 2, "body runs after a scanned key changed")
        try Expect.bytes(try await store.get(bytes("s/joined"))?.value, bytes("aB"), "value built from the rescan")
    }
}
