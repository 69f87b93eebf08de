/// A named, ordered change to a namespace's records, applied once per store.
///
/// ``RecordStore/open(_:on:migrations:)`` runs the migrations not yet applied, in list order,
/// each in one transaction together with the record that marks it applied — so a migration
/// runs exactly once per store, even when several processes open the store at the same moment
/// (the losers of the race see the mark, after a retry, and skip it), and a crash mid-migration
/// leaves the store as it was before it.
///
/// ```swift
/// let migrations = [
///     RecordMigration("v2: index datasets by name") { tx in
///         for entry in try await tx.all(DatasetRecord.self) { try await tx.save(entry.record) }
///     }
/// ]
/// let records = try await RecordStore.open(namespace, on: store, migrations: migrations)
/// ```
///
/// What a migration must know:
/// - Its name is its identity: never rename or reorder applied migrations, only append.
/// - Its body may run more than once (a conflicting concurrent open retries it), so it must
///   act only through the ``RecordTransaction`` it is given.
/// - It runs in one transaction: keep it to what fits in memory (thousands of records, not
///   millions).
public struct RecordMigration: Sendable {
    /// The migration's stable name, unique within its namespace.
    public let name: String
    let body: nonisolated(nonsending) @Sendable (RecordTransaction) async throws -> Void

    /// Creates a migration.
    public init(
        _ name: String, _ body: nonisolated(nonsending) @escaping @Sendable (RecordTransaction) async throws -> Void
    ) {
        self.name = name
        self.body = body
    }
}
