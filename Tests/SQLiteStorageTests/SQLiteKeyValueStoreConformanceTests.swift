import Foundation
import MLOpsCore
import MLOpsTestKit
import SQLiteStorage
import Testing

@Suite("SQLiteKeyValueStore conformance")
struct SQLiteKeyValueStoreConformanceTests {
    /// The shared suite against file stores, each check on a new file in its own directory.
    static let fileSuite = KeyValueStoreConformance(
        makeStore: { try SQLiteKeyValueStore(path: TemporaryDirectory().file("metadata.sqlite")) },
        cleanUp: { store in
            guard let store = store as? SQLiteKeyValueStore else { return }
            store.close()
            try? FileManager.default.removeItem(atPath: (store.path as NSString).deletingLastPathComponent)
        })

    @Test("file store passes KeyValueStoreConformance", arguments: KeyValueStoreConformance.checkNames)
    func fileStore(check: String) async throws {
        try await Self.fileSuite.run(checkNamed: check)
    }

    @Test("in-memory SQLite store passes KeyValueStoreConformance")
    func inMemoryStore() async throws {
        try await KeyValueStoreConformance(makeStore: { try SQLiteKeyValueStore.inMemory() }).run()
    }
}
