import Foundation
import MLOpsCore
import MLOpsTestKit
import SQLiteStorage
import Testing

@Suite("RecordStore on SQLite")
struct SQLiteRecordStoreTests {
    static let suite = RecordStoreConformance(
        makeStore: { try SQLiteKeyValueStore(path: TemporaryDirectory().file("metadata.sqlite")) },
        cleanUp: { store in
            guard let store = store as? SQLiteKeyValueStore else { return }
            store.close()
            try? FileManager.default.removeItem(atPath: (store.path as NSString).deletingLastPathComponent)
        })

    @Test("file store passes RecordStoreConformance", arguments: RecordStoreConformance.checkNames)
    func fileStore(check: String) async throws {
        try await Self.suite.run(checkNamed: check)
    }
}
