/// Typed, versioned records of one namespace on any ``KeyValueStore``: the record layer every
/// module of swift-mlops builds its store on.
///
/// ```swift
/// let namespace = try RecordNamespace("data", owner: "DataVersioning")
/// let records = try await RecordStore.open(namespace, on: workspace.metadata, migrations: migrations)
/// try await records.insert(DatasetRecord(id: "d1", name: "churn"))
/// let found = try await records.get(DatasetRecord.self, unique: "name", value: "churn")
/// ```
///
/// What it gives a module:
/// - **A claimed namespace.** ``open(_:on:migrations:)`` claims the namespace for its owner in
///   the store; another owner claiming the same name is refused.
/// - **Versioned `Codable` records** (``StoredRecord``) with a schema version in every stored
///   value, and a clear `corruptData` error ("corrupt record at KEY: …") for damaged bytes.
/// - **Migrations** (``RecordMigration``), run once per store at open, in order, each in one
///   transaction with the mark that records it — never re-run, even under concurrent opens.
/// - **Secondary indexes** (``RecordIndex``), unique or not, written in the same transaction as
///   the record, so they never disagree with it, even across a crash.
/// - **Compare-and-swap** updates and deletes against a version read earlier, and a retrying
///   read-modify-write (``update(_:id:_:)``).
/// - **Paged reads** with a limit and a cursor (``list(_:after:limit:)``,
///   ``lookup(_:index:value:after:limit:)``).
/// - **A self-check** (``check(_:into:)``) that decodes every record and compares every index
///   entry with the records.
///
/// ## Durability: what "acknowledged" means
///
/// The same rule holds in every module. A write is *acknowledged* when the call that made it
/// returns without throwing; from then on it is as durable as the backing store's commit (for
/// the SQLite workspace with its default settings: on disk, surviving a process or machine
/// crash) and visible to every reader of the store. A call that throws wrote nothing, unless
/// the error says the outcome is unknown (a backend that lost its connection mid-commit).
/// Modules that buffer for speed (the tracking writer) *accept* a write when the call returns
/// and *acknowledge* it when `flush()` (or `finish`/`close()`) returns; an accepted write is
/// never dropped silently: it is kept and retried, and its failure is thrown by the next call,
/// by `flush()` and by `close()`.
public struct RecordStore: Sendable {
    /// The longest record ID, in UTF-8 bytes.
    public static let maxIDLength = 512
    /// The longest index value, in UTF-8 bytes.
    public static let maxIndexValueLength = 1_024
    /// The longest key a cursor may hold, in bytes.
    public static let maxKeyLength = 4_096
    /// The largest page a paged read returns.
    public static let maxPageSize = 10_000

    /// The store the records live in.
    public let store: any KeyValueStore
    /// The namespace this record store reads and writes.
    public let namespace: RecordNamespace
    let keys: RecordKeys

    init(store: any KeyValueStore, namespace: RecordNamespace) {
        self.store = store
        self.namespace = namespace
        keys = RecordKeys(namespace: namespace.name)
    }

    /// A record store over `namespace` that neither claims it nor runs migrations: for checks
    /// and inspection tools that must not write. Use ``open(_:on:migrations:)`` to write.
    public init(checking namespace: RecordNamespace, on store: any KeyValueStore) {
        self.init(store: store, namespace: namespace)
    }

    /// Claims `namespace` in `store` and applies the `migrations` not applied yet, in order.
    ///
    /// Safe to call from many tasks and processes at once: the claim is made once and each
    /// migration runs once per store.
    ///
    /// - Throws: ``MLOpsError`` `conflict` if another owner claimed the namespace;
    ///   `invalidArgument` for two migrations with one name; `unsupported` if the store has
    ///   applied migrations this code does not know (a newer version wrote it); whatever a
    ///   migration throws (the store is then left as before that migration).
    public static func open(
        _ namespace: RecordNamespace, on store: any KeyValueStore, migrations: [RecordMigration] = []
    ) async throws -> RecordStore {
        var names = Set<String>()
        for migration in migrations where !names.insert(migration.name).inserted {
            throw MLOpsError(
                .invalidArgument, "two migrations of namespace '\(namespace.name)' have the same name",
                value: migration.name)
        }
        try await claim(namespace, in: store)
        let records = RecordStore(store: store, namespace: namespace)
        try await records.checkNoUnknownMigrations(known: names)
        for (position, migration) in migrations.enumerated() {
            try await records.apply(migration, position: position)
        }
        return records
    }

