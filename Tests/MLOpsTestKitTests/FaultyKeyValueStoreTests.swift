import MLOpsCore
import MLOpsTestKit
import Testing

struct FaultyKeyValueStoreTests {
    private func key(_ i: Int) -> [UInt8] { Array("k\(i)".utf8) }

    /// Commits `count` one-key transactions and returns which ones threw injectedFault (1-based).
    private func commitMany(_ store: FaultyKeyValueStore, _ count: Int) async throws -> [Int] {
        var failed: [Int] = []
        for i in 1...count {
            do {
                try await store.put(key(i), [UInt8(truncatingIfNeeded: i)])
            } catch let error as MLOpsError where error.code == .injectedFault {
                failed.append(i)
            }
            _ = try await store.get(key(i))  // reads never count as writes
        }
        return failed
    }

    @Test func failNthWriteFailsExactlyThatCommitAndChangesNothing() async throws {
        let base = InMemoryKeyValueStore()
        let store = FaultyKeyValueStore(wrapping: base, plan: .failNthWrite(3))
        #expect(try await commitMany(store, 6) == [3])
        #expect(try await base.get(key(3)) == nil)
        #expect(base.count == 5)
        #expect(store.injectedFaultCount == 1)
        #expect(store.operationCount(.commit) == 6)
        #expect(store.operationCount(.get) == 6)
        #expect(store.operationCount() == 12)
    }

    @Test func failWritesAfterNFailsEveryLaterCommit() async throws {
        let base = InMemoryKeyValueStore()
        let store = FaultyKeyValueStore(wrapping: base, plan: .failWrites(after: 2))
        #expect(try await commitMany(store, 6) == [3, 4, 5, 6])
        #expect(base.count == 2)
        #expect(store.injectedFaultCount == 4)
        // Reads keep working.
        #expect(try await store.get(key(1))?.value == [1])
        #expect(try await store.scan(KeyScan(range: .all)).count == 2)
    }

