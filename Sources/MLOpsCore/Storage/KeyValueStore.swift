/// An ordered map from byte keys to byte values with atomic multi-key commits.
///
/// `KeyValueStore` is the metadata substrate of swift-mlops: every module lays
/// its records out on it under its own key prefix. It is deliberately small —
/// three requirements — so that a host program can plug in its own storage by
/// writing one type, and run `KeyValueStoreConformance` from `MLOpsTestKit`
/// against it.
///
/// ## What every backend must guarantee
///
/// - **Ordering.** Keys are ordered by unsigned lexicographic byte comparison
///   (like `memcmp`, shorter key first on a tie). ``scan(_:)`` returns entries
///   in that order, or its reverse for ``KeyScan/Order/descending``.
/// - **Versions.** Every stored key carries a version: a positive integer that
///   changes every time the key is written. A backend assigns all keys written
///   by one commit the same version, and versions of later commits are
///   greater. A deleted key has no version (it is *absent*).
/// - **Atomicity.** ``commit(_:)`` applies all of a ``KeyValueTransaction``'s
///   writes or none of them, even if the process dies mid-way. When it
///   returns, the writes are durable (they survive a process crash) and
///   visible to every later read, from any task or process that shares the
///   store.
/// - **Isolation.** A commit's checks (``KeyValueTransaction/Check``) and its
///   writes happen as one indivisible step: no other commit can interleave
///   between the checks and the writes. This is what makes optimistic
///   read-modify-write (``transaction(maxAttempts:_:)``) correct. Reads
///   (``get(_:)``, ``scan(_:)``) see only fully committed transactions; a
///   single scan sees one consistent snapshot.
/// - **Failure.** A failed check throws ``MLOpsError`` with code
///   ``MLOpsError/Code/conflict`` and writes nothing. Any other failure also
///   writes nothing.
///
/// Backends: ``InMemoryKeyValueStore`` (tests, ephemeral state), the SQLite
/// store in `SQLiteStorage` (the embedded default), and yours.
public protocol KeyValueStore: Sendable {
    /// Returns the entry stored under `key`, or `nil` if the key is absent.
    func get(_ key: [UInt8]) async throws -> KeyValueEntry?

    /// Returns the entries in a key range, in key order (or reverse order),
    /// up to the scan's limit.
    ///
    /// The result is one consistent snapshot. To page through a large range,
    /// call again with the range's lower bound just past the last key returned
    /// (or upper bound at it, descending); ``KeyRange/after(_:)`` helps.
    func scan(_ request: KeyScan) async throws -> [KeyValueEntry]

    /// Visits the entries of a key range in key order (or reverse order), up to the scan's
    /// limit, lending each entry's bytes to `body` without copying them; `body` returns `false`
    /// to stop the scan early.
    ///
    /// The entries are one consistent snapshot, as for ``scan(_:)``. The buffers of a
    /// ``BorrowedKeyValueEntry`` are valid only during the call of `body` that receives it.
    /// `body` runs synchronously, possibly while the backend holds a lock or a read
    /// transaction: keep it short and do not block in it. An error thrown by `body` ends the
    /// scan and is rethrown unchanged. A default implementation built on ``scan(_:)`` exists, so
    /// a backend need not write one.
    func scan(_ request: KeyScan, visiting body: (BorrowedKeyValueEntry) throws -> Bool) async throws

    /// Atomically checks every condition in `transaction` and, if all hold,
    /// applies all of its writes.
    ///
    /// - Returns: The version assigned to the keys written by this commit (for
    ///   a transaction with no writes, the store's current version).
    /// - Throws: ``MLOpsError`` with code `conflict` when a check fails; the
    ///   store is then unchanged.
    @discardableResult
    func commit(_ transaction: KeyValueTransaction) async throws -> UInt64
}

/// One key, its value and its version, as returned by ``KeyValueStore``.
public struct KeyValueEntry: Sendable, Hashable {
    /// The key.
    public var key: [UInt8]
    /// The stored bytes.
    public var value: [UInt8]
    /// The version the key had when it was read; see ``KeyValueStore``.
    public var version: UInt64

    /// Creates an entry.
    public init(key: [UInt8], value: [UInt8], version: UInt64) {
        self.key = key
        self.value = value
        self.version = version
    }
}
