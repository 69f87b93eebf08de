import CSQLite
import MLOpsCore
import MLOpsTestKit
import SQLiteStorage
import Synchronization

/// The worker's SQLite-only commands, which `SQLiteStoreThreadTests` runs in two processes:
///
/// - `hold-write-lock <path> <seconds> [<go-file>]` — opens the file with a raw SQLite connection, takes
///   the write lock (`BEGIN IMMEDIATE`) and prints `locked`; waits until `go-file` exists (if given), prints
///   `holding <ms>`, keeps the lock for `seconds`, rolls back and prints `released <ms>`.
/// - `commit-heartbeat <path> <commits>` — opens a `SQLiteKeyValueStore`, starts `commits` concurrent
///   one-key commits and a heartbeat task that sleeps 10 ms at a time on the cooperative pool, prints
///   `started <ms>`; when every commit has returned prints `done <ms>`, `committed <n>` and `ticks <ms> …`
///   (when each heartbeat woke).
///
/// `<ms>` is the wall clock in milliseconds, comparable between the two processes.
enum SQLiteCommands {
    /// Runs a command and exits: status 0, or 1 with the error on standard error.
    static func run(_ arguments: [String], _ command: ([String]) async throws -> Void) async -> Never {
        do {
            try await command(arguments)
            Platform.exit(0)
        } catch {
            StorageWorker.printLine("\(arguments.first ?? "command") failed: \(error)", to: 2)
            Platform.exit(1)
        }
    }

    static func holdWriteLock(_ arguments: [String]) async throws {
        guard arguments.count == 3 || arguments.count == 4, let seconds = Double(arguments[2]), seconds >= 0 else {
            throw MLOpsError(.invalidArgument, "usage: hold-write-lock <path> <seconds> [<go-file>]")
        }
        var db: OpaquePointer?
        guard sqlite3_open_v2(arguments[1], &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let db else {
            throw MLOpsError(.ioError, "cannot open the database", value: arguments[1])
        }
        defer { sqlite3_close_v2(db) }
        sqlite3_busy_timeout(db, 30_000)
        guard sqlite3_exec(db, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK else {
            throw MLOpsError(.ioError, "BEGIN IMMEDIATE failed: \(String(cString: sqlite3_errmsg(db)))")
        }
        StorageWorker.printLine("locked")
        if arguments.count == 4 {
            // Generous: under a loaded CI run (the long suites in parallel on two cores) starting the
            // second process can take longer than a minute; the measured 2 s start at the go file.
            let deadline = ContinuousClock.now + .seconds(600)
            while Platform.status(path: arguments[3]) == nil {
                guard ContinuousClock.now < deadline else {
                    throw MLOpsError(.busy, "the go file never appeared", value: arguments[3])
                }
                Platform.sleep(for: .milliseconds(2))
            }
        }
        StorageWorker.printLine("holding \(Platform.wallClockMilliseconds())")
        Platform.sleep(for: .milliseconds(Int(seconds * 1_000)))
        _ = sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
        StorageWorker.printLine("released \(Platform.wallClockMilliseconds())")
    }

    static func commitHeartbeat(_ arguments: [String]) async throws {
        guard arguments.count == 3, let commits = Int(arguments[2]), commits >= 0 else {
            throw MLOpsError(.invalidArgument, "usage: commit-heartbeat <path> <commits>")
        }
        let store = try SQLiteKeyValueStore(path: arguments[1])
        defer { store.close() }
        let heartbeat = Heartbeat()
        let beating = Task.detached { await heartbeat.beat() }
        let done = try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<commits {
                group.addTask {
                    let key = Array("waiting/\(index)".utf8)
                    try await store.commit(KeyValueTransaction(writes: [.put(key, TestBytes.encode(UInt64(index)))]))
                }
            }
            StorageWorker.printLine("started \(Platform.wallClockMilliseconds())")
            var done = 0
            for try await _ in group { done += 1 }
            return done
        }
        StorageWorker.printLine("done \(Platform.wallClockMilliseconds())")
        heartbeat.stop.store(true, ordering: .relaxed)
        await beating.value
        StorageWorker.printLine("committed \(done)")
        StorageWorker.printLine((["ticks"] + heartbeat.ticks.withLock { $0 }.map(String.init)).joined(separator: " "))
    }

    /// A task that wakes every 10 ms and notes the time.
    final class Heartbeat: Sendable {
        let ticks = Mutex<[UInt64]>([])
        let stop = Atomic<Bool>(false)

        func beat() async {
            while !stop.load(ordering: .relaxed) {
                try? await Task.sleep(for: .milliseconds(10))
                let now = Platform.wallClockMilliseconds()
                ticks.withLock { $0.append(now) }
            }
        }
    }
}