    @Test func probabilisticFaultsAreReproducibleFromTheSeed() async throws {
        let plan = FaultPlan.failWrites(probability: 0.3, seed: 1234)
        let first = try await commitMany(FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: plan), 400)
        let second = try await commitMany(FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: plan), 400)
        #expect(first == second)
        #expect((80...160).contains(first.count), "\(first.count) of 400 failed at p = 0.3")
        let other = try await commitMany(
            FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: .failWrites(probability: 0.3, seed: 99)), 400)
        #expect(other != first)
        let never = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: .failWrites(probability: 0, seed: 1))
        #expect(try await commitMany(never, 50).isEmpty)
        let always = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: .failWrites(probability: 1, seed: 1))
        #expect(try await commitMany(always, 50) == Array(1...50))
    }

    @Test func failAfterApplyingStoresTheDataButReportsFailure() async throws {
        let base = InMemoryKeyValueStore()
        let store = FaultyKeyValueStore(wrapping: base, plan: .failNthWriteAfterApplying(2))
        #expect(try await commitMany(store, 3) == [2])
        #expect(try await base.get(key(2))?.value == [2])
        #expect(base.count == 3)
    }

    @Test func injectedErrorNamesTheOperationAndRule() async throws {
        let store = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: .failNthWrite(1))
        let error = try await #require(throws: MLOpsError.self) { try await store.put(key(1), [1]) }
        #expect(error.code == .injectedFault)
        #expect(error.message.contains("commit #1"))
        #expect(error.message.contains("rule 1"))
    }

    @Test func readFaultsFireOnTheConfiguredRead() async throws {
        let plan = FaultPlan(rules: [.init(operations: .get, trigger: .nth(2), effect: .fail)])
        let store = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: plan)
        try await store.put(key(1), [1])
        _ = try await store.get(key(1))
        await #expect(throws: MLOpsError.self) { _ = try await store.get(key(1)) }
        #expect(try await store.get(key(1))?.value == [1])
        #expect(try await store.scan(KeyScan(range: .all)).count == 1)
        #expect(store.injectedFaultCount == 1)
    }

    @Test func tearOnACommitActsAsAFailure() async throws {
        let base = InMemoryKeyValueStore()
        let plan = FaultPlan(rules: [.init(operations: .commit, trigger: .always, effect: .tear(keepingFraction: 0.5))])
        let store = FaultyKeyValueStore(wrapping: base, plan: plan)
        let tx = KeyValueTransaction(writes: [.put(key(1), [1]), .put(key(2), [2])])
        await #expect(throws: MLOpsError.self) { try await store.commit(tx) }
        #expect(base.count == 0)
    }

    @Test func delayDelaysOnlyMatchingOperations() async throws {
        let store = FaultyKeyValueStore(
            wrapping: InMemoryKeyValueStore(), plan: .delay(.milliseconds(30), operations: .commit))
        let clock = ContinuousClock()
        let commitTime = try await clock.measure { try await store.put(key(1), [1]) }
        #expect(commitTime >= .milliseconds(30))
        #expect(store.injectedFaultCount == 0)
        #expect(try await store.get(key(1))?.value == [1])
    }

    @Test func firstFailingRuleWinsAndDelaysAddUp() async throws {
        let plan = FaultPlan(rules: [
            .init(operations: .commit, trigger: .always, effect: .delay(.milliseconds(10))),
            .init(operations: .commit, trigger: .nth(1), effect: .failAfterApplying),
            .init(operations: .commit, trigger: .after(0), effect: .fail),
            .init(operations: .commit, trigger: .always, effect: .delay(.milliseconds(10))),
        ])
        let base = InMemoryKeyValueStore()
        let store = FaultyKeyValueStore(wrapping: base, plan: plan)
        let clock = ContinuousClock()
        let elapsed = await clock.measure {
            await #expect(throws: MLOpsError.self) { try await store.put(key(1), [1]) }
        }
        #expect(elapsed >= .milliseconds(20))
        #expect(base.count == 1, "rule 2 (fail after applying) decided, not rule 3")
        await #expect(throws: MLOpsError.self) { try await store.put(key(2), [2]) }
        #expect(base.count == 1, "rule 3 (fail) decided the second commit")
        #expect(store.injectedFaultCount == 2)
    }

    @Test func setPlanRestartsRuleCounts() async throws {
        let store = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: .failNthWrite(2))
        #expect(try await commitMany(store, 3) == [2])
        store.setPlan(.failNthWrite(1))
        #expect(store.plan == .failNthWrite(1))
        await #expect(throws: MLOpsError.self) { try await store.put(key(9), [9]) }
        try await store.put(key(10), [10])
        #expect(store.injectedFaultCount == 2)
        #expect(store.operationCount(.commit) == 5)
    }

    @Test func faultyWrapperWithoutFaultsPassesConformance() async throws {
        try await KeyValueStoreConformance(configuration: .small) {
            FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: .delay(.microseconds(1)))
        }.run()
    }

    // MARK: Injected commit failures never expose partial transactions

    /// Sequentially: every failed commit leaves the store exactly as it was, every
    /// fail-after-applying commit leaves all of its writes.
    @Test(arguments: [FaultPlan.Effect.fail, .failAfterApplying])
    func injectedCommitFailuresAreAllOrNothing(_ effect: FaultPlan.Effect) async throws {
        let base = InMemoryKeyValueStore()
        let plan = FaultPlan(rules: [.init(operations: .commit, trigger: .probability(0.4), effect: effect)], seed: 7)
        let store = FaultyKeyValueStore(wrapping: base, plan: plan)
        var generator = SeededRandom(seed: 3)
        var injected = 0
        for round in 0..<300 {
            var tx = KeyValueTransaction()
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let k = key(Int.random(in: 0..<20, using: &generator))
                if Bool.random(using: &generator) {
                    tx.put(k, [UInt8(truncatingIfNeeded: round)])
                } else {
                    tx.delete(k)
                }
            }
            let before = try await base.scan(KeyScan(range: .all))
            do {
                try await store.commit(tx)
            } catch let error as MLOpsError where error.code == .injectedFault {
                injected += 1
                if effect == .fail {
                    #expect(try await base.scan(KeyScan(range: .all)) == before, "round \(round) exposed writes")
                    continue
                }
            }
            // Applied: the store equals `before` with every write of `tx` applied, under one version.
            let expected = InMemoryKeyValueStore()
            if !before.isEmpty {
                try await expected.commit(KeyValueTransaction(writes: before.map { .put($0.key, $0.value) }))
            }
            try await expected.commit(tx)
            let after = try await base.scan(KeyScan(range: .all))
            let model = try await expected.scan(KeyScan(range: .all))
            #expect(after.map(\.key) == model.map(\.key), "round \(round)")
            #expect(after.map(\.value) == model.map(\.value), "round \(round)")
            let written = Set(tx.writes.map(\.key))
            let versions = Set(after.filter { written.contains($0.key) }.map(\.version))
            #expect(versions.count <= 1, "round \(round): one commit's keys carry \(versions.count) versions")
        }
        #expect(injected == store.injectedFaultCount)
        #expect(injected > 60)
    }

    /// Concurrently: transfers between accounts through `transaction {}` under injected
    /// failures, with readers checking that the total never changes.
    @Test func concurrentTransfersUnderInjectedFailuresKeepTheTotal() async throws {
        let accounts = 8
        let total: UInt64 = 8_000
        let base = InMemoryKeyValueStore()
        try await base.commit(
            KeyValueTransaction(
                writes: (0..<accounts).map { .put(key($0), TestBytes.encode(total / UInt64(accounts))) }))
        let store = FaultyKeyValueStore(
            wrapping: base,
            plan: FaultPlan(
                rules: [
                    .init(operations: .commit, trigger: .probability(0.2), effect: .fail),
                    .init(operations: .commit, trigger: .probability(0.1), effect: .failAfterApplying),
                ], seed: 11))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var generator = SeededRandom(seed: UInt64(worker))
                    for _ in 0..<60 {
                        let from = Int.random(in: 0..<accounts, using: &generator)
                        let to = (from + Int.random(in: 1..<accounts, using: &generator)) % accounts
                        let amount = UInt64.random(in: 1...50, using: &generator)
                        do {
                            try await store.transaction(maxAttempts: 1_000) { tx in
                                let a = try await tx.get(key(from)).flatMap { TestBytes.decode($0.value) } ?? 0
                                let b = try await tx.get(key(to)).flatMap { TestBytes.decode($0.value) } ?? 0
                                guard a >= amount else { return }
                                tx.put(key(from), TestBytes.encode(a - amount))
                                tx.put(key(to), TestBytes.encode(b + amount))
                            }
                        } catch let error as MLOpsError where error.code == .injectedFault {
                            // The transfer may or may not have happened; either way it is whole.
                        }
                    }
                }
            }
            group.addTask {
                for _ in 0..<200 {
                    let entries = try await base.scan(KeyScan(range: .all))
                    let sum = entries.compactMap { TestBytes.decode($0.value) }.reduce(0, +)
                    #expect(entries.count == accounts && sum == total, "a reader saw a partial transfer")
                    await Task.yield()
                }
            }
            try await group.waitForAll()
        }
        let entries = try await base.scan(KeyScan(range: .all))
        #expect(entries.compactMap { TestBytes.decode($0.value) }.reduce(0, +) == total)
        #expect(store.injectedFaultCount > 10)
    }
}
