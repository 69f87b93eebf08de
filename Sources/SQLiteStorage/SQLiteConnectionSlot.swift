import MLOpsCore
import Synchronization

/// A lazily opened ``SQLiteConnection`` behind a `Mutex`: the only way the store touches one.
///
/// The mutex is what makes `SQLITE_OPEN_NOMUTEX` connections safe: one thread at a time uses
/// the handle. It is held only for synchronous SQLite calls, never across an `await`.
final class SQLiteConnectionSlot: Sendable {
    private struct State {
        var connection: SQLiteConnection?
        var isClosed = false
    }

    private let state: Mutex<State>
    private let path: String
    private let open: @Sendable () throws -> SQLiteConnection

    /// Creates a slot holding `connection` (or nothing yet), that opens a connection with `open`
    /// when it needs one.
    init(path: String, connection: sending SQLiteConnection?, open: @escaping @Sendable () throws -> SQLiteConnection) {
        self.path = path
        self.open = open
        state = Mutex(State(connection: connection))
    }

    /// Runs `body` with the connection, waiting for the lock if another task holds it.
    func withConnection<Result: Sendable>(_ body: (SQLiteConnection) throws -> Result) throws -> Result {
        try state.withLock { state in try Self.use(&state, path: path, open: open, body) }
    }

    /// Runs `body` with the connection if no other task holds the lock; returns `nil` otherwise.
    func withConnectionIfAvailable<Result: Sendable>(
        _ body: (SQLiteConnection) throws -> Result
    ) throws -> Result? {
        try state.withLockIfAvailable { state in try Self.use(&state, path: path, open: open, body) }
    }

    /// Closes the connection (finalizing its statements); later uses throw `invalidState`.
    func close() {
        state.withLock { state in
            state.isClosed = true
            state.connection = nil
        }
    }

    private static func use<Result: Sendable>(
        _ state: inout State,
        path: String,
        open: () throws -> SQLiteConnection,
        _ body: (SQLiteConnection) throws -> Result
    ) throws -> Result {
        if state.isClosed {
            throw MLOpsError(.invalidState, "the store has been closed; open it again to use it", value: path)
        }
        if let connection = state.connection { return try body(connection) }
        let connection = try open()
        state.connection = connection
        return try body(connection)
    }
}
