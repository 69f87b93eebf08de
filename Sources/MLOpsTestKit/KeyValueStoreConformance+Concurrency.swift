import MLOpsCore
import Synchronization

// Concurrent writers and readers on one store.
extension KeyValueStoreConformance {
    static func checkConcurrentCounter(_ store: any KeyValueStore, tasks: Int, increments: Int) async throws {
        let key = bytes("counter")
        let tasks = Swift.max(2, tasks)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    for _ in 0..<increments {
                        try await Expect.noThrow("a concurrent transaction {} increment") {
                            try await store.transaction(maxAttempts: 10_000) { tx in
                                let n = try await tx.get(key).flatMap { TestBytes.decode($0.value) } ?? 0
                                tx.put(key, TestBytes.encode(n + 1))
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = try await store.get(key).flatMap { TestBytes.decode($0.value) }
        try Expect.equal(
            total, UInt64(tasks * increments),
            "counter after \(tasks) tasks × \(increments) transaction {} increments (a lost update if lower)")
    }

    static func checkConcurrentDisjointWriters(_ store: any KeyValueStore, tasks: Int) async throws {
        let tasks = Swift.max(2, tasks)
        let perTask = 40
        func key(_ task: Int, _ i: Int) -> [UInt8] { bytes("w\(task)/") + TestBytes.encode(UInt64(i)) }
        func value(_ task: Int, _ i: Int) -> [UInt8] { bytes("task \(task) item \(i)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var i = 0
                    while i < perTask {
                        // Alternate one-key commits, create-if-absent commits and three-key commits.
                        var tx = KeyValueTransaction()
                        switch i % 3 {
                        case 0:
                            tx.put(key(task, i), value(task, i))
                            i += 1
                        case 1:
                            tx.expectAbsent(key(task, i))
                            tx.put(key(task, i), value(task, i))
                            i += 1
                        default:
                            for j in i..<Swift.min(i + 3, perTask) { tx.put(key(task, j), value(task, j)) }
                            i += 3
                        }
                        try await Expect.noThrow("a concurrent commit by task \(task)") { try await store.commit(tx) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let entries = try await snapshot(store)
        var expected: [([UInt8], [UInt8])] = []
        for task in 0..<tasks { for i in 0..<perTask { expected.append((key(task, i), value(task, i))) } }
        expected.sort { KeyRange.compare($0.0, $1.0) < 0 }
        try Expect.equal(
            entries.count, expected.count, "keys after \(tasks) concurrent writers of \(perTask) keys each")
        for (entry, (key, value)) in zip(entries, expected) {
            try Expect.bytes(entry.key, key, "key in the scan after concurrent writers")
            try Expect.bytes(entry.value, value, "value of \(describeBytes(key)) after concurrent writers")
        }
    }

    /// A writer moves units between two keys in one commit; concurrent readers
    /// must always see the total unchanged, in scans and in transactions.
    static func checkAtomicVisibility(_ store: any KeyValueStore) async throws {
        let a = bytes("acct/a")
        let b = bytes("acct/b")
        let total: UInt64 = 1_000
        try await write(store, [.put(a, TestBytes.encode(total)), .put(b, TestBytes.encode(0))])
        let rounds = 100
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<rounds {
                    try await Expect.noThrow("a transfer transaction") {
                        try await store.transaction(maxAttempts: 10_000) { tx in
                            let x = try await tx.get(a).flatMap { TestBytes.decode($0.value) } ?? 0
                            let y = try await tx.get(b).flatMap { TestBytes.decode($0.value) } ?? 0
                            let amount = UInt64(i % 7 + 1)
                            if i % 2 == 0, x >= amount {
                                tx.put(a, TestBytes.encode(x - amount))
                                tx.put(b, TestBytes.encode(y + amount))
                            } else if y >= amount {
                                tx.put(a, TestBytes.encode(x + amount))
                                tx.put(b, TestBytes.encode(y - amount))
                            }
                        }
                    }
                }
            }
            for reader in 0..<2 {
                group.addTask {
                    for _ in 0..<rounds {
                        let entries = try await Expect.noThrow("a scan during transfers") {
                            try await store.scan(.prefix(bytes("acct/"), order: reader == 0 ? .ascending : .descending))
                        }
                        let sum = entries.compactMap { TestBytes.decode($0.value) }.reduce(0, +)
                        try Expect.that(
                            entries.count == 2 && sum == total,
                            "a scan saw half of a commit: \(entries.count) keys summing to \(sum), "
                                + "expected 2 and \(total)"
                        )
                        // Both keys are only ever written together, so a snapshot shows one version.
                        try Expect.that(
                            entries.first?.version == entries.last?.version,
                            "a scan saw the two keys of one commit at different versions")
                        await Task.yield()
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
