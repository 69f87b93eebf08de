/// A storage backend that can check its own files or server for damage, below the records.
///
/// ``KeyValueStore`` and ``BlobStore`` backends may conform; a workspace check runs it before
/// the modules check their records. The SQLite store's conformance runs `PRAGMA
/// integrity_check` and its own invariants.
public protocol StoreIntegrityChecking: Sendable {
    /// Checks the backend for damage.
    ///
    /// - Returns: One line per problem found; empty when the backend is sound.
    /// - Throws: ``MLOpsError`` when the check cannot run at all.
    func integrityProblems() async throws -> [String]
}