    /// Claims `namespace` for its owner in `store`, or confirms the owner's claim.
    ///
    /// - Throws: ``MLOpsError`` `conflict` naming the other owner if someone else holds it.
    public static func claim(_ namespace: RecordNamespace, in store: any KeyValueStore) async throws {
        let key = RecordNamespace.claimKey(namespace.name)
        try await store.transaction { tx in
            if let entry = try await tx.get(key) {
                let claim = try RecordCoding.decode(NamespaceClaim.self, from: entry.value, key: key)
                guard claim.owner == namespace.owner else {
                    throw MLOpsError(
                        .conflict,
                        "the namespace '\(namespace.name)' of this store is already claimed by \(claim.owner); "
                            + "\(namespace.owner) cannot use it",
                        value: namespace.name)
                }
                return
            }
            tx.put(key, try RecordCoding.encode(NamespaceClaim(owner: namespace.owner)))
        }
    }

    /// The namespaces claimed in `store`, by name, with their owners.
    public static func claimedNamespaces(in store: any KeyValueStore) async throws -> [String: String] {
        let prefix = StorageKey(RecordNamespace.system, "namespace").bytes
        var result: [String: String] = [:]
        for entry in try await store.scan(.prefix(prefix)) {
            guard let name = RecordKeys.trailingPart(of: entry.key, after: prefix) else { continue }
            result[name] = try RecordCoding.decode(NamespaceClaim.self, from: entry.value, key: entry.key).owner
        }
        return result
    }

    /// The names of the migrations applied to this namespace, in the order they were applied.
    public func appliedMigrations() async throws -> [String] {
        let prefix = RecordNamespace.migrationsPrefix(namespace.name)
        var applied: [(Int, String)] = []
        for entry in try await store.scan(.prefix(prefix)) {
            guard let name = RecordKeys.trailingPart(of: entry.key, after: prefix) else {
                throw RecordEnvelope.corrupt(entry.key, "it is not a migration mark")
            }
            let mark = try RecordCoding.decode(AppliedMigration.self, from: entry.value, key: entry.key)
            applied.append((mark.index, name))
        }
        return applied.sorted { $0.0 < $1.0 }.map(\.1)
    }

