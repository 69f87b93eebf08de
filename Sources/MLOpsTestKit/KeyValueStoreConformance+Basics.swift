import MLOpsCore

// Single-task checks of values, versions and ordering.
extension KeyValueStoreConformance {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Commits `writes` with no checks and returns the version.
    @discardableResult
    static func write(
        _ store: any KeyValueStore,
        _ writes: [KeyValueTransaction.Write],
        _ what: @autoclosure () -> String = "commit"
    ) async throws -> UInt64 {
        try await Expect.noThrow(what()) { try await store.commit(KeyValueTransaction(writes: writes)) }
    }

    /// Every entry in the store, ascending.
    static func snapshot(_ store: any KeyValueStore) async throws -> [KeyValueEntry] {
        try await Expect.noThrow("scan of the whole store") { try await store.scan(KeyScan(range: .all)) }
    }

    static func checkEmptyStore(_ store: any KeyValueStore) async throws {
        for key in [bytes("a"), [0x00], [0xFF], bytes("runs/1")] {
            let entry = try await Expect.noThrow("get on an empty store") { try await store.get(key) }
            try Expect.that(
                entry == nil, "get \(describeBytes(key)) on an empty store returned \(String(describing: entry))")
        }
        for order in [KeyScan.Order.ascending, .descending] {
            let entries = try await Expect.noThrow("scan on an empty store") {
                try await store.scan(KeyScan(range: .all, order: order))
            }
            try Expect.that(entries.isEmpty, "a \(order) scan of an empty store returned \(entries.count) entries")
        }
        let prefixed = try await Expect.noThrow("prefix scan on an empty store") {
            try await store.scan(.prefix(bytes("a")))
        }
        try Expect.that(prefixed.isEmpty, "a prefix scan of an empty store returned entries")
        try await Expect.noThrow("a read-only commit with an absent check on an empty store") {
            try await store.commit(KeyValueTransaction(checks: [.absent(bytes("missing"))]))
        }
        try await Expect.throwsError(.conflict, "a version check on a key of an empty store") {
            try await store.commit(KeyValueTransaction(checks: [.version(bytes("missing"), 1)]))
        }
    }

    static func checkPutGetOverwriteDelete(_ store: any KeyValueStore) async throws {
        let key = bytes("k")
        try await write(store, [.put(key, bytes("one"))])
        var entry = try await store.get(key)
        try Expect.bytes(entry?.value, bytes("one"), "get after put")
        try Expect.bytes(entry?.key, key, "the key of the entry returned by get")

        try await write(store, [.put(key, bytes("two, longer"))])
        entry = try await store.get(key)
        try Expect.bytes(entry?.value, bytes("two, longer"), "get after overwrite")
        try await write(store, [.put(key, bytes("3"))])
        entry = try await store.get(key)
        try Expect.bytes(entry?.value, bytes("3"), "get after overwrite with a shorter value")

        try await write(store, [.put(bytes("empty"), [])])
        entry = try await store.get(bytes("empty"))
        try Expect.bytes(entry?.value, [], "an empty value must be stored as present and empty, not absent")

        let binary: [UInt8] = [0x00, 0xFF, 0x00, 0x0A, 0x0D, 0x80, 0x7F, 0x00]
        try await write(store, [.put([0x00, 0xFF, 0x00], binary)])
        entry = try await store.get([0x00, 0xFF, 0x00])
        try Expect.bytes(entry?.value, binary, "binary key and value with NUL and 0xFF bytes")

        try await write(store, [.delete(key)])
        entry = try await store.get(key)
        try Expect.that(entry == nil, "get after delete returned \(String(describing: entry))")
        try await write(store, [.delete(bytes("never-written"))], "deleting an absent key (not an error)")
        try await write(store, [.delete(key)], "deleting an already deleted key (not an error)")

        try await write(store, [.put(key, bytes("back"))])
        entry = try await store.get(key)
        try Expect.bytes(entry?.value, bytes("back"), "get after put of a deleted key")

        let all = try await snapshot(store)
        try Expect.equal(all.map(\.key), [[0x00, 0xFF, 0x00], bytes("empty"), key], "the keys a full scan returns")
    }

