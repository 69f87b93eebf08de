/// Reads and writes of one namespace's records that commit together, or not at all.
///
/// A transaction is handed to the body of ``RecordStore/transaction(_:)`` and to migrations.
/// It reads through the store, recording what it read, buffers its writes — records and their
/// index entries — and commits them as one ``KeyValueTransaction`` when the body returns; if
/// another writer changed anything it read, the body runs again on fresh reads.
///
/// What a caller must know:
/// - The body may run several times: act only through the transaction.
/// - Reads of records this transaction already wrote return the buffered record (with version
///   0, since it has none yet).
/// - Paged reads inside a transaction (``all(_:)``, ``list(_:after:limit:)``) detect changes to
///   the records they returned, not records inserted into the range by others.
/// - The transaction is only valid inside the body that received it.
public final class RecordTransaction {
    let context: KeyValueTransactionContext
    let keys: RecordKeys
    /// The namespace the transaction writes in.
    public let namespace: RecordNamespace

    init(context: KeyValueTransactionContext, namespace: RecordNamespace) {
        self.context = context
        self.namespace = namespace
        keys = RecordKeys(namespace: namespace.name)
    }

    // MARK: Reading

    /// Reads the record of `type` with `id`, or `nil` if there is none.
    ///
    /// - Throws: ``MLOpsError`` `corruptData` for a damaged record, `unsupported` for a newer schema.
    nonisolated(nonsending) public func get<Record: StoredRecord>(
        _ type: Record.Type, id: String
    ) async throws -> VersionedRecord<Record>? {
        let key = try recordKey(type, id)
        guard let entry = try await context.get(key) else { return nil }
        return VersionedRecord(
            record: try RecordEnvelope.decode(type, from: entry.value, key: key), version: entry.version)
    }

    /// Whether a record of `type` with `id` exists, without decoding it.
    nonisolated(nonsending) public func contains<Record: StoredRecord>(
        _ type: Record.Type, id: String
    ) async throws -> Bool {
        try await context.get(try recordKey(type, id)) != nil
    }

    /// Reads up to `limit` records of `type` in ID order, after `cursor`.
    nonisolated(nonsending) public func list<Record: StoredRecord>(
        _ type: Record.Type, after cursor: RecordCursor? = nil, limit: Int = 100
    ) async throws -> RecordPage<Record> {
        let scan = try RecordStore.listScan(type, keys: keys, after: cursor, limit: limit)
        return try RecordStore.page(type, try await context.scan(scan), limit: limit)
    }

    /// Reads every record of `type`, in ID order. Meant for migrations and small types.
    nonisolated(nonsending) public func all<Record: StoredRecord>(
        _ type: Record.Type
    ) async throws -> [VersionedRecord<Record>] {
        var result: [VersionedRecord<Record>] = []
        var cursor: RecordCursor?
        repeat {
            let page = try await list(type, after: cursor, limit: 1_000)
            result += page.records
            cursor = page.next
        } while cursor != nil
        return result
    }

    /// Reads the record that holds `value` in the unique index `index`, or `nil`.
    ///
    /// - Throws: ``MLOpsError`` `invalidArgument` if `type` has no unique index called `index`.
    nonisolated(nonsending) public func get<Record: StoredRecord>(
        _ type: Record.Type, unique index: String, value: String
    ) async throws -> VersionedRecord<Record>? {
        guard Record.indexes.contains(where: { $0.name == index && $0.isUnique }) else {
            throw MLOpsError(
                .invalidArgument, "\(Record.recordType) records have no unique index with this name", value: index)
        }
        guard let entry = try await context.get(keys.unique(Record.recordType, index, value)) else { return nil }
        guard let id = String(validating: entry.value, as: UTF8.self),
            let found = try await get(type, id: id)
        else {
            throw MLOpsError(
                .corruptData,
                "the unique index '\(index)' of \(Record.recordType) records points at a missing record "
                    + "for value '\(value)'",
                value: StorageKey.describe(entry.key))
        }
        return found
    }

    // MARK: Writing

    /// Stores `record`, creating it or replacing the stored one, and updates its index entries.
    ///
    /// - Throws: ``MLOpsError`` `conflict` if a unique index value is held by another record;
    ///   `invalidArgument`/`limitExceeded` for a bad ID or index value; `corruptData` if the
    ///   stored record it replaces is damaged (its index entries could not be removed).
    nonisolated(nonsending) public func save<Record: StoredRecord>(_ record: Record) async throws {
        let old = try await get(Record.self, id: record.recordID)
        try await write(record, replacing: old?.record)
    }

