import MLOpsCore

/// An in-memory store with one deliberate contract violation, to show that
/// the conformance suite notices it.
final class BrokenKeyValueStore: KeyValueStore {
    enum Defect {
        case ignoresChecks
        case commitsEachWriteSeparately
        case appliesWritesBeforeChecks
        case signedOrder
        case ignoresLimit
        case emptyValueIsAbsent
        case truncatesValues
    }

    let defect: Defect
    let base = InMemoryKeyValueStore()

    init(_ defect: Defect) { self.defect = defect }

    func get(_ key: [UInt8]) async throws -> KeyValueEntry? {
        let entry = try await base.get(key)
        if defect == .emptyValueIsAbsent, entry?.value.isEmpty == true { return nil }
        return entry
    }

    func scan(_ request: KeyScan) async throws -> [KeyValueEntry] {
        switch defect {
        case .signedOrder:
            var entries = try await base.scan(KeyScan(range: request.range))
            entries.sort {
                $0.key.map { Int8(bitPattern: $0) }.lexicographicallyPrecedes($1.key.map { Int8(bitPattern: $0) })
            }
            if request.order == .descending { entries.reverse() }
            return Array(entries.prefix(Swift.max(0, request.limit ?? Int.max)))
        case .ignoresLimit:
            return try await base.scan(KeyScan(range: request.range, order: request.order))
        case .emptyValueIsAbsent:
            return try await base.scan(request).filter { !$0.value.isEmpty }
        default:
            return try await base.scan(request)
        }
    }

    @discardableResult
    func commit(_ transaction: KeyValueTransaction) async throws -> UInt64 {
        switch defect {
        case .ignoresChecks:
            return try await base.commit(KeyValueTransaction(writes: transaction.writes))
        case .commitsEachWriteSeparately:
            try await base.commit(KeyValueTransaction(checks: transaction.checks))
            var version: UInt64 = 0
            for write in transaction.writes { version = try await base.commit(KeyValueTransaction(writes: [write])) }
            return version
        case .appliesWritesBeforeChecks:
            var failed = false
            do { try await base.commit(KeyValueTransaction(checks: transaction.checks)) } catch { failed = true }
            let version = try await base.commit(KeyValueTransaction(writes: transaction.writes))
            if failed { throw MLOpsError(.conflict, "a check failed (after the writes were applied)") }
            return version
        case .truncatesValues:
            let writes = transaction.writes.map { write -> KeyValueTransaction.Write in
                if case .put(let key, let value) = write, value.count > 1 << 20 {
                    return .put(key, Array(value.prefix(1 << 20)))
                }
                return write
            }
            return try await base.commit(KeyValueTransaction(checks: transaction.checks, writes: writes))
        default:
            return try await base.commit(transaction)
        }
    }
}
