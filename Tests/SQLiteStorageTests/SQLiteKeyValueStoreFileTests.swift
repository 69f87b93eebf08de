import Foundation
import MLOpsCore
import SQLiteStorage
import Testing

@Suite("SQLiteKeyValueStore files")
struct SQLiteKeyValueStoreFileTests {
    @Test("data and the version counter survive closing and reopening")
    func reopenPersists() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("store.sqlite")
        var lastVersion: UInt64 = 0
        do {
            let store = try SQLiteKeyValueStore(path: path)
            for i in 0..<5 {
                var transaction = KeyValueTransaction()
                transaction.put(bytes("k\(i)"), [UInt8(i), 0x00, 0xFF])
                lastVersion = try await store.commit(transaction)
            }
            store.close()
        }
        let reopened = try SQLiteKeyValueStore(path: path)
        defer { reopened.close() }
        let entries = try await reopened.scan(KeyScan(range: .all))
        #expect(entries.map(\.key) == (0..<5).map { bytes("k\($0)") })
        #expect(entries.map(\.value) == (0..<5).map { [UInt8($0), 0x00, 0xFF] })
        #expect(try await reopened.commit(KeyValueTransaction()) == lastVersion)
        var next = KeyValueTransaction()
        next.put(bytes("after"), [])
        #expect(try await reopened.commit(next) == lastVersion + 1)
        #expect(try reopened.checkIntegrity() == [])
    }

    @Test("a new store gets a private directory (0700) and file (0600)")
    func createsPrivateFiles() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let nested = directory.file("a/b")
        let path = nested + "/metadata.sqlite"
        let store = try SQLiteKeyValueStore(path: path)
        defer { store.close() }
        try await store.commit(KeyValueTransaction(writes: [.put(bytes("k"), bytes("v"))]))
        let fileMode = try #require(
            try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(fileMode & 0o777 == 0o600)
        for directoryPath in [directory.file("a"), nested] {
            let mode = try #require(
                try FileManager.default.attributesOfItem(atPath: directoryPath)[.posixPermissions] as? Int)
            #expect(mode & 0o777 == 0o700)
        }
        let walMode = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.posixPermissions] as? Int
        #expect(walMode.map { $0 & 0o077 } == 0)
    }

    @Test("a file that is not SQLite is reported as corrupt data and left unchanged")
    func notSQLite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (name, content) in [
            ("text.sqlite", Array(String(repeating: "this is not a database\n", count: 300).utf8)),
            ("short.sqlite", bytes("nope")),
        ] {
            let path = directory.file(name)
            try Data(content).write(to: URL(fileURLWithPath: path))
            do {
                _ = try SQLiteKeyValueStore(path: path)
                Issue.record("opening \(name) should fail")
            } catch let error as MLOpsError {
                #expect(error.code == .corruptData)
                #expect(error.message.contains("not a valid swift-mlops store"))
                #expect(error.value == path)
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(content))
        }
    }

    @Test("another program's SQLite database is refused and not modified")
    func foreignDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("other.sqlite")
        do {
            let raw = try RawSQLite(path)
            try raw.execute("CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('ada');")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: MLOpsError(.invalidArgument, "")) { try SQLiteKeyValueStore(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("a store from a newer schema version is unsupported")
    func newerSchema() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("store.sqlite")
        try SQLiteKeyValueStore(path: path).close()
        try RawSQLite(path).execute("UPDATE meta SET schema_version = 99")
        do {
            _ = try SQLiteKeyValueStore(path: path)
            Issue.record("opening a schema-99 store should fail")
        } catch let error as MLOpsError {
            #expect(error.code == .unsupported)
            #expect(error.message.contains("99"))
        }
    }

    @Test("a damaged store is reported by checkIntegrity")
    func integrityProblems() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("store.sqlite")
        let store = try SQLiteKeyValueStore(path: path)
        defer { store.close() }
        try await store.commit(KeyValueTransaction(writes: [.put(bytes("k"), bytes("v"))]))
        #expect(try store.checkIntegrity() == [])
        try RawSQLite(path).execute("UPDATE kv SET version = 1000; INSERT INTO kv VALUES (x'01', 'text', 1);")
        let problems = try store.checkIntegrity()
        #expect(problems.count == 2)
        #expect(problems.contains { $0.contains("version") })
        #expect(problems.contains { $0.contains("wrong SQLite type") })
    }

    @Test("read-only stores read, refuse writes, and are never created")
    func readOnly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("store.sqlite")
        let options = SQLiteKeyValueStore.Options(readOnly: true)
        #expect(throws: MLOpsError(.notFound, "")) { try SQLiteKeyValueStore(path: path, options: options) }
        #expect(!FileManager.default.fileExists(atPath: path))

        let writer = try SQLiteKeyValueStore(path: path)
        defer { writer.close() }
        try await writer.commit(KeyValueTransaction(writes: [.put(bytes("k"), bytes("v"))]))
        let reader = try SQLiteKeyValueStore(path: path, options: options)
        defer { reader.close() }
        #expect(try await reader.get(bytes("k"))?.value == bytes("v"))
        await #expect(throws: MLOpsError(.invalidState, "")) {
            try await reader.commit(KeyValueTransaction(writes: [.put(bytes("x"), [])]))
        }
        try await writer.commit(KeyValueTransaction(writes: [.put(bytes("k"), bytes("w"))]))
        #expect(try await reader.get(bytes("k"))?.value == bytes("w"))
        #expect(try reader.checkIntegrity() == [])
    }

    @Test("bad paths are reported, not crashed on")
    func badPaths() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: MLOpsError(.invalidArgument, "")) { try SQLiteKeyValueStore(path: "") }
        #expect(throws: MLOpsError(.invalidArgument, "")) { try SQLiteKeyValueStore(path: directory.path) }
        let blocker = directory.file("blocker")
        try Data([1]).write(to: URL(fileURLWithPath: blocker))
        #expect(throws: MLOpsError(.ioError, "")) { try SQLiteKeyValueStore(path: blocker + "/sub/store.sqlite") }
    }

    @Test("a closed store throws invalidState")
    func closed() async throws {
        try await withFileStore { store, _ in
            store.close()
            store.close()
            await #expect(throws: MLOpsError(.invalidState, "")) { try await store.get(bytes("k")) }
            await #expect(throws: MLOpsError(.invalidState, "")) { try await store.scan(KeyScan(range: .all)) }
            await #expect(throws: MLOpsError(.invalidState, "")) {
                try await store.commit(KeyValueTransaction(writes: [.delete(bytes("k"))]))
            }
        }
    }
}