    private func checkNoUnknownMigrations(known: Set<String>) async throws {
        let unknown = try await appliedMigrations().filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw MLOpsError(
                .unsupported,
                "the namespace '\(namespace.name)' was migrated by a newer version of swift-mlops "
                    + "(unknown migrations: \(unknown.joined(separator: ", "))); upgrade to open it",
                value: unknown[0])
        }
    }

    private func apply(_ migration: RecordMigration, position: Int) async throws {
        let mark = RecordNamespace.migrationKey(namespace.name, migration.name)
        try await store.transaction { context in
            if try await context.get(mark) != nil { return }
            try await migration.body(RecordTransaction(context: context, namespace: namespace))
            context.put(mark, try RecordCoding.encode(AppliedMigration(index: position)))
        }
    }

    // MARK: Transactions

    /// Runs `body` as one all-or-nothing transaction over this namespace's records, retrying
    /// it on fresh reads when another writer got in first.
    ///
    /// - Throws: Whatever `body` throws (nothing is written), or ``MLOpsError`` `conflict` when
    ///   every attempt conflicted.
    nonisolated(nonsending) public func transaction<Result>(
        _ body: nonisolated(nonsending) (RecordTransaction) async throws -> Result
    ) async throws -> Result {
        let namespace = namespace
        return try await store.transaction { context in
            try await body(RecordTransaction(context: context, namespace: namespace))
        }
    }

    // MARK: Single-record operations

    /// Reads the record of `type` with `id`, or `nil`.
    ///
    /// - Throws: ``MLOpsError`` `corruptData` for a damaged record, `unsupported` for a newer schema.
    public func get<Record: StoredRecord>(_ type: Record.Type, id: String) async throws -> VersionedRecord<Record>? {
        try Self.checkID(id, type: Record.recordType)
        let key = keys.record(Record.recordType, id)
        guard let entry = try await store.get(key) else { return nil }
        return VersionedRecord(
            record: try RecordEnvelope.decode(type, from: entry.value, key: key), version: entry.version)
    }

    /// Whether a record of `type` with `id` exists, without decoding it.
    public func contains<Record: StoredRecord>(_ type: Record.Type, id: String) async throws -> Bool {
        try Self.checkID(id, type: Record.recordType)
        return try await store.get(keys.record(Record.recordType, id)) != nil
    }

    /// Reads the record holding `value` in the unique index `index`, or `nil`.
    public func get<Record: StoredRecord>(
        _ type: Record.Type, unique index: String, value: String
    ) async throws -> VersionedRecord<Record>? {
        try await transaction { try await $0.get(type, unique: index, value: value) }
    }

    /// Stores a new record and its index entries.
    ///
    /// - Returns: The record's version.
    /// - Throws: ``MLOpsError`` `conflict` if the ID exists or a unique value is taken.
    @discardableResult
    public func insert<Record: StoredRecord>(_ record: Record) async throws -> UInt64 {
        try await versioned { try await $0.insert(record) }.version
    }

    /// Creates or replaces a record and its index entries.
    ///
    /// - Returns: The record's new version.
    @discardableResult
    public func save<Record: StoredRecord>(_ record: Record) async throws -> UInt64 {
        try await versioned { try await $0.save(record) }.version
    }

    /// Replaces a record only if it still has `expectedVersion` (compare-and-swap).
    ///
    /// - Returns: The record's new version.
    /// - Throws: ``MLOpsError`` `conflict` if it changed since, `notFound` if it is gone.
    @discardableResult
    public func update<Record: StoredRecord>(_ record: Record, expectedVersion: UInt64) async throws -> UInt64 {
        try await versioned { try await $0.update(record, expectedVersion: expectedVersion) }.version
    }

    /// Reads the record, lets `body` change it, and stores the result — retrying on fresh
    /// reads if another writer changed it in between.
    ///
    /// - Returns: The stored record with its new version.
    /// - Throws: ``MLOpsError`` `notFound` if there is no such record; `invalidArgument` if
    ///   `body` changed the record's ID; whatever `body` throws (nothing is written).
    @discardableResult
    public func update<Record: StoredRecord>(
        _ type: Record.Type, id: String, _ body: @Sendable (inout Record) throws -> Void
    ) async throws -> VersionedRecord<Record> {
        let (updated, version) = try await versioned { tx in
            guard var record = try await tx.get(type, id: id)?.record else {
                throw MLOpsError(.notFound, "there is no \(Record.recordType) record with this ID", value: id)
            }
            try body(&record)
            guard record.recordID == id else {
                throw MLOpsError(
                    .invalidArgument, "an update must not change the record's ID (to \(record.recordID))", value: id)
            }
            try await tx.save(record)
            return record
        }
        return VersionedRecord(record: updated, version: version)
    }

    /// Deletes a record and its index entries; with `expectedVersion`, only if unchanged.
    ///
    /// - Returns: Whether a record was deleted.
    @discardableResult
    public func delete<Record: StoredRecord>(
        _ type: Record.Type, id: String, expectedVersion: UInt64? = nil
    ) async throws -> Bool {
        try await transaction { try await $0.delete(type, id: id, expectedVersion: expectedVersion) }
    }

    // MARK: Paged reads

    /// Reads up to `limit` records of `type` in ID order, starting after `cursor`.
    ///
    /// - Throws: ``MLOpsError`` `invalidArgument` for a limit outside 1...``maxPageSize``.
    public func list<Record: StoredRecord>(
        _ type: Record.Type, after cursor: RecordCursor? = nil, limit: Int = 100
    ) async throws -> RecordPage<Record> {
        let scan = try Self.listScan(type, keys: keys, after: cursor, limit: limit)
        return try Self.page(type, try await store.scan(scan), limit: limit)
    }

    /// The scan of one page of `type`'s records after `cursor`.
    static func listScan<Record: StoredRecord>(
        _ type: Record.Type, keys: RecordKeys, after cursor: RecordCursor?, limit: Int
    ) throws -> KeyScan {
        var range = KeyRange.prefix(keys.records(Record.recordType))
        if let cursor { range = range.after(cursor.key) }
        return KeyScan(range: range, limit: try checkedLimit(limit))
    }

    /// The page of records a scan of `limit` entries returned.
    static func page<Record: StoredRecord>(
        _ type: Record.Type, _ entries: [KeyValueEntry], limit: Int
    ) throws -> RecordPage<Record> {
        let records = try entries.map { entry in
            VersionedRecord(
                record: try RecordEnvelope.decode(type, from: entry.value, key: entry.key), version: entry.version)
        }
        let next = entries.count == limit ? entries.last.map { RecordCursor(after: $0.key) } : nil
        return RecordPage(records: records, next: next)
    }

    /// Reads up to `limit` records that have `value` in the non-unique index `index`, in ID
    /// order, starting after `cursor`.
    ///
    /// - Throws: ``MLOpsError`` `invalidArgument` if `type` has no non-unique index `index`;
    ///   `corruptData` if an index entry points at a missing record.
    public func lookup<Record: StoredRecord>(
        _ type: Record.Type, index: String, value: String, after cursor: RecordCursor? = nil, limit: Int = 100
    ) async throws -> RecordPage<Record> {
        guard let definition = Record.indexes.first(where: { $0.name == index }) else {
            throw MLOpsError(
                .invalidArgument, "\(Record.recordType) records have no index with this name", value: index)
        }
        guard !definition.isUnique else {
            throw MLOpsError(
                .invalidArgument,
                "the index '\(index)' of \(Record.recordType) records is unique: read it with get(_:unique:value:)",
                value: index)
        }
        let limit = try Self.checkedLimit(limit)
        let prefix = keys.indexValue(Record.recordType, index, value)
        var range = KeyRange.prefix(prefix)
        if let cursor { range = range.after(cursor.key) }
        let entries = try await store.scan(KeyScan(range: range, limit: limit))
        var records: [VersionedRecord<Record>] = []
        for entry in entries {
            guard let id = RecordKeys.trailingPart(of: entry.key, after: prefix) else {
                throw RecordEnvelope.corrupt(entry.key, "it is not an index entry")
            }
            // A record deleted or re-indexed between the two reads is skipped, not reported.
            guard let found = try await get(type, id: id), definition.distinctValues(of: found.record).contains(value)
            else { continue }
            records.append(found)
        }
        let next = entries.count == limit ? entries.last.map { RecordCursor(after: $0.key) } : nil
        return RecordPage(records: records, next: next)
    }

    // MARK: Helpers

    /// Runs a writing transaction and returns its result with the version its commit assigned.
    nonisolated(nonsending) private func versioned<Result>(
        _ body: nonisolated(nonsending) (RecordTransaction) async throws -> Result
    ) async throws -> (result: Result, version: UInt64) {
        let namespace = namespace
        let (result, version) = try await store.versionedTransaction { context in
            try await body(RecordTransaction(context: context, namespace: namespace))
        }
        guard let version else {
            throw MLOpsError(.invalidState, "a record write committed nothing", value: namespace.name)
        }
        return (result, version)
    }

    static func checkID(_ id: String, type: String) throws {
        guard !id.isEmpty else {
            throw MLOpsError(.invalidArgument, "a \(type) record ID must not be empty", value: id)
        }
        guard id.utf8.count <= maxIDLength else {
            throw MLOpsError(
                .limitExceeded, "a \(type) record ID is longer than \(maxIDLength) bytes", value: id)
        }
    }

    static func checkIndexValue(_ value: String, index: String) throws {
        guard value.utf8.count <= maxIndexValueLength else {
            throw MLOpsError(
                .limitExceeded, "a value of index '\(index)' is longer than \(maxIndexValueLength) bytes",
                value: value)
        }
    }

    static func checkedLimit(_ limit: Int) throws -> Int {
        guard (1...maxPageSize).contains(limit) else {
            throw MLOpsError(
                .invalidArgument, "a page limit must be between 1 and \(maxPageSize)", value: String(limit))
        }
        return limit
    }
}
