import CSQLite
import Foundation
import MLOpsCore
import SQLiteStorage

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/sqlite-storage-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body` with a store in a fresh temporary directory, then closes and deletes it.
func withFileStore<Result>(
    options: SQLiteKeyValueStore.Options = .init(),
    _ body: (SQLiteKeyValueStore, TemporaryDirectory) async throws -> Result
) async throws -> Result {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try SQLiteKeyValueStore(path: directory.file("metadata.sqlite"), options: options)
    defer { store.close() }
    return try await body(store, directory)
}

/// The two ways to open a store that behaviour tests run against.
enum StoreKind: String, CaseIterable, CustomStringConvertible {
    case file
    case memory

    var description: String { rawValue }

    /// Runs `body` with a store of this kind.
    func with<Result>(_ body: (SQLiteKeyValueStore) async throws -> Result) async throws -> Result {
        switch self {
        case .memory:
            let store = try SQLiteKeyValueStore.inMemory()
            defer { store.close() }
            return try await body(store)
        case .file:
            return try await withFileStore { store, _ in try await body(store) }
        }
    }
}

/// A raw SQLite connection for tests that tamper with a store's file or hold its locks.
final class RawSQLite {
    let handle: OpaquePointer

    init(_ path: String) throws {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db else {
            sqlite3_close_v2(db)
            throw MLOpsError(.ioError, "test could not open SQLite file", value: path)
        }
        handle = db
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs constant SQL.
    func execute(_ sql: String) throws {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw MLOpsError(.ioError, String(cString: sqlite3_errmsg(handle)), value: sql)
        }
    }
}

/// Bytes of a string.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