    static func checkVersions(_ store: any KeyValueStore) async throws {
        let a = bytes("a")
        let b = bytes("b")
        let c = bytes("c")
        let v1 = try await write(store, [.put(a, bytes("1")), .put(b, bytes("1"))])
        try Expect.that(v1 > 0, "a commit returned version 0; versions must be positive")
        let ea = try await store.get(a)
        let eb = try await store.get(b)
        try Expect.equal(ea?.version, v1, "version of key a written by the first commit")
        try Expect.equal(eb?.version, v1, "version of key b written by the same commit (one version per commit)")

        let v2 = try await write(store, [.put(a, bytes("2"))])
        try Expect.that(v2 > v1, "a later commit's version \(v2) is not greater than the earlier \(v1)")
        try Expect.equal(try await store.get(a)?.version, v2, "version of key a after its overwrite")
        try Expect.equal(try await store.get(b)?.version, v1, "version of key b, which the second commit did not touch")

        let v3 = try await write(store, [.put(a, bytes("2"))])
        try Expect.that(v3 > v2, "rewriting the same value must still change the version (\(v2) then \(v3))")
        try Expect.equal(try await store.get(a)?.version, v3, "version of key a after rewriting the same value")

        let v4 = try await write(store, [.put(c, bytes("c")), .delete(b)])
        try Expect.that(v4 > v3, "versions must increase per commit (\(v3) then \(v4))")
        try Expect.that(try await store.get(b) == nil, "key b deleted in a commit is still present")
        try Expect.equal(try await store.get(c)?.version, v4, "version of key c")

        let scanned = try await snapshot(store)
        try Expect.equal(scanned.map(\.version), [v3, v4], "the versions a scan reports")

        let v5 = try await write(store, [.put(b, bytes("again"))])
        try Expect.that(v5 > v4, "a key re-created after delete must get a newer version (\(v5) vs \(v4))")
        try Expect.equal(try await store.get(b)?.version, v5, "version of key b after re-creation")

        let readOnly = try await Expect.noThrow("a commit without writes") {
            try await store.commit(KeyValueTransaction(checks: [.version(a, v3)]))
        }
        try Expect.that(readOnly >= v5, "a commit without writes returned \(readOnly), older than the store's \(v5)")
        try Expect.equal(try await store.get(a)?.version, v3, "version of key a after a read-only commit")
    }

    /// Keys whose order catches signed-byte comparison, length-first comparison
    /// and text collation.
    static let orderingKeys: [[UInt8]] = [
        [0x00], [0x00, 0x00], [0x00, 0x01], [0x01], [0x01, 0x00], [0x41], [0x5A], [0x61], [0x61, 0x00],
        [0x61, 0x01], [0x61, 0x62], [0x61, 0x62, 0x63], [0x61, 0x7F], [0x61, 0x80], [0x61, 0xFF], [0x62],
        [0x7F], [0x7F, 0xFF], [0x80], [0x80, 0x00], [0xC3, 0xA9], [0xFE, 0xFF], [0xFF], [0xFF, 0x00],
        [0xFF, 0xFF], [0xFF, 0xFF, 0xFF],
    ]

    static func checkByteOrdering(_ store: any KeyValueStore) async throws {
        var expected = orderingKeys
        var shuffler = SeededRandom(seed: 42)
        let shuffled = orderingKeys.shuffled(using: &shuffler)
        // Insert half one key per commit, half in one commit, in shuffled order.
        for key in shuffled.prefix(shuffled.count / 2) { try await write(store, [.put(key, key)]) }
        try await write(store, shuffled.dropFirst(shuffled.count / 2).map { .put($0, $0) })

        // The empty key is optional: a store may reject it with invalidArgument.
        do {
            try await store.commit(KeyValueTransaction(writes: [.put([], bytes("empty key"))]))
            expected.insert([], at: 0)
        } catch let error as MLOpsError where error.code == .invalidArgument {
            // Rejected explicitly: allowed.
        } catch {
            throw ConformanceFailure(
                message: "putting the empty key must either work or throw invalidArgument", underlying: error)
        }

        let ascending = try await snapshot(store)
        try Expect.that(
            ascending.map(\.key) == expected,
            "ascending scan order is not unsigned byte order: got \(describeKeys(ascending.map(\.key)))")
        for entry in ascending where !entry.key.isEmpty {
            try Expect.bytes(entry.value, entry.key, "value of key \(describeBytes(entry.key)) in the scan")
        }
        let descending = try await Expect.noThrow("descending scan") {
            try await store.scan(KeyScan(range: .all, order: .descending))
        }
        try Expect.that(
            descending.map(\.key) == expected.reversed(),
            "descending scan is not the reverse byte order: got \(describeKeys(descending.map(\.key)))")
        for key in expected {
            try Expect.that(try await store.get(key) != nil, "get \(describeBytes(key)) found nothing")
        }
    }

