import CSQLite
public import MLOpsCore
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
/// - **Threads.** Every SQLite call runs on a thread the store owns — one per connection, started
///   when the connection is first used — and async callers are suspended meanwhile: a commit's
///   fsync or a wait for another process's lock (SQLite's busy handler and the store's own
///   back-off) never blocks one of Swift's cooperative threads. The store is safe to use from any
///   number of tasks. The synchronous entry points — the initializers, ``close()`` and
///   ``checkIntegrity()`` — do block their caller; ``open(path:options:)`` and
///   ``integrityProblems()`` are their async forms.
/// - **Cancellation.** An operation whose task is cancelled still runs to its end, and the caller
///   still waits for it: a commit that was started is either applied or fails as usual, never left
///   in doubt. Check `Task.isCancelled` before calling if that matters.
/// - **Errors.** Every failure is an `MLOpsError` whose `value` is the file's path:
///   `conflict` for a failed check, `corruptData` for a file that is not a valid store,
///   `busy`, `ioError` (with SQLite's message), `unsupported` for a store written by a newer
///   version, `invalidState` after ``close()``.
///
/// ## Connections
///
/// The store keeps one connection for writing and up to ``Options/maxReaders`` for reading,
/// each opened with `SQLITE_OPEN_NOMUTEX` and confined to its own thread, which runs that
/// connection's jobs in order: SQLite's own per-call mutexes would be redundant. Commits queue on
/// the writer's thread. A read goes to an idle reader's thread (opening the connection lazily), or
/// to the reader with the fewest jobs waiting when all are busy, so reads run in parallel with each
/// other and with a commit (write-ahead logging).
public final class SQLiteKeyValueStore: KeyValueStore {
    /// The database file, or `":memory:"` for a store made by ``inMemory(options:)``.
    public let path: String
    /// The options the store was opened with.
    public let options: Options

    private let writer: SQLiteConnectionSlot
    private let readers: [SQLiteConnectionSlot]
    private let nextReader = Atomic<Int>(0)
    private let isClosed = Atomic<Bool>(false)

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

