// The child process of the storage crash and multi-process tests (Tests/StorageCrashTests,
// Tests/SQLiteStorageTests): SQLiteKeyValueStore and FileBlobStore driven by MLOpsTestKit's
// StorageWorker commands, plus two SQLite-only commands for the cooperative-pool test (see
// SQLiteCommands.swift): `hold-write-lock` and `commit-heartbeat`.
//
// Not a product; `swift build` builds it beside the test binary, where the tests find it.
import MLOpsCore
import MLOpsTestKit
import SQLiteStorage

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "hold-write-lock": await SQLiteCommands.run(arguments, SQLiteCommands.holdWriteLock)
case "commit-heartbeat": await SQLiteCommands.run(arguments, SQLiteCommands.commitHeartbeat)
default:
    await StorageWorker.main(
        arguments: arguments,
        openKeyValueStore: { try SQLiteKeyValueStore(path: $0) },
        openBlobStore: { try FileBlobStore(root: $0) })
}
