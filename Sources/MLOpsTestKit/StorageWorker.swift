public import MLOpsCore

/// The child-process side of the multi-process and crash checks: a command
/// line that hammers a store and acknowledges what it committed.
///
/// A backend wires its stores into a tiny executable target, and the harness
/// (``WorkerProcess``, ``CrashLoop``, `KeyValueStoreConformance.multiProcessCounter`)
/// starts it many times:
///
/// ```swift
/// // Sources/MyStorageWorker/main.swift
/// import MLOpsTestKit
/// import SQLiteStorage
/// await StorageWorker.main(
///     arguments: Array(CommandLine.arguments.dropFirst()),
///     openKeyValueStore: { try SQLiteKeyValueStore(path: $0) },
///     openBlobStore: { try FileBlobStore(root: $0) })
/// ```
///
/// Commands (stdout carries only what is listed; errors go to stderr with exit status 1):
/// - `kv-counter <path> <increments>` — increments the 8-byte counter under key
///   `counter` that many times with `transaction {}`; prints `done <increments>` at the end.
/// - `kv-append <path> <worker-id> [count]` — appends ``AppendLog`` records for
///   the worker, one per commit, continuing after the last stored one; after each
///   commit returns, prints its sequence on a line of its own. Runs until killed
///   unless `count` is given.
/// - `blob-append <root> <worker-id> [count]` — the same with blobs (puts and
///   streamed writes in odd chunks alternate).
/// - `records-migrate <path>` — opens a `RecordStore` with ``recordMigrations``; prints `migrated`.
/// - `records-churn <path> <worker-id> [count]` — saves and deletes indexed ``WorkerRecord``s,
///   printing each operation's sequence number once it returned.
///
/// Each acknowledgement is written with one `write(2)` straight to file
/// descriptor 1, so it reaches the parent's file or pipe even if the process is
/// killed right after.
public enum StorageWorker {
    /// Runs the command in `arguments` and exits the process with its status.
    public static func main(
        arguments: [String],
        openKeyValueStore: @Sendable (String) throws -> any KeyValueStore,
        openBlobStore: @Sendable (String) throws -> any BlobStore
    ) async -> Never {
        do {
            try await run(arguments: arguments, openKeyValueStore: openKeyValueStore, openBlobStore: openBlobStore)
            Platform.exit(0)
        } catch {
            printLine("storage worker failed: \(error)", to: 2)
            Platform.exit(1)
        }
    }

    /// Runs the command in `arguments`, returning when it finishes.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for an unknown command or bad
    ///   arguments, or whatever the store throws.
    public static func run(
        arguments: [String],
        openKeyValueStore: @Sendable (String) throws -> any KeyValueStore,
        openBlobStore: @Sendable (String) throws -> any BlobStore
    ) async throws {
        guard let command = arguments.first else { throw usage("no command given") }
        func int(_ index: Int, _ name: String) throws -> Int? {
            guard index < arguments.count else { return nil }
            guard let value = Int(arguments[index]), value >= 0 else {
                throw MLOpsError(.invalidArgument, "\(name) must be a non-negative integer", value: arguments[index])
            }
            return value
        }
        if command == "records-migrate", arguments.count == 2 {
            return try await migrateRecords(openKeyValueStore(arguments[1]))
        }
        guard arguments.count >= 3 else { throw usage("\(command) needs a store location and a number") }
        let location = arguments[1]
        switch command {
        case "records-churn":
            let worker = try int(2, "worker-id") ?? 0
            try await churnRecords(openKeyValueStore(location), worker: worker, count: try int(3, "count"))
        case "kv-counter":
            let increments = try int(2, "increments") ?? 0
            try await counter(openKeyValueStore(location), increments: increments)
            printLine("done \(increments)")
        case "kv-append":
            let worker = try int(2, "worker-id") ?? 0
            try await appendKeyValues(openKeyValueStore(location), worker: worker, count: try int(3, "count"))
        case "blob-append":
            let worker = try int(2, "worker-id") ?? 0
            try await appendBlobs(openBlobStore(location), worker: worker, count: try int(3, "count"))
        default:
            throw usage("unknown command")
        }
    }

    /// The key `kv-counter` increments.
    public static let counterKey = Array("counter".utf8)

    static func counter(_ store: any KeyValueStore, increments: Int) async throws {
        for _ in 0..<increments {
            try await store.transaction(maxAttempts: 100_000) { tx in
                let n = try await tx.get(counterKey).flatMap { TestBytes.decode($0.value) } ?? 0
                tx.put(counterKey, TestBytes.encode(n + 1))
            }
        }
    }

    static func appendKeyValues(_ store: any KeyValueStore, worker: Int, count: Int?) async throws {
        var sequence = try await AppendLog.nextKeyValueSequence(store, worker: worker)
        var appended = 0
        while count.map({ appended < $0 }) ?? true {
            try await AppendLog.appendKeyValue(store, worker: worker, sequence: sequence)
            printLine(String(sequence))
            sequence += 1
            appended += 1
        }
    }

    static func appendBlobs(_ store: any BlobStore, worker: Int, count: Int?) async throws {
        var sequence = try await AppendLog.nextBlobSequence(store, worker: worker)
        var appended = 0
        while count.map({ appended < $0 }) ?? true {
            let key = try AppendLog.blobKey(worker: worker, sequence: sequence)
            let bytes = AppendLog.blobBytes(for: key)
            if sequence % 2 == 0 {
                try await store.put(key, data: bytes)
            } else {
                let writer = try await store.openWriter(key)
                var offset = 0
                while offset < bytes.count {
                    let end = Swift.min(bytes.count, offset + 65_521)
                    try await writer.write(Array(bytes[offset..<end]))
                    offset = end
                }
                try await writer.commit()
            }
            printLine(String(sequence))
            sequence += 1
            appended += 1
        }
    }

    /// Writes `text` and a newline with a single `write(2)`.
    package static func printLine(_ text: String, to descriptor: Int32 = 1) {
        var bytes = Array(text.utf8)
        bytes.append(0x0A)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Platform.write(descriptor, $0) }
            if written <= 0 {
                if written < 0, Platform.errno == Platform.interrupted { continue }
                return
            }
            offset += written
        }
    }

    static func usage(_ problem: String, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
        MLOpsError(
            .invalidArgument,
            "\(problem); usage: kv-counter <path> <increments> | kv-append <path> <worker-id> [count] | "
                + "blob-append <root> <worker-id> [count]", fileID: fileID, line: line)
    }
}
