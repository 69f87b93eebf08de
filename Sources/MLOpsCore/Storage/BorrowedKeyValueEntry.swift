/// One entry of ``KeyValueStore/scan(_:visiting:)``: the key's and value's bytes as the store
/// holds them, lent to the visiting closure without a copy.
///
/// The buffers are valid **only during the call** that receives the entry: copy what must
/// outlive it (`Array(entry.value)`). The type is deliberately not `Sendable`.
public struct BorrowedKeyValueEntry {
    /// The key's bytes.
    public let key: UnsafeRawBufferPointer
    /// The stored bytes.
    public let value: UnsafeRawBufferPointer
    /// The version the key had when it was read; see ``KeyValueStore``.
    public let version: UInt64

    /// Creates an entry over borrowed buffers (for backends implementing
    /// ``KeyValueStore/scan(_:visiting:)``).
    public init(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, version: UInt64) {
        self.key = key
        self.value = value
        self.version = version
    }
}

extension KeyValueStore {
    /// Visits the entries of a key range in order, lending each entry's bytes to `body`
    /// instead of returning copies; `body` returns `false` to stop early.
    ///
    /// This default reads the range with one ``scan(_:)`` and lends the bytes of each returned
    /// entry: the same snapshot and order, with the memory of the whole result. A backend that
    /// can hand out its own buffers (the SQLite store does) implements it to save a copy and
    /// two allocations per entry.
    public func scan(
        _ request: KeyScan,
        visiting body: (BorrowedKeyValueEntry) throws -> Bool
    ) async throws {
        for entry in try await scan(request) {
            let more = try entry.key.withUnsafeBytes { key in
                try entry.value.withUnsafeBytes { value in
                    try body(BorrowedKeyValueEntry(key: key, value: value, version: entry.version))
                }
            }
            if !more { return }
        }
    }
}
