import Synchronization

/// A ``KeyValueStore`` held in process memory: for tests, caches and
/// ephemeral workspaces.
///
/// Every operation takes one lock, so commits are atomic and isolated and
/// scans see a consistent snapshot. Nothing survives the process. Gets are
/// hash lookups; scans binary-search a sorted key index; a write to a new key
/// costs a sorted insert (O(n) moves), which is fine up to a few hundred
/// thousand keys.
public final class InMemoryKeyValueStore: KeyValueStore {
    private struct State {
        var values: [[UInt8]: (value: [UInt8], version: UInt64)] = [:]
        var sortedKeys: [[UInt8]] = []
        var version: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    /// The number of keys stored.
    public var count: Int { state.withLock { $0.values.count } }

    public func get(_ key: [UInt8]) async throws -> KeyValueEntry? {
        state.withLock { state in
            state.values[key].map { KeyValueEntry(key: key, value: $0.value, version: $0.version) }
        }
    }

    public func scan(_ request: KeyScan) async throws -> [KeyValueEntry] {
        state.withLock { state in
            let keys = state.sortedKeys
            let start = Self.lowerBound(keys, request.range.lowerBound)
            let end = request.range.upperBound.map { Self.lowerBound(keys, $0) } ?? keys.count
            guard start < end else { return [] }
            let limit = request.limit.map { Swift.max(0, $0) } ?? Int.max
            var result: [KeyValueEntry] = []
            result.reserveCapacity(Swift.min(limit, end - start))
            switch request.order {
            case .ascending:
                var i = start
                while i < end, result.count < limit {
                    result.append(entry(state, keys[i]))
                    i += 1
                }
            case .descending:
                var i = end - 1
                while i >= start, result.count < limit {
                    result.append(entry(state, keys[i]))
                    i -= 1
                }
            }
            return result
        }
    }

    @discardableResult
    public func commit(_ transaction: KeyValueTransaction) async throws -> UInt64 {
        try state.withLock { state in
            for check in transaction.checks {
                switch check {
                case .absent(let key):
                    if let current = state.values[key] {
                        throw Self.conflict(key, "expected the key to be absent, found version \(current.version)")
                    }
                case .version(let key, let expected):
                    guard let current = state.values[key] else {
                        throw Self.conflict(key, "expected version \(expected), but the key is absent")
                    }
                    if current.version != expected {
                        throw Self.conflict(key, "expected version \(expected), found \(current.version)")
                    }
                }
            }
            if transaction.writes.isEmpty { return state.version }
            state.version += 1
            let version = state.version
            for write in transaction.writes {
                switch write {
                case .put(let key, let value):
                    if state.values.updateValue((value, version), forKey: key) == nil {
                        state.sortedKeys.insert(key, at: Self.lowerBound(state.sortedKeys, key))
                    }
                case .delete(let key):
                    if state.values.removeValue(forKey: key) != nil {
                        state.sortedKeys.remove(at: Self.lowerBound(state.sortedKeys, key))
                    }
                }
            }
            return version
        }
    }

    private func entry(_ state: State, _ key: [UInt8]) -> KeyValueEntry {
        let stored = state.values[key]!  // The index and the map change together under the lock.
        return KeyValueEntry(key: key, value: stored.value, version: stored.version)
    }

    private static func conflict(_ key: [UInt8], _ what: String, fileID: String = #fileID, line: Int = #line)
        -> MLOpsError
    {
        MLOpsError(.conflict, "transaction check failed: \(what)", value: printable(key), fileID: fileID, line: line)
    }

    /// Index of the first key not less than `key`.
    static func lowerBound(_ keys: [[UInt8]], _ key: [UInt8]) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if KeyRange.compare(keys[mid], key) < 0 { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// Renders a key for an error message: UTF-8 text where printable, `\xNN` otherwise.
func printable(_ key: [UInt8]) -> String {
    var text = ""
    for byte in key {
        if (0x20..<0x7F).contains(byte) {
            text.unicodeScalars.append(UnicodeScalar(byte))
        } else {
            text += "\\x" + String(byte, radix: 16)
        }
    }
    return text
}
