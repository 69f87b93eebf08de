import Synchronization

/// A ``BlobStore`` held in process memory: for tests and ephemeral workspaces.
///
/// Keeps every ``BlobStore`` rule (immutability, atomic visibility, ordered
/// listing); nothing survives the process.
public final class InMemoryBlobStore: BlobStore {
    private let objects = Mutex<[BlobKey: [UInt8]]>([:])

    /// Creates an empty store.
    public init() {}

    public func put(_ key: BlobKey, data: [UInt8]) async throws {
        try objects.withLock { objects in
            if let existing = objects[key] {
                if existing == data { return }
                throw MLOpsError(
                    .conflict, "an object with different content already exists under this key; objects are immutable",
                    value: key.rawValue)
            }
            objects[key] = data
        }
    }

    public func get(_ key: BlobKey) async throws -> [UInt8] {
        guard let data = objects.withLock({ $0[key] }) else {
            throw MLOpsError(.notFound, "no object under this key", value: key.rawValue)
        }
        return data
    }

    /// Returns the bytes of the range.
    public func read(_ key: BlobKey, offset: Int, count: Int) async throws -> [UInt8] {
        try BlobRange.validate(key, offset: offset, count: count)
        let data = try await get(key)
        guard offset <= data.count - count else { throw BlobRange.pastEnd(key, offset: offset, count: count) }
        return Array(data[offset..<offset + count])
    }

    public func exists(_ key: BlobKey) async throws -> Bool { objects.withLock { $0[key] != nil } }

    public func list(prefix: String) async throws -> [BlobKey] {
        try BlobKey.validatePrefix(prefix)
        return objects.withLock { objects in objects.keys.filter { $0.hasSegmentPrefix(prefix) } }.sorted()
    }

    /// One page of the keys under `prefix` after `cursor`, in byte order.
    public func list(prefix: String, after cursor: BlobKey?, limit: Int) async throws -> BlobListPage {
        try BlobKey.validatePrefix(prefix)
        try BlobListPage.validate(limit: limit)
        let keys = objects.withLock { objects in
            objects.keys.filter { key in key.hasSegmentPrefix(prefix) && cursor.map { $0 < key } ?? true }
        }
        return BlobListPage(keys: Array(keys.sorted().prefix(limit + 1)), limit: limit)
    }

    public func delete(_ key: BlobKey) async throws { _ = objects.withLock { $0.removeValue(forKey: key) } }
}
