import MLOpsCore
import Synchronization

/// One lazily opened ``SQLiteConnection`` and the thread it lives on: the only way the store touches a
/// connection.
///
/// Every use of the connection is a job on the slot's own ``BlockingExecutor`` of one thread, so SQLite's
/// calls — and their waits: a commit's fsync, a busy handler waiting for another process's lock, the store's
/// busy back-off — block that thread, never a caller's. Async callers are suspended until their job is
/// done. Jobs run one at a time in the order they were submitted.
///
/// The connection also sits behind a `Mutex`, held for each job: this is what makes the
/// `SQLITE_OPEN_NOMUTEX` handle safe even if a job ever ran elsewhere, and it costs one uncontended lock.
final class SQLiteConnectionSlot: Sendable {
    private struct State {
        var connection: SQLiteConnection?
        var isClosed = false
    }

    private let state: Mutex<State>
    private let path: String
    private let open: @Sendable () throws -> SQLiteConnection
    private let executor: BlockingExecutor

    /// Creates a slot holding `connection` (or nothing yet), that opens a connection with `open` when it
    /// needs one. Its thread starts with the first job.
    init(
        path: String,
        role: String,
        connection: sending SQLiteConnection?,
        open: @escaping @Sendable () throws -> SQLiteConnection
    ) {
        self.path = path
        self.open = open
        state = Mutex(State(connection: connection))
        executor = BlockingExecutor(name: "sqlite-\(role)", threadCount: 1)
    }

    /// Jobs submitted to the slot and not finished: a measure of how busy it is.
    var pendingJobCount: Int { executor.pendingJobCount }

    /// Whether the calling thread is the slot's own.
    var isCurrent: Bool { executor.isCurrent }

    /// Threads of the slot that have started and not ended (0 or 1).
    var liveThreadCount: Int { executor.liveThreadCount }

    /// Runs `body` with the connection on the slot's thread while the caller is suspended.
    func run<Result: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> Result) async throws -> Result {
        do {
            return try await executor.run { [self] in try withConnection(body) }
        } catch let error as MLOpsError where isShutDownError(error) {
            throw closedError()
        }
    }

    /// Runs a non-`Sendable` `body` with the connection on the slot's thread while the caller is suspended
    /// (see ``BlockingExecutor/run(lending:)``): for a scan's visitor.
    func run(lending body: (SQLiteConnection) throws -> Void) async throws {
        do {
            try await executor.run(lending: { try withConnection(body) })
        } catch let error as MLOpsError where isShutDownError(error) {
            throw closedError()
        }
    }

    /// Runs `body` with the connection on the slot's thread and blocks the calling thread until it is done;
    /// inline when called on the slot's thread.
    func runAndWait<Result: Sendable>(_ body: (SQLiteConnection) throws -> Result) throws -> Result {
        do {
            return try executor.runAndWait { try withConnection(body) }
        } catch let error as MLOpsError where isShutDownError(error) {
            throw closedError()
        }
    }

    /// Closes the connection (finalizing its statements) after the jobs already queued, and ends the thread;
    /// later uses throw `invalidState`.
    ///
    /// With `waiting`, returns once the connection is closed and the thread has ended. Never waits when
    /// called on the slot's own thread (the connection then closes after the current job).
    func close(waiting: Bool) {
        executor.submit { [self] in
            state.withLock { state in
                state.isClosed = true
                state.connection = nil
            }
        }
        executor.shutdown(waiting: waiting)
        // The executor may already have been shut down by an earlier close: make sure the slot refuses work.
        if waiting && !executor.isCurrent {
            state.withLock { state in
                state.isClosed = true
                state.connection = nil
            }
        }
    }

    private func closedError() -> MLOpsError {
        MLOpsError(.invalidState, "the store has been closed; open it again to use it", value: path)
    }

    /// Whether `error` is the executor's refusal after ``close(waiting:)`` (a call that raced the close).
    private func isShutDownError(_ error: MLOpsError) -> Bool {
        error.code == .invalidState && error.value == executor.name
    }

    private func withConnection<Result>(_ body: (SQLiteConnection) throws -> Result) throws -> Result {
        try state.withLock { state in
            if state.isClosed { throw closedError() }
            if let connection = state.connection { return try body(connection) }
            let connection = try open()
            state.connection = connection
            return try body(connection)
        }
    }
}
