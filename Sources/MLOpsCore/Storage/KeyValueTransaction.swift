/// The checks and writes that ``KeyValueStore/commit(_:)`` applies atomically.
///
/// A transaction is plain data: conditions on keys' versions and a list of
/// puts and deletes. Writes apply in order, so a later write to the same key
/// wins. Most code does not build one by hand but uses
/// ``KeyValueStore/transaction(maxAttempts:_:)``, which records what it reads
/// as checks and retries on conflict.
///
/// ```swift
/// var tx = KeyValueTransaction()
/// tx.expectAbsent(Array("runs/1".utf8))          // create only if new
/// tx.put(Array("runs/1".utf8), Array("{}".utf8))
/// try await store.commit(tx)
/// ```
public struct KeyValueTransaction: Sendable, Hashable {
    /// A condition that must hold when the transaction commits.
    public enum Check: Sendable, Hashable {
        /// The key must not exist.
        case absent([UInt8])
        /// The key must exist with exactly this version.
        case version([UInt8], UInt64)

        /// The key the check is about.
        public var key: [UInt8] {
            switch self {
            case .absent(let key), .version(let key, _): key
            }
        }
    }

    /// A change to one key.
    public enum Write: Sendable, Hashable {
        /// Store `value` under `key`, replacing any previous value.
        case put([UInt8], [UInt8])
        /// Remove `key`; deleting an absent key is not an error.
        case delete([UInt8])

        /// The key the write changes.
        public var key: [UInt8] {
            switch self {
            case .put(let key, _), .delete(let key): key
            }
        }
    }

    /// Conditions checked before any write is applied.
    public var checks: [Check]
    /// Writes applied in order if every check holds.
    public var writes: [Write]

    /// Creates a transaction.
    public init(checks: [Check] = [], writes: [Write] = []) {
        self.checks = checks
        self.writes = writes
    }

    /// Adds a put of `value` under `key`.
    public mutating func put(_ key: [UInt8], _ value: [UInt8]) { writes.append(.put(key, value)) }
    /// Adds a delete of `key`.
    public mutating func delete(_ key: [UInt8]) { writes.append(.delete(key)) }
    /// Requires `key` to be absent at commit.
    public mutating func expectAbsent(_ key: [UInt8]) { checks.append(.absent(key)) }
    /// Requires `key` to have `version` at commit.
    public mutating func expectVersion(_ key: [UInt8], _ version: UInt64) {
        checks.append(.version(key, version))
    }
    /// Requires `key` to be as `entry` says: absent if `entry` is `nil`, else at its version.
    public mutating func expect(_ key: [UInt8], unchangedFrom entry: KeyValueEntry?) {
        if let entry { checks.append(.version(key, entry.version)) } else { checks.append(.absent(key)) }
    }

    /// Whether the transaction writes nothing.
    public var isReadOnly: Bool { writes.isEmpty }
}