    /// Stores a new record.
    ///
    /// - Throws: ``MLOpsError`` `conflict` if a record of this type with this ID exists, or as
    ///   ``save(_:)``.
    nonisolated(nonsending) public func insert<Record: StoredRecord>(_ record: Record) async throws {
        if try await get(Record.self, id: record.recordID) != nil {
            throw MLOpsError(
                .conflict, "a \(Record.recordType) record with this ID already exists", value: record.recordID)
        }
        try await write(record, replacing: nil)
    }

    /// Replaces the stored record if it still has `expectedVersion` (compare-and-swap).
    ///
    /// - Throws: ``MLOpsError`` `notFound` if there is no such record, `conflict` if it changed
    ///   since it was read at `expectedVersion`.
    nonisolated(nonsending) public func update<Record: StoredRecord>(
        _ record: Record, expectedVersion: UInt64
    ) async throws {
        let old = try await existing(Record.self, id: record.recordID, expectedVersion: expectedVersion)
        try await write(record, replacing: old.record)
    }

    /// Deletes the record of `type` with `id` and its index entries; `expectedVersion`, if
    /// given, must match (compare-and-swap).
    ///
    /// - Returns: Whether a record was deleted (`false` if there was none and no version was expected).
    /// - Throws: ``MLOpsError`` `notFound` if a version was expected but there is no record,
    ///   `conflict` if it changed.
    @discardableResult
    nonisolated(nonsending) public func delete<Record: StoredRecord>(
        _ type: Record.Type, id: String, expectedVersion: UInt64? = nil
    ) async throws -> Bool {
        let old: VersionedRecord<Record>
        if let expectedVersion {
            old = try await existing(type, id: id, expectedVersion: expectedVersion)
        } else {
            guard let found = try await get(type, id: id) else { return false }
            old = found
        }
        for index in Record.indexes {
            for value in index.distinctValues(of: old.record) {
                try await removeEntry(index, value: value, id: id)
            }
        }
        context.delete(try recordKey(type, id))
        return true
    }

    // MARK: Internals

    nonisolated(nonsending) private func existing<Record: StoredRecord>(
        _ type: Record.Type, id: String, expectedVersion: UInt64
    ) async throws -> VersionedRecord<Record> {
        guard let old = try await get(type, id: id) else {
            throw MLOpsError(.notFound, "there is no \(Record.recordType) record with this ID", value: id)
        }
        guard old.version == expectedVersion else {
            throw MLOpsError(
                .conflict,
                "the \(Record.recordType) record changed since it was read (version \(expectedVersion), "
                    + "now \(old.version)); read it again and retry",
                value: id)
        }
        return old
    }

    nonisolated(nonsending) private func write<Record: StoredRecord>(_ record: Record, replacing old: Record?)
        async throws
    {
        let id = record.recordID
        let key = try recordKey(Record.self, id)
        for index in Record.indexes {
            let before = old.map { index.distinctValues(of: $0) } ?? []
            let after = index.distinctValues(of: record)
            let removed = before.filter { !after.contains($0) }
            let added = after.filter { !before.contains($0) }
            for value in removed { try await removeEntry(index, value: value, id: id) }
            for value in added { try await addEntry(index, value: value, id: id) }
        }
        context.put(key, try RecordEnvelope.encode(record))
    }

    nonisolated(nonsending) private func addEntry<Record: StoredRecord>(
        _ index: RecordIndex<Record>, value: String, id: String
    ) async throws {
        try RecordStore.checkIndexValue(value, index: index.name)
        let type = Record.recordType
        if index.isUnique {
            let key = keys.unique(type, index.name, value)
            if let holder = try await context.get(key), holder.value != Array(id.utf8) {
                throw MLOpsError(
                    .conflict,
                    "the unique index '\(index.name)' of \(type) records already has '\(value)' for the record "
                        + String(decoding: holder.value, as: UTF8.self),
                    value: value)
            }
            context.put(key, Array(id.utf8))
        } else {
            context.put(keys.indexEntry(type, index.name, value, id), [])
        }
    }

    nonisolated(nonsending) private func removeEntry<Record: StoredRecord>(
        _ index: RecordIndex<Record>, value: String, id: String
    ) async throws {
        let type = Record.recordType
        if index.isUnique {
            let key = keys.unique(type, index.name, value)
            // Only remove the entry if it is this record's: never another record's value.
            if let holder = try await context.get(key), holder.value == Array(id.utf8) { context.delete(key) }
        } else {
            context.delete(keys.indexEntry(type, index.name, value, id))
        }
    }

    func recordKey<Record: StoredRecord>(_ type: Record.Type, _ id: String) throws -> [UInt8] {
        try RecordStore.checkID(id, type: Record.recordType)
        return keys.record(Record.recordType, id)
    }
}
