import MLOpsCore
import Testing

/// The storage error helpers record where they were called, not where they live.
@Suite struct ErrorLocationTests {
    /// The `location`s of the `MLOpsError`s that `attempts` throw, in order; an attempt that throws nothing
    /// or something else is recorded as an issue.
    static func locations(_ attempts: [() async throws -> Void]) async -> [String] {
        var locations: [String] = []
        for attempt in attempts {
            do {
                try await attempt()
                Issue.record("attempt \(locations.count) did not throw")
            } catch let error as MLOpsError {
                locations.append(error.location)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        return locations
    }

    @Test func blobKeyRejectionsPointAtTheirOwnCheck() async {
        let locations = await Self.locations([{ _ = try BlobKey("") }, { _ = try BlobKey("a\\b") }])
        #expect(locations.count == 2)
        #expect(Set(locations).count == 2, "\(locations)")
        #expect(locations.allSatisfy { $0.hasPrefix("MLOpsCore/BlobKey.swift:") }, "\(locations)")
    }

    @Test func inMemoryConflictsPointAtTheirOwnCheck() async throws {
        let store = InMemoryKeyValueStore()
        let key = Array("present".utf8)
        try await store.put(key, [1])
        let locations = await Self.locations([
            {
                var transaction = KeyValueTransaction()
                transaction.expectAbsent(key)
                try await store.commit(transaction)
            },
            {
                var transaction = KeyValueTransaction()
                transaction.expectVersion(Array("missing".utf8), 1)
                try await store.commit(transaction)
            },
        ])
        #expect(locations.count == 2)
        #expect(Set(locations).count == 2, "\(locations)")
        #expect(locations.allSatisfy { $0.hasPrefix("MLOpsCore/InMemoryKeyValueStore.swift:") }, "\(locations)")
    }

    @Test func fileSystemErrorsPointAtTheirCaller() {
        let first = FileSystem.error("cannot open", "a")
        let second = FileSystem.error("cannot open", "a")
        #expect(first.location.hasPrefix("MLOpsCoreTests/ErrorLocationTests.swift:"))
        #expect(first.location != second.location)
    }
}
