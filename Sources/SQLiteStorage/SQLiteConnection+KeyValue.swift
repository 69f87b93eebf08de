import CSQLite
import MLOpsCore

/// The ``KeyValueStore`` operations on one connection. The caller holds the connection's lock
/// and retries on busy failures; these functions leave no transaction open when they throw.
extension SQLiteConnection {
    /// Reads one key. A single statement is its own read transaction, so it sees one snapshot.
    func get(_ key: [UInt8]) throws -> KeyValueEntry? {
        let statement = try statement(.get)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        return try key.withUnsafeBytes { keyBytes in
            try bind(statement, 1, keyBytes)
            let rc = sqlite3_step(statement)
            switch rc {
            case SQLITE_ROW:
                return KeyValueEntry(
                    key: key, value: Self.bytes(statement, 0), version: Self.version(statement, 1))
            case SQLITE_DONE:
                return nil
            default:
                throw failure(rc)
            }
        }
    }

    /// Reads a key range with one `SELECT`, which SQLite runs in one read transaction: the
    /// result is a consistent snapshot even while other connections commit.
    func scan(_ request: KeyScan) throws -> [KeyValueEntry] {
        var entries: [KeyValueEntry] = []
        if let limit = request.limit, limit > 0 { entries.reserveCapacity(Swift.min(limit, 256)) }
        var delivered = 0
        try scan(request, delivered: &delivered) { statement in
            entries.append(
                KeyValueEntry(
                    key: Self.bytes(statement, 0), value: Self.bytes(statement, 1), version: Self.version(statement, 2)
                ))
            return true
        }
        return entries
    }

    /// Visits a key range with one `SELECT` (one read transaction, so one snapshot), lending
    /// each row's key and value to `body` straight from SQLite's buffers.
    ///
    /// `delivered` counts the rows handed to `body`, so that the caller retries a busy failure
    /// only while it is still 0 (a retry would hand out rows again).
    func scan(
        _ request: KeyScan,
        delivered: inout Int,
        visiting body: (BorrowedKeyValueEntry) throws -> Bool
    ) throws {
        try scan(request, delivered: &delivered) { statement in
            try body(
                BorrowedKeyValueEntry(
                    key: Self.borrowedBytes(statement, 0), value: Self.borrowedBytes(statement, 1),
                    version: Self.version(statement, 2)))
        }
    }

    /// Steps the scan statement for `request`, calling `row` with the statement on each row
    /// until it returns `false` or the rows run out. The statement is reset afterwards, also
    /// when `row` throws.
    private func scan(
        _ request: KeyScan,
        delivered: inout Int,
        row: (OpaquePointer) throws -> Bool
    ) throws {
        // SQLite reads a negative LIMIT as "no limit"; the protocol reads it as "nothing".
        let limit = request.limit.map { Int64(Swift.max(0, $0)) } ?? -1
        if limit == 0 { return }
        let id: SQLiteStatement =
            switch (request.order, request.range.upperBound != nil) {
            case (.ascending, true): .scanAscending
            case (.ascending, false): .scanAscendingUnbounded
            case (.descending, true): .scanDescending
            case (.descending, false): .scanDescendingUnbounded
            }
        let statement = try statement(id)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try request.range.lowerBound.withUnsafeBytes { lower in
            try bind(statement, 1, lower)
            guard let upperBound = request.range.upperBound else {
                try bind(statement, 2, limit)
                try step(statement, delivered: &delivered, row)
                return
            }
            try upperBound.withUnsafeBytes { upper in
                try bind(statement, 2, upper)
                try bind(statement, 3, limit)
                try step(statement, delivered: &delivered, row)
            }
        }
    }

