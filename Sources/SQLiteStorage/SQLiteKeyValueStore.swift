import CSQLite
import MLOpsCore
import Synchronization

/// A `KeyValueStore` in one SQLite file: the embedded default store of swift-mlops.
///
/// One file holds every module's metadata. Many tasks and many processes may use the same
/// file at once: commits are serialised by SQLite's write lock (`BEGIN IMMEDIATE`, taken before
/// a transaction's checks run), and reads run in parallel with writes thanks to write-ahead
/// logging. Keys are BLOBs, which SQLite orders with `memcmp` — the order the protocol promises.
///
/// ```swift
/// let store = try SQLiteKeyValueStore(path: "workspace/metadata.sqlite")
/// try await store.transaction { tx in
///     let n = try await tx.get(counter).map { Int($0.value[0]) } ?? 0
///     tx.put(counter, [UInt8(n + 1)])
/// }
/// ```
///
/// What a caller must know:
///
/// - **Durability.** With the default ``Synchronous/full``, a commit that returned is on disk.
///   That makes each commit cost an fsync: put many writes in one transaction rather than many
///   small transactions. See ``Options`` and ``Synchronous`` for the faster `normal` setting.
/// - **Contention.** Operations wait for other connections' locks for up to
///   ``Options/busyTimeout`` and only then throw `MLOpsError.Code.busy`.
/// - **Threads.** SQLite calls block the calling thread (briefly, except for a commit's fsync
///   or a wait for another process's lock). The store is safe to use from any number of tasks.
/// - **Errors.** Every failure is an `MLOpsError` whose `value` is the file's path:
///   `conflict` for a failed check, `corruptData` for a file that is not a valid store,
///   `busy`, `ioError` (with SQLite's message), `unsupported` for a store written by a newer
///   version, `invalidState` after ``close()``.
///
/// ## Connections
///
/// The store keeps one connection for writing and up to ``Options/maxReaders`` for reading,
/// each behind its own `Mutex` and opened with `SQLITE_OPEN_NOMUTEX`: SQLite's own per-call
/// mutexes would be redundant, since a connection is only ever used by the thread holding its
/// lock. A read takes an idle reader (opening one lazily) and waits for a busy one only when all
/// are in use. Locks are held for synchronous SQLite calls only, never across an `await`.
public final class SQLiteKeyValueStore: KeyValueStore {
    /// The database file, or `":memory:"` for a store made by ``inMemory(options:)``.
    public let path: String
    /// The options the store was opened with.
    public let options: Options

    private let writer: SQLiteConnectionSlot
    private let readers: [SQLiteConnectionSlot]
    private let nextReader = Atomic<Int>(0)

    /// Opens the store at `path`, creating it if it does not exist.
    ///
    /// A missing file is created with mode 0600, and missing parent directories with mode 0700.
    /// Opening waits (up to ``Options/busyTimeout``) while other processes open or write the
    /// same file.
    ///
    /// - Throws: `MLOpsError` — `corruptData` if the file is not a SQLite database or is
    ///   damaged; `invalidArgument` if it is another program's SQLite database (left unchanged);
    ///   `unsupported` if a newer swift-mlops wrote it; `notFound` for a missing store opened
    ///   read-only; `ioError` if the file cannot be created or opened; `busy` on a timeout.
    public convenience init(path: String, options: Options = .init()) throws {
        try SQLiteStoreFile.prepare(path: path, readOnly: options.readOnly)
        try self.init(location: path, inMemory: false, options: options)
    }

    /// Creates an empty store that lives in this process's memory, for tests.
    ///
    /// It behaves like a file store — same SQL, same ordering, versions and conflicts — but
    /// uses a single connection and disappears when the store is released or closed.
    public static func inMemory(options: Options = .init()) throws -> SQLiteKeyValueStore {
        var options = options
        options.readOnly = false
        options.maxReaders = 0
        return try SQLiteKeyValueStore(location: ":memory:", inMemory: true, options: options)
    }

    private init(location: String, inMemory: Bool, options: Options) throws {
        guard sqlite3_threadsafe() != 0 else {
            throw MLOpsError(
                .unsupported, "the system SQLite library was built without thread support (SQLITE_THREADSAFE=0)",
                value: location)
        }
        path = location
        self.options = options
        let writeFlags =
            options.readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let openWriter: @Sendable () throws -> SQLiteConnection = {
            try Self.opening(location, options) {
                let connection = try SQLiteConnection(
                    path: location, flags: writeFlags, busyTimeout: options.busyTimeout)
                try SQLiteSchema.prepareWriter(connection, options: options, inMemory: inMemory)
                return connection
            }
        }
        // Open the writer now, so that a bad file is reported by `init`, not by the first read.
        writer = SQLiteConnectionSlot(path: location, connection: try openWriter(), open: openWriter)
        let readFlags = options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        let openReader: @Sendable () throws -> SQLiteConnection = {
            try Self.opening(location, options) {
                let connection = try SQLiteConnection(
                    path: location, flags: readFlags, busyTimeout: options.busyTimeout)
                try SQLiteSchema.prepareReader(connection, options: options)
                return connection
            }
        }
        readers = (0..<Swift.max(0, options.maxReaders)).map { _ in
            SQLiteConnectionSlot(path: location, connection: nil, open: openReader)
        }
    }

