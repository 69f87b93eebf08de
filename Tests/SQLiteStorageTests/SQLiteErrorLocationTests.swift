import MLOpsCore
import SQLiteStorage
import Testing

/// The store's error helpers record where they were called, not where they live.
@Suite struct SQLiteErrorLocationTests {
    @Test func conflictsPointAtTheirOwnCheck() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteKeyValueStore(path: directory.path + "/store.sqlite")
        defer { store.close() }
        let key = Array("present".utf8)
        try await store.put(key, [1])
        var absent = KeyValueTransaction()
        absent.expectAbsent(key)
        var version = KeyValueTransaction()
        version.expectVersion(Array("missing".utf8), 1)
        var locations: [String] = []
        for transaction in [absent, version] {
            do {
                try await store.commit(transaction)
                Issue.record("the transaction committed")
            } catch let error as MLOpsError {
                #expect(error.code == .conflict)
                locations.append(error.location)
            }
        }
        #expect(locations.count == 2)
        #expect(Set(locations).count == 2, "\(locations)")
        #expect(locations.allSatisfy { $0.hasPrefix("SQLiteStorage/SQLiteConnection+KeyValue.swift:") }, "\(locations)")
    }
}
