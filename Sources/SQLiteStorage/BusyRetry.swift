import MLOpsCore

/// Retries work that failed with `SQLITE_BUSY`/`SQLITE_LOCKED` until a time budget runs out.
///
/// SQLite's own busy handler (`sqlite3_busy_timeout`) covers most lock waits, but some
/// `SQLITE_BUSY` results bypass it — a WAL file being recovered while many processes open the
/// store at once, a `journal_mode` change, a read racing a checkpoint. This loop catches those,
/// sleeps with a growing, randomised back-off and runs `body` again, so callers never see
/// "database is locked" unless the whole budget is spent.
///
/// `body` must leave the connection clean when it throws (no open transaction): it is re-run
/// from the start. The back-off sleeps block the thread: the store runs this loop only on its
/// connections' own threads, never on a caller's.
struct BusyRetry {
    /// When to give up.
    let deadline: ContinuousClock.Instant
    private var attempt = 0

    init(budget: Duration) {
        deadline = ContinuousClock.now.advanced(by: budget)
    }

    /// Runs `body`, retrying on a busy failure; rethrows every other error unchanged and the
    /// last busy failure once the budget is spent.
    static func run<Result>(budget: Duration, _ body: () throws -> Result) throws -> Result {
        var retry = BusyRetry(budget: budget)
        while true {
            do {
                return try body()
            } catch let failure as SQLiteFailure where failure.isBusy {
                guard retry.sleepBeforeNextAttempt() else { throw failure }
            }
        }
    }

    /// Sleeps before the next attempt and returns `true`, or returns `false` if the deadline
    /// has passed.
    mutating func sleepBeforeNextAttempt() -> Bool {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return false }
        attempt += 1
        // 0.5 ms doubling up to 64 ms, with full jitter so that competing processes spread out.
        let capMicros = 500 << Swift.min(attempt - 1, 7)
        var micros = Int.random(in: capMicros / 2...capMicros)
        let remainingMicros =
            remaining.components.seconds * 1_000_000
            + remaining.components.attoseconds / 1_000_000_000_000
        micros = Swift.max(1, Swift.min(micros, Int(remainingMicros)))
        Platform.sleep(for: .microseconds(micros))
        return true
    }
}
