// The child process of the storage crash and multi-process tests (Tests/StorageCrashTests,
// Tests/SQLiteStorageTests): SQLiteKeyValueStore and FileBlobStore driven by MLOpsTestKit's
// StorageWorker commands, plus one SQLite-only command:
//
// - `hold-write-lock <path> <seconds>` — opens the SQLite file with its own connection, takes the
//   write lock (`BEGIN IMMEDIATE`), prints `locked`, sleeps, rolls back and prints `released`.
//
// Not a product; `swift build` builds it beside the test binary, where the tests find it.
import CSQLite
import MLOpsCore
import MLOpsTestKit
import SQLiteStorage

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "hold-write-lock" {
    guard arguments.count == 3, let seconds = Double(arguments[2]), seconds >= 0 else {
        StorageWorker.printLine("usage: hold-write-lock <path> <seconds>", to: 2)
        Platform.exit(1)
    }
    var db: OpaquePointer?
    guard sqlite3_open_v2(arguments[1], &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let db,
        sqlite3_busy_timeout(db, 30_000) == SQLITE_OK,
        sqlite3_exec(db, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK
    else {
        StorageWorker.printLine("hold-write-lock failed: \(String(cString: sqlite3_errmsg(db)))", to: 2)
        Platform.exit(1)
    }
    StorageWorker.printLine("locked")
    Platform.sleep(for: .milliseconds(Int(seconds * 1_000)))
    _ = sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
    sqlite3_close_v2(db)
    StorageWorker.printLine("released")
    Platform.exit(0)
}

await StorageWorker.main(
    arguments: arguments,
    openKeyValueStore: { try SQLiteKeyValueStore(path: $0) },
    openBlobStore: { try FileBlobStore(root: $0) })