    /// Runs an open-phase body with busy retries, turning SQLite failures into ``MLOpsError``.
    private static func opening(
        _ path: String,
        _ options: Options,
        _ body: () throws -> SQLiteConnection
    ) throws -> SQLiteConnection {
        do {
            return try BusyRetry.run(budget: options.busyTimeout, body)
        } catch let failure as SQLiteFailure {
            throw failure.mlopsError("open the store")
        }
    }

    /// Closes the store's connections. Later calls throw `MLOpsError.Code.invalidState`.
    ///
    /// Closing is optional: releasing the store closes it too. Closing the last connection to a
    /// file checkpoints its write-ahead log into the main file. Calling `close()` again does
    /// nothing.
    public func close() {
        writer.close()
        for reader in readers { reader.close() }
    }

    /// Returns the entry stored under `key`, or `nil` if the key is absent.
    ///
    /// Runs on a reader connection and does not wait for a commit in progress: it sees the last
    /// completed commit.
    public func get(_ key: [UInt8]) async throws -> KeyValueEntry? {
        try read("read a key") { try $0.get(key) }
    }

    /// Returns the entries in a key range, in key order (or reverse), up to the scan's limit.
    ///
    /// One `SELECT` on a reader connection: a consistent snapshot of the last completed commit.
    /// The whole result is held in memory; page through large ranges with a limit.
    public func scan(_ request: KeyScan) async throws -> [KeyValueEntry] {
        try read("scan keys") { try $0.scan(request) }
    }

    /// Visits the entries in a key range, in key order (or reverse), up to the scan's limit,
    /// lending each row's bytes to `body` straight from SQLite's buffers; `body` returns `false`
    /// to stop.
    ///
    /// One `SELECT` on a reader connection, as for ``scan(_:)``: one consistent snapshot, but
    /// without copying each key and value into arrays, and without holding the whole result in
    /// memory. `body` runs while the store holds that reader connection's lock, so it must not
    /// block; the buffers of an entry are valid only during the call that receives it. A busy
    /// database is waited for (up to ``Options/busyTimeout``) only before the first row; an error
    /// thrown by `body` is rethrown unchanged.
    public func scan(
        _ request: KeyScan,
        visiting body: (BorrowedKeyValueEntry) throws -> Bool
    ) async throws {
        var delivered = 0
        do {
            var retry = BusyRetry(budget: options.busyTimeout)
            while true {
                do {
                    return try withReader { try $0.scan(request, delivered: &delivered, visiting: body) }
                } catch let failure as SQLiteFailure where failure.isBusy && delivered == 0 {
                    guard retry.sleepBeforeNextAttempt() else { throw failure }
                }
            }
        } catch let failure as SQLiteFailure {
            throw failure.mlopsError("scan keys")
        }
    }

    /// Atomically checks every condition in `transaction` and, if all hold, applies its writes.
    ///
    /// The checks and writes run in one `BEGIN IMMEDIATE` transaction, holding the file's write
    /// lock, so no commit from any task or process interleaves. When it returns the commit is
    /// durable as ``Options/synchronous`` says.
    ///
    /// - Returns: The version given to every key this commit wrote (the store's current version
    ///   for a commit without writes).
    /// - Throws: `MLOpsError` `conflict` if a check fails (nothing is written); `invalidState`
    ///   for writes to a read-only store; `busy` if the write lock stays taken for longer than
    ///   ``Options/busyTimeout``; `limitExceeded` for a value over SQLite's 1 GB limit; `ioError`.
    @discardableResult
    public func commit(_ transaction: KeyValueTransaction) async throws -> UInt64 {
        if options.readOnly && !transaction.writes.isEmpty {
            throw MLOpsError(.invalidState, "the store was opened read-only; it cannot commit writes", value: path)
        }
        do {
            return try BusyRetry.run(budget: options.busyTimeout) {
                try writer.withConnection { try $0.commit(transaction) }
            }
        } catch let failure as SQLiteFailure {
            throw failure.mlopsError("commit a transaction")
        }
    }

    /// Checks the file for damage with `PRAGMA integrity_check` and the store's own invariants
    /// (every key's version lies between 1 and the store's version; every column has the right
    /// type).
    ///
    /// - Returns: One line per problem found; an empty array means the store is healthy.
    /// - Throws: `MLOpsError` if the check cannot run (for example `corruptData` when the
    ///   damage prevents reading at all).
    public func checkIntegrity() throws -> [String] {
        try read("check the store's integrity") { try SQLiteSchema.integrityProblems($0) }
    }

    /// Runs `body` on a reader connection (or the writer's when there are none), retrying on
    /// busy failures outside any lock.
    private func read<Result: Sendable>(
        _ doing: String,
        _ body: (SQLiteConnection) throws -> Result
    ) throws -> Result {
        do {
            return try BusyRetry.run(budget: options.busyTimeout) {
                try withReader(body)
            }
        } catch let failure as SQLiteFailure {
            throw failure.mlopsError(doing)
        }
    }

    private func withReader<Result: Sendable>(_ body: (SQLiteConnection) throws -> Result) throws -> Result {
        guard !readers.isEmpty else { return try writer.withConnection(body) }
        let start = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max
        for offset in 0..<readers.count {
            let slot = readers[(start &+ offset) % readers.count]
            if let result = try slot.withConnectionIfAvailable(body) { return result }
        }
        return try readers[start % readers.count].withConnection(body)
    }
}