    static func checkReadOnlyCommit(_ store: any KeyValueStore) async throws {
        let a = bytes("a")
        let v1 = try await write(store, [.put(a, bytes("x"))])
        let before = try await snapshot(store)
        let version = try await Expect.noThrow("an empty commit") { try await store.commit(KeyValueTransaction()) }
        try Expect.that(version >= v1, "an empty commit returned version \(version), older than the last commit \(v1)")
        try await Expect.noThrow("a read-only commit whose checks hold") {
            try await store.commit(KeyValueTransaction(checks: [.version(a, v1), .absent(bytes("b"))]))
        }
        try await Expect.throwsError(.conflict, "a read-only commit with a stale version check") {
            try await store.commit(KeyValueTransaction(checks: [.version(a, v1 &+ 1000)]))
        }
        try await Expect.throwsError(.conflict, "a read-only commit expecting a present key to be absent") {
            try await store.commit(KeyValueTransaction(checks: [.absent(a)]))
        }
        let after = try await snapshot(store)
        try Expect.that(after == before, "read-only commits changed the store")
        let next = try await write(store, [.put(bytes("b"), bytes("y"))])
        try Expect.that(next > v1, "the commit after read-only commits got version \(next), not above \(v1)")
    }

    static func checkBigValues(_ store: any KeyValueStore, size: Int) async throws {
        let big = TestBytes.pattern(seed: 7, count: size)
        let key = bytes("big")
        try await write(store, [.put(key, big), .put(bytes("small"), bytes("s"))], "commit of a \(size)-byte value")
        let entry = try await store.get(key)
        try Expect.bytes(entry?.value, big, "get of a \(size)-byte value")
        let scanned = try await snapshot(store)
        try Expect.equal(scanned.count, 2, "entries in the store")
        try Expect.bytes(scanned.first?.value, big, "the \(size)-byte value as returned by scan")
        let other = TestBytes.pattern(seed: 8, count: size / 2 + 3)
        try await write(store, [.put(key, other)], "overwrite of a big value")
        try Expect.bytes(try await store.get(key)?.value, other, "get after overwriting a big value")
    }

    static func manyKey(_ i: Int) -> [UInt8] { bytes("many/") + TestBytes.encode(UInt64(i)) }

    static func checkManyKeys(_ store: any KeyValueStore, count: Int) async throws {
        let writes = (0..<count).map { KeyValueTransaction.Write.put(manyKey($0), bytes("value \($0)")) }
        let version = try await write(store, writes, "one commit of \(count) keys")
        let entries = try await snapshot(store)
        try Expect.equal(entries.count, count, "keys after one commit of \(count) keys")
        for (i, entry) in entries.enumerated() {
            try Expect.bytes(entry.key, manyKey(i), "key #\(i) of the scan")
            try Expect.bytes(entry.value, bytes("value \(i)"), "value #\(i) of the scan")
            try Expect.equal(entry.version, version, "version of key #\(i) (all written by one commit)")
        }
        let middle = count / 2
        try Expect.bytes(try await store.get(manyKey(middle))?.value, bytes("value \(middle)"), "get of a middle key")
        try await write(store, (0..<count).map { .delete(manyKey($0)) }, "one commit deleting \(count) keys")
        let left = try await snapshot(store)
        try Expect.that(left.isEmpty, "\(left.count) keys left after deleting all \(count) in one commit")
    }
}