    private func step(
        _ statement: OpaquePointer,
        delivered: inout Int,
        _ row: (OpaquePointer) throws -> Bool
    ) throws {
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_ROW {
                delivered += 1
                if try !row(statement) { return }
            } else if rc == SQLITE_DONE {
                return
            } else {
                throw failure(rc)
            }
        }
    }

    /// Checks and applies a transaction atomically.
    ///
    /// A transaction with writes starts with `BEGIN IMMEDIATE`, which takes the database's write
    /// lock before the checks run, so no other connection — in this process or another — can
    /// commit between the checks and the writes. The store's version counter is bumped once, in
    /// the same transaction. A read-only transaction only needs a consistent snapshot for its
    /// checks (`BEGIN DEFERRED`).
    func commit(_ transaction: KeyValueTransaction) throws -> UInt64 {
        let writes = !transaction.writes.isEmpty
        try execute(writes ? .beginImmediate : .beginDeferred)
        do {
            for check in transaction.checks { try verify(check) }
            var version = try storeVersion()
            if writes {
                version += 1
                try setStoreVersion(version)
                let versionValue = Int64(bitPattern: version)
                for write in transaction.writes {
                    switch write {
                    case .put(let key, let value): try put(key, value, versionValue)
                    case .delete(let key): try delete(key)
                    }
                }
            }
            try execute(.commit)
            return version
        } catch {
            rollback()
            throw error
        }
    }

    private func verify(_ check: KeyValueTransaction.Check) throws {
        switch check {
        case .absent(let key):
            if let current = try version(of: key) {
                throw Self.conflict(key, "expected the key to be absent, found version \(current)")
            }
        case .version(let key, let expected):
            guard let current = try version(of: key) else {
                throw Self.conflict(key, "expected version \(expected), but the key is absent")
            }
            if current != expected {
                throw Self.conflict(key, "expected version \(expected), found \(current)")
            }
        }
    }

    private func version(of key: [UInt8]) throws -> UInt64? {
        let statement = try statement(.version)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        return try key.withUnsafeBytes { keyBytes in
            try bind(statement, 1, keyBytes)
            let rc = sqlite3_step(statement)
            switch rc {
            case SQLITE_ROW: return Self.version(statement, 0)
            case SQLITE_DONE: return nil
            default: throw failure(rc)
            }
        }
    }

    /// The store's version counter: the version of its latest commit with writes.
    func storeVersion() throws -> UInt64 {
        let statement = try statement(.storeVersion)
        defer { sqlite3_reset(statement) }
        let rc = sqlite3_step(statement)
        switch rc {
        case SQLITE_ROW: return Self.version(statement, 0)
        case SQLITE_DONE: throw SQLiteFailure(SQLITE_CORRUPT, "the meta table has no row", path: path)
        default: throw failure(rc)
        }
    }

    private func setStoreVersion(_ version: UInt64) throws {
        let statement = try statement(.setStoreVersion)
        defer { sqlite3_reset(statement) }
        try bind(statement, 1, Int64(bitPattern: version))
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE else { throw failure(rc) }
    }

    private func put(_ key: [UInt8], _ value: [UInt8], _ version: Int64) throws {
        let statement = try statement(.put)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try key.withUnsafeBytes { keyBytes in
            try value.withUnsafeBytes { valueBytes in
                try bind(statement, 1, keyBytes)
                try bind(statement, 2, valueBytes)
                try bind(statement, 3, version)
                let rc = sqlite3_step(statement)
                guard rc == SQLITE_DONE else { throw failure(rc) }
            }
        }
    }

    private func delete(_ key: [UInt8]) throws {
        let statement = try statement(.delete)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try key.withUnsafeBytes { keyBytes in
            try bind(statement, 1, keyBytes)
            let rc = sqlite3_step(statement)
            guard rc == SQLITE_DONE else { throw failure(rc) }
        }
    }

    private static func conflict(_ key: [UInt8], _ what: String, fileID: String = #fileID, line: Int = #line)
        -> MLOpsError
    {
        MLOpsError(.conflict, "transaction check failed: \(what)", value: printableKey(key), fileID: fileID, line: line)
    }
}

/// Renders a key for an error message: UTF-8 text where printable, `\xNN` otherwise.
func printableKey(_ key: [UInt8]) -> String {
    var text = ""
    for byte in key.prefix(200) {
        if (0x20..<0x7F).contains(byte) {
            text.unicodeScalars.append(UnicodeScalar(byte))
        } else {
            text += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        }
    }
    return text
}
