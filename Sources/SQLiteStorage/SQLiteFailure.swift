import CSQLite
import MLOpsCore

/// A failed SQLite call, as the library reported it, before it becomes an `MLOpsError`.
///
/// Low-level helpers throw this so that the layer above can tell a retryable `SQLITE_BUSY`
/// from everything else; the public API turns it into an `MLOpsError` with
/// ``mlopsError(_:)``.
struct SQLiteFailure: Error {
    /// The (extended) result code.
    var code: Int32
    /// `sqlite3_errmsg` at the time of the failure.
    var message: String
    /// The database file, for the error's `value`.
    var path: String

    init(_ code: Int32, _ message: String, path: String) {
        self.code = code
        self.message = message
        self.path = path
    }

    /// The primary result code (the low byte of an extended code).
    var primaryCode: Int32 { code & 0xFF }

    /// Whether another connection holds a lock we need: worth waiting and retrying.
    var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    /// The failure as the SDK's error type: `doing` says what the store was trying to do.
    func mlopsError(_ doing: String, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
        let detail = "\(message) (SQLite code \(code))"
        switch primaryCode {
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return MLOpsError(
                .corruptData,
                "the file is not a valid swift-mlops store (SQLite could not \(doing): \(detail)); "
                    + "check the path, or restore the store from a backup",
                value: path, fileID: fileID, line: line)
        case SQLITE_BUSY, SQLITE_LOCKED:
            return MLOpsError(
                .busy,
                "the store stayed locked by another connection while trying to \(doing): \(detail); "
                    + "retry later or raise the busy timeout",
                value: path, fileID: fileID, line: line)
        case SQLITE_TOOBIG:
            return MLOpsError(
                .limitExceeded,
                "SQLite could not \(doing): a key or value is larger than SQLite allows (\(detail))",
                value: path, fileID: fileID, line: line)
        case SQLITE_FULL:
            return MLOpsError(
                .ioError, "SQLite could not \(doing): the disk is full (\(detail))",
                value: path, fileID: fileID, line: line)
        case SQLITE_READONLY:
            return MLOpsError(
                .ioError,
                "SQLite could not \(doing): the database file is read-only (\(detail)); "
                    + "check the file's permissions",
                value: path, fileID: fileID, line: line)
        case SQLITE_CANTOPEN:
            return MLOpsError(
                .ioError,
                "SQLite could not \(doing): cannot open the database file (\(detail)); "
                    + "check that the directory exists and is writable",
                value: path, fileID: fileID, line: line)
        default:
            return MLOpsError(.ioError, "SQLite could not \(doing): \(detail)", value: path, fileID: fileID, line: line)
        }
    }
}
