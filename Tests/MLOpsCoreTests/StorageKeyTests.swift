import MLOpsCore
import Testing

@Suite struct StorageKeyTests {
    @Test func stringPartsPreserveOrderAndDoNotRunTogether() {
        let parts = ["", "a", "a\u{0}", "a\u{0}b", "ab", "b", "é"]
        let keys = parts.map { StorageKey("t", $0).appending("z").bytes }
        for (i, a) in keys.enumerated() {
            for (j, b) in keys.enumerated() {
                let expected = parts[i].utf8.lexicographicallyPrecedes(parts[j].utf8)
                #expect((KeyRange.compare(a, b) < 0) == expected, "\(parts[i]) vs \(parts[j])")
            }
        }
        // "a" then "bc" differs from "ab" then "c".
        #expect(StorageKey("a", "bc").bytes != StorageKey("ab", "c").bytes)
    }

    @Test func integersSortNumerically() {
        let values: [Int64] = [.min, -1_000, -1, 0, 1, 255, 256, 1 << 40, .max]
        let keys = values.map { StorageKey("n").appending($0).bytes }
        for i in 1..<keys.count { #expect(KeyRange.compare(keys[i - 1], keys[i]) < 0) }
        for (value, key) in zip(values, keys) {
            #expect(StorageKey.decodeInt64(key, at: StorageKey("n").bytes.count) == value)
        }
        #expect(StorageKey.decodeUInt64([1, 2], at: 0) == nil)
    }

    @Test func prefixRangeCoversExactlyTheChildren() {
        let parent = StorageKey("runs")
        let child = parent.appending("x").bytes
        let sibling = StorageKey("runt").bytes
        #expect(parent.range.contains(child))
        #expect(!parent.range.contains(sibling))
        #expect(KeyRange.prefixSuccessor([0x01, 0xFF, 0xFF]) == [0x02])
        #expect(KeyRange.prefixSuccessor([0xFF]) == nil)
        #expect(KeyRange.prefix([]).upperBound == nil)
    }
}

@Suite struct TransactionIsolationTests {
    /// `transaction {}` must be usable from actor-isolated code (a `main.swift`, a UI model).
    @MainActor @Test func transactionFromTheMainActor() async throws {
        let store = InMemoryKeyValueStore()
        let key = StorageKey("counter").bytes
        for _ in 0..<3 {
            try await store.transaction { tx in
                let current = try await tx.get(key).map { Int($0.value[0]) } ?? 0
                tx.put(key, [UInt8(current + 1)])
            }
        }
        #expect(try await store.get(key)?.value == [3])
    }
}
