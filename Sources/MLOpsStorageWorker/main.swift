// The child process of the storage crash and multi-process tests (Tests/StorageCrashTests):
// SQLiteKeyValueStore and FileBlobStore driven by MLOpsTestKit's StorageWorker commands.
// Not a product; `swift build` builds it beside the test binary, where the tests find it.
import MLOpsCore
import MLOpsTestKit
import SQLiteStorage

await StorageWorker.main(
    arguments: Array(CommandLine.arguments.dropFirst()),
    openKeyValueStore: { try SQLiteKeyValueStore(path: $0) },
    openBlobStore: { try FileBlobStore(root: $0) })