    /// Opens the store at `path` like ``init(path:options:)``, but suspends the calling task instead
    /// of blocking its thread while the file is created, checked, or waited for (another process
    /// opening or writing it).
    ///
    /// - Throws: As ``init(path:options:)``.
    public static func open(path: String, options: Options = .init()) async throws -> SQLiteKeyValueStore {
        try await BlockingExecutor.shared.run { try SQLiteKeyValueStore(path: path, options: options) }
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
                try Self.connecting(location, flags: writeFlags, options: options) { connection in
                    try SQLiteSchema.prepareWriter(connection, options: options, inMemory: inMemory)
                }
            }
        }
        // Open the writer now, so that a bad file is reported by `init`, not by the first read.
        writer = SQLiteConnectionSlot(path: location, role: "writer", connection: try openWriter(), open: openWriter)
        let readFlags = options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        let openReader: @Sendable () throws -> SQLiteConnection = {
            try Self.opening(location, options) {
                try Self.connecting(location, flags: readFlags, options: options) { connection in
                    try SQLiteSchema.prepareReader(connection, options: options)
                }
            }
        }
        readers = (0..<Swift.max(0, options.maxReaders)).map { _ in
            SQLiteConnectionSlot(path: location, role: "reader", connection: nil, open: openReader)
        }
    }

    /// Opens a connection and prepares it. A read-only store whose directory cannot be written
    /// (a read-only file system or mount, a directory without write permission) cannot create the
    /// write-ahead log's index file SQLite needs even to read; it is then opened as *immutable*
    /// (SQLite's `immutable=1`): read without any locking, which is sound because nothing can
    /// change a file on read-only media.
    private static func connecting(
        _ location: String, flags: Int32, options: Options, prepare: (SQLiteConnection) throws -> Void
    ) throws -> SQLiteConnection {
        do {
            let connection = try SQLiteConnection(path: location, flags: flags, busyTimeout: options.busyTimeout)
            try prepare(connection)
            return connection
        } catch let failure as SQLiteFailure
            where options.readOnly && failure.code & 0xFF == SQLITE_CANTOPEN
            && !Platform.isWritable(directoryOf(location))
        {
            let connection = try SQLiteConnection(
                path: immutableURI(location), flags: flags | SQLITE_OPEN_URI, busyTimeout: options.busyTimeout)
            try prepare(connection)
            return connection
        }
    }

    /// The directory holding the file at `path`.
    private static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// A `file:` URI for `path` with `immutable=1`, percent-encoding what a URI path may not hold.
    private static func immutableURI(_ path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), 0..<0x21, 0x7F...:
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            default: encoded.unicodeScalars.append(UnicodeScalar(byte))
            }
        }
        return "file:\(encoded)?immutable=1"
    }

    /// Runs an open-phase body with busy retries, turning SQLite failures into `MLOpsError`.
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

    /// Closes the store's connections and ends its threads. Later calls throw
    /// `MLOpsError.Code.invalidState`.
    ///
    /// Operations already started finish first; `close()` returns once every connection is closed
    /// and every thread of the store has ended. Closing is optional: releasing the store closes it
    /// too. Closing the last connection to a file checkpoints its write-ahead log into the main
    /// file. Calling `close()` again does nothing. Called from inside a scan's visitor (on one of
    /// the store's own threads), it cannot wait for itself: it returns at once and the connections
    /// close as soon as the running operations end.
    public func close() {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let onOwnThread = writer.isCurrent || readers.contains { $0.isCurrent }
        writer.close(waiting: !onOwnThread)
        for reader in readers { reader.close(waiting: !onOwnThread) }
    }

    deinit {
        close()
    }

    /// Threads of the store that have started and not ended: at most one per connection.
    var liveThreadCount: Int {
        readers.reduce(writer.liveThreadCount) { $0 + $1.liveThreadCount }
    }

    /// Returns the entry stored under `key`, or `nil` if the key is absent.
    ///
    /// Runs on a reader connection and does not wait for a commit in progress: it sees the last
    /// completed commit.
    public func get(_ key: [UInt8]) async throws -> KeyValueEntry? {
        try await read("read a key") { try $0.get(key) }
    }

    /// Returns the entries in a key range, in key order (or reverse), up to the scan's limit.
    ///
    /// One `SELECT` on a reader connection: a consistent snapshot of the last completed commit.
    /// The whole result is held in memory; page through large ranges with a limit.
    public func scan(_ request: KeyScan) async throws -> [KeyValueEntry] {
        try await read("scan keys") { try $0.scan(request) }
    }

    /// Visits the entries in a key range, in key order (or reverse), up to the scan's limit,
    /// lending each row's bytes to `body` straight from SQLite's buffers; `body` returns `false`
    /// to stop.
    ///
    /// One `SELECT` on a reader connection, as for ``scan(_:)``: one consistent snapshot, but
    /// without copying each key and value into arrays, and without holding the whole result in
    /// memory. `body` runs on the reader connection's thread while the caller is suspended, so it
    /// must not block and must not call the store; the buffers of an entry are valid only during
    /// the call that receives it. A busy database is waited for (up to ``Options/busyTimeout``)
    /// only before the first row; an error thrown by `body` is rethrown unchanged.
    public func scan(
        _ request: KeyScan,
        visiting body: (BorrowedKeyValueEntry) throws -> Bool
    ) async throws {
        try checkOpen()
        let budget = options.busyTimeout
        do {
            try await reader().run(lending: { connection in
                var delivered = 0
                var retry = BusyRetry(budget: budget)
                while true {
                    do {
                        return try connection.scan(request, delivered: &delivered, visiting: body)
                    } catch let failure as SQLiteFailure where failure.isBusy && delivered == 0 {
                        guard retry.sleepBeforeNextAttempt() else { throw failure }
                    }
                }
            })
        } catch let failure as SQLiteFailure {
            throw failure.mlopsError("scan keys")
        }
    }

    /// Atomically checks every condition in `transaction` and, if all hold, applies its writes.
    ///
    /// The checks and writes run in one `BEGIN IMMEDIATE` transaction, holding the file's write
    /// lock, so no commit from any task or process interleaves. Commits queue on the writer
    /// connection's thread; while one waits for another process's lock, the callers are suspended.
    /// When it returns the commit is durable as ``Options/synchronous`` says.
    ///
    /// - Returns: The version given to every key this commit wrote (the store's current version
    ///   for a commit without writes).
    /// - Throws: `MLOpsError` `conflict` if a check fails (nothing is written); `invalidState`
    ///   for writes to a read-only store or after ``close()``; `busy` if the write lock stays
    ///   taken for longer than ``Options/busyTimeout``; `limitExceeded` for a value over SQLite's
    ///   1 GB limit; `ioError`.
    @discardableResult
    public func commit(_ transaction: KeyValueTransaction) async throws -> UInt64 {
        if options.readOnly && !transaction.writes.isEmpty {
            throw MLOpsError(.invalidState, "the store was opened read-only; it cannot commit writes", value: path)
        }
        try checkOpen()
        let budget = options.busyTimeout
        do {
            return try await writer.run { connection in
                try BusyRetry.run(budget: budget) { try connection.commit(transaction) }
            }
        } catch let failure as SQLiteFailure {
            throw failure.mlopsError("commit a transaction")
        }
    }

    /// Checks the file for damage with `PRAGMA integrity_check` and the store's own invariants
    /// (every key's version lies between 1 and the store's version; every column has the right
    /// type), blocking the calling thread until the check is done.
    ///
    /// The check runs on a reader connection's thread; from async code prefer
    /// ``integrityProblems()``, which suspends instead of blocking.
    ///
    /// - Returns: One line per problem found; an empty array means the store is healthy.
    /// - Throws: `MLOpsError` if the check cannot run (for example `corruptData` when the
    ///   damage prevents reading at all), `invalidState` after ``close()``.
    public func checkIntegrity() throws -> [String] {
        try checkOpen()
        let budget = options.busyTimeout
        do {
            return try reader().runAndWait { connection in
                try BusyRetry.run(budget: budget) { try SQLiteSchema.integrityProblems(connection) }
            }
        } catch let failure as SQLiteFailure {
            throw failure.mlopsError("check the store's integrity")
        }
    }

    /// The async form of ``checkIntegrity()``: the same check, with the caller suspended while it
    /// runs on a reader connection's thread.
    ///
    /// - Returns: One line per problem found; an empty array means the store is healthy.
    /// - Throws: As ``checkIntegrity()``.
    public func integrityProblems() async throws -> [String] {
        try await read("check the store's integrity") { try SQLiteSchema.integrityProblems($0) }
    }

    /// Runs `body` on a reader connection's thread (or the writer's when there are none), retrying
    /// busy failures there, while the caller is suspended.
    private func read<Result: Sendable>(
        _ doing: String,
        _ body: @escaping @Sendable (SQLiteConnection) throws -> Result
    ) async throws -> Result {
        try checkOpen()
        let budget = options.busyTimeout
        do {
            return try await reader().run { connection in
                try BusyRetry.run(budget: budget) { try body(connection) }
            }
        } catch let failure as SQLiteFailure {
            throw failure.mlopsError(doing)
        }
    }

    /// The reader connection to use next: the first idle one from a rotating start, else the one with the
    /// fewest jobs waiting; the writer's when the store has no readers.
    private func reader() -> SQLiteConnectionSlot {
        guard !readers.isEmpty else { return writer }
        let start = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max
        var best = readers[start % readers.count]
        var bestLoad = best.pendingJobCount
        var offset = 1
        while bestLoad > 0 && offset < readers.count {
            let candidate = readers[(start &+ offset) % readers.count]
            let load = candidate.pendingJobCount
            if load < bestLoad {
                best = candidate
                bestLoad = load
            }
            offset += 1
        }
        return best
    }

    private func checkOpen() throws {
        if isClosed.load(ordering: .acquiring) {
            throw MLOpsError(.invalidState, "the store has been closed; open it again to use it", value: path)
        }
    }
}

extension String {
    /// The string with `0` in front until it has `count` characters.
    fileprivate func leftPadded(to count: Int) -> String {
        String(repeating: "0", count: Swift.max(0, count - self.count)) + self
    }
}
