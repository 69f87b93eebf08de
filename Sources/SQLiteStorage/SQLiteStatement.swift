/// The SQL a ``SQLiteConnection`` prepares once and reuses.
///
/// Every value reaches SQLite as a bound parameter; nothing here is built from caller input.
enum SQLiteStatement: Int, CaseIterable {
    case beginDeferred
    case beginImmediate
    case commit
    case rollback
    case get
    case version
    case storeVersion
    case setStoreVersion
    case put
    case delete
    case scanAscending
    case scanAscendingUnbounded
    case scanDescending
    case scanDescendingUnbounded

    /// The statement's text.
    var sql: String {
        switch self {
        case .beginDeferred: "BEGIN DEFERRED"
        case .beginImmediate: "BEGIN IMMEDIATE"
        case .commit: "COMMIT"
        case .rollback: "ROLLBACK"
        case .get: "SELECT value, version FROM kv WHERE key = ?1"
        case .version: "SELECT version FROM kv WHERE key = ?1"
        case .storeVersion: "SELECT version FROM meta WHERE id = 1"
        case .setStoreVersion: "UPDATE meta SET version = ?1 WHERE id = 1"
        case .put:
            "INSERT INTO kv(key, value, version) VALUES (?1, ?2, ?3) "
                + "ON CONFLICT(key) DO UPDATE SET value = excluded.value, version = excluded.version"
        case .delete: "DELETE FROM kv WHERE key = ?1"
        case .scanAscending:
            "SELECT key, value, version FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key ASC LIMIT ?3"
        case .scanAscendingUnbounded:
            "SELECT key, value, version FROM kv WHERE key >= ?1 ORDER BY key ASC LIMIT ?2"
        case .scanDescending:
            "SELECT key, value, version FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key DESC LIMIT ?3"
        case .scanDescendingUnbounded:
            "SELECT key, value, version FROM kv WHERE key >= ?1 ORDER BY key DESC LIMIT ?2"
        }
    }
}
