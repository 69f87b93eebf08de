import CSQLite
import MLOpsCore

/// One SQLite database handle and the prepared statements cached on it.
///
/// A connection is opened with `SQLITE_OPEN_NOMUTEX` ("multi-thread" mode): SQLite takes no
/// mutex of its own on the handle, because every use already happens on the one thread of the
/// ``SQLiteConnectionSlot`` that owns it, under the slot's `Mutex` — never concurrently. That is
/// exactly what multi-thread mode requires, and it saves SQLite's per-call locking.
///
/// Statements are prepared on first use with `SQLITE_PREPARE_PERSISTENT` and kept until the
/// connection is closed; closing finalizes them and closes the handle.
///
/// `@unchecked Sendable` because the type is never used concurrently: the slot's thread and lock
/// serialise every use, and no code keeps a connection outside that lock. Declaring it lets the
/// slot hand its connection to jobs on its thread, including a non-`Sendable` body (the caller's
/// scan visitor).
final class SQLiteConnection: @unchecked Sendable {
    /// The open handle.
    let handle: OpaquePointer
    /// The database path, for error messages.
    let path: String
    private var statements: [OpaquePointer?]

    /// Opens `path` with `flags` (plus `SQLITE_OPEN_NOMUTEX`) and installs a busy handler that
    /// waits up to `busyTimeout` for another connection's lock.
    init(path: String, flags: Int32, busyTimeout: Duration) throws {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw SQLiteFailure(rc, message, path: path)
        }
        handle = db
        self.path = path
        statements = Array(repeating: nil, count: SQLiteStatement.allCases.count)
        sqlite3_extended_result_codes(db, 1)
        let (seconds, attoseconds) = busyTimeout.components
        let millis = Swift.max(0, seconds) * 1_000 + Swift.max(0, attoseconds) / 1_000_000_000_000_000
        sqlite3_busy_timeout(db, Int32(clamping: millis))
    }

    deinit {
        for statement in statements { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// The failure `rc` describes, with this connection's current error message.
    func failure(_ rc: Int32) -> SQLiteFailure {
        SQLiteFailure(rc, String(cString: sqlite3_errmsg(handle)), path: path)
    }

    /// The cached prepared statement for `id`, preparing it on first use.
    func statement(_ id: SQLiteStatement) throws -> OpaquePointer {
        if let statement = statements[id.rawValue] { return statement }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, id.sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw failure(rc)
        }
        statements[id.rawValue] = statement
        return statement
    }

    /// Runs a cached statement that takes no parameters and returns no rows.
    func execute(_ id: SQLiteStatement) throws {
        let statement = try self.statement(id)
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else {
            let failure = failure(rc)
            sqlite3_reset(statement)
            throw failure
        }
        sqlite3_reset(statement)
    }

    /// Runs one or more constant SQL statements that return nothing (DDL, pragmas).
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        guard rc == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteFailure(rc, text, path: path)
        }
    }

    /// Runs a constant query once (not cached) and returns the first column of every row as text.
    func queryText(_ sql: String) throws -> [String] {
        try query(sql) { statement in
            sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? ""
        }
    }

    /// Runs a constant query once (not cached) and returns the first column of the first row as an
    /// integer, or `nil` if there is no row.
    func queryInteger(_ sql: String) throws -> Int64? {
        try query(sql) { sqlite3_column_int64($0, 0) }.first
    }

    private func query<Row>(_ sql: String, _ row: (OpaquePointer) -> Row) throws -> [Row] {
        var prepared: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &prepared, nil)
        guard rc == SQLITE_OK, let statement = prepared else {
            sqlite3_finalize(prepared)
            throw failure(rc)
        }
        defer { sqlite3_finalize(statement) }
        var rows: [Row] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_ROW {
                rows.append(row(statement))
            } else if rc == SQLITE_DONE {
                return rows
            } else {
                throw failure(rc)
            }
        }
    }

    /// Whether a transaction is open on this connection.
    var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Rolls back the open transaction, if any. Errors are ignored: SQLite may already have
    /// rolled back on its own after an I/O error.
    func rollback() {
        if inTransaction { _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
    }

    /// Binds `bytes` as a BLOB parameter without copying (`SQLITE_STATIC`): the caller keeps the
    /// buffer alive until the statement has been stepped and reset. An empty buffer binds an empty
    /// BLOB, not NULL.
    @inline(__always)
    func bind(_ statement: OpaquePointer, _ index: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        let rc: Int32
        if let base = bytes.baseAddress, !bytes.isEmpty {
            // A nil destructor is SQLITE_STATIC.
            rc = sqlite3_bind_blob64(statement, index, base, sqlite3_uint64(bytes.count), nil)
        } else {
            rc = sqlite3_bind_zeroblob(statement, index, 0)
        }
        guard rc == SQLITE_OK else { throw failure(rc) }
    }

    /// Binds an integer parameter.
    @inline(__always)
    func bind(_ statement: OpaquePointer, _ index: Int32, _ value: Int64) throws {
        let rc = sqlite3_bind_int64(statement, index, value)
        guard rc == SQLITE_OK else { throw failure(rc) }
    }

    /// Copies a BLOB column of the current row.
    @inline(__always)
    static func bytes(_ statement: OpaquePointer, _ column: Int32) -> [UInt8] {
        // Ask for the pointer first, then the size, as SQLite's documentation advises.
        guard let base = sqlite3_column_blob(statement, column) else { return [] }
        let count = Int(sqlite3_column_bytes(statement, column))
        return [UInt8](UnsafeRawBufferPointer(start: base, count: count))
    }

    /// A BLOB column of the current row, in SQLite's own buffer: valid until the statement is
    /// stepped, reset or finalized, or the column is read as another type.
    @inline(__always)
    static func borrowedBytes(_ statement: OpaquePointer, _ column: Int32) -> UnsafeRawBufferPointer {
        guard let base = sqlite3_column_blob(statement, column) else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(start: base, count: Int(sqlite3_column_bytes(statement, column)))
    }

    /// Reads a version column of the current row.
    @inline(__always)
    static func version(_ statement: OpaquePointer, _ column: Int32) -> UInt64 {
        UInt64(clamping: sqlite3_column_int64(statement, column))
    }
}
