/// Optimistic read-modify-write on any ``KeyValueStore``.
extension KeyValueStore {
    /// Runs `body` as an all-or-nothing transaction, retrying when another
    /// writer got in first.
    ///
    /// Every ``KeyValueTransactionContext/get(_:)`` in `body` is recorded as a
    /// check on the key's version (or absence); the writes are buffered and
    /// committed together with those checks. If the commit fails with a
    /// conflict, `body` runs again on fresh reads, up to `maxAttempts` times, with
    /// a short randomised back-off between attempts. `body` must therefore be
    /// free of side effects other than through the context. If `body` throws, the keys it read
    /// are checked once more: when one of them changed meanwhile (the reads were not one
    /// snapshot), `body` runs again; otherwise its error is rethrown.
    ///
    /// Scans through the context record a check for each key they return, so
    /// a change to a returned key is detected; a key *inserted* into the scanned
    /// range by another writer is not (no phantom protection). Guard such ranges
    /// with a counter key that every inserter updates.
    ///
    /// ```swift
    /// let counter = StorageKey("app", "counter").bytes
    /// let next = try await store.transaction { tx in
    ///     let n = try await tx.get(counter).flatMap { Int(String(decoding: $0.value, as: UTF8.self)) } ?? 0
    ///     tx.put(counter, Array(String(n + 1).utf8))
    ///     return n + 1
    /// }
    /// ```
    ///
    /// - Throws: Whatever `body` throws (nothing is written), or ``MLOpsError``
    ///   with code `conflict` once `maxAttempts` attempts have all conflicted.
    nonisolated(nonsending) public func transaction<Result>(
        maxAttempts: Int = 64,
        _ body: nonisolated(nonsending) (KeyValueTransactionContext) async throws -> Result
    ) async throws -> Result {
        try await versionedTransaction(maxAttempts: maxAttempts, body).result
    }

    /// ``transaction(maxAttempts:_:)``, also returning the version its commit gave the keys it
    /// wrote (`nil` when it wrote nothing).
    nonisolated(nonsending) func versionedTransaction<Result>(
        maxAttempts: Int = 64,
        _ body: nonisolated(nonsending) (KeyValueTransactionContext) async throws -> Result
    ) async throws -> (result: Result, version: UInt64?) {
        var attempt = 0
        while true {
            attempt += 1
            let context = KeyValueTransactionContext(store: self)
            let result: Result
            do {
                result = try await body(context)
            } catch {
                // The body may have failed because its reads were not one snapshot (a key read
                // early changed before a later read). If any read is stale, run it again on
                // fresh reads instead of reporting an error the data never justified.
                guard attempt < maxAttempts, try await readsAreStale(context.transaction.checks) else { throw error }
                continue
            }
            do {
                var version: UInt64?
                if !context.transaction.writes.isEmpty {
                    version = try await commit(context.transaction)
                }
                return (result, version)
            } catch let error as MLOpsError where error.code == .conflict {
                if attempt >= maxAttempts {
                    throw MLOpsError(
                        .conflict,
                        "transaction still conflicted after \(attempt) attempts; another writer keeps changing the same keys",
                        value: String(attempt)
                    )
                }
                // Randomised, growing back-off so that competing writers spread out.
                // Up to 50 ms: longer than one fsync'd commit, so a hot key's writers do not burn
                // their attempts while one of them waits for the disk.
                let cap = Swift.min(1 << Swift.min(attempt, 16), 50_000)
                try await Task.sleep(nanoseconds: UInt64(Int.random(in: 0...cap)) * 1_000)
            }
        }
    }
}

extension KeyValueStore {
    /// Whether any of `checks` no longer holds (a read-only commit of them conflicts).
    nonisolated(nonsending) fileprivate func readsAreStale(_ checks: [KeyValueTransaction.Check]) async throws -> Bool {
        guard !checks.isEmpty else { return false }
        do {
            try await commit(KeyValueTransaction(checks: checks))
            return false
        } catch let error as MLOpsError where error.code == .conflict {
            return true
        }
    }
}

/// The view of a store inside ``KeyValueStore/transaction(maxAttempts:_:)``.
///
/// Reads go to the store and are recorded as checks; reads of a key this
/// transaction already wrote return the buffered value. Writes are buffered
/// until the body returns. The context is only valid inside the body.
public final class KeyValueTransactionContext {
    let store: any KeyValueStore
    private(set) var transaction = KeyValueTransaction()
    private var checked = Set<[UInt8]>()
    private var pending: [[UInt8]: [UInt8]?] = [:]

    init(store: any KeyValueStore) { self.store = store }

    /// Reads `key`, recording its current version (or absence) as a check.
    nonisolated(nonsending) public func get(_ key: [UInt8]) async throws -> KeyValueEntry? {
        if let buffered = pending[key] {
            return buffered.map { KeyValueEntry(key: key, value: $0, version: 0) }
        }
        let entry = try await store.get(key)
        record(key, entry)
        return entry
    }

    /// Scans the store (ignoring this transaction's own buffered writes),
    /// recording a version check for each returned key.
    nonisolated(nonsending) public func scan(_ request: KeyScan) async throws -> [KeyValueEntry] {
        let entries = try await store.scan(request)
        for entry in entries { record(entry.key, entry) }
        return entries
    }

    /// Buffers a put of `value` under `key`.
    public func put(_ key: [UInt8], _ value: [UInt8]) {
        pending[key] = .some(value)
        transaction.put(key, value)
    }

    /// Buffers a delete of `key`.
    public func delete(_ key: [UInt8]) {
        pending[key] = .some(nil)
        transaction.delete(key)
    }

    /// Adds an explicit check, e.g. that a key is still absent.
    public func expect(_ check: KeyValueTransaction.Check) {
        checked.insert(check.key)
        transaction.checks.append(check)
    }

    private func record(_ key: [UInt8], _ entry: KeyValueEntry?) {
        guard checked.insert(key).inserted else { return }
        transaction.expect(key, unchangedFrom: entry)
    }
}
