public import MLOpsCore

/// The SQLite store checks its file with `PRAGMA integrity_check` and its own invariants, on its
/// own thread (``SQLiteKeyValueStore/integrityProblems()``).
extension SQLiteKeyValueStore: StoreIntegrityChecking {}
