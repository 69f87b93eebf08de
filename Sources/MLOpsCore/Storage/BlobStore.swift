/// Immutable byte objects addressed by ``BlobKey``: datasets by content hash,
/// run artifacts and model packages by path-like keys.
///
/// ## What every backend must guarantee
///
/// - **Immutability.** Once ``put(_:data:)`` has returned, the key's bytes
///   never change until ``delete(_:)``. Putting the *same* bytes again is a
///   no-op; putting *different* bytes under an existing key throws
///   ``MLOpsError`` `conflict` and leaves the object as it was.
/// - **Atomic visibility.** A reader sees either the whole object or none of
///   it — never a prefix — even if the writer dies mid-write.
/// - **Durability.** When `put` (or a writer's ``BlobWriter/commit()``) returns,
///   the object survives a crash of the process.
/// - **Listing.** ``list(prefix:)`` returns keys in ascending byte order; a
///   prefix matches whole segments (`runs/1` lists `runs/1/a`, not `runs/10`).
///   ``list(prefix:after:limit:)`` returns the same keys a page at a time; a
///   key present during the whole paging is returned exactly once.
/// - **Missing keys.** ``get(_:)`` of an absent key throws `notFound`;
///   ``delete(_:)`` of an absent key is not an error.
///
/// Streaming (``openReader(_:)``, ``openWriter(_:)``) has default
/// implementations built from `get`/`put` that hold the object in memory;
/// backends for large objects override them.
public protocol BlobStore: Sendable {
    /// Stores `data` under `key`. See the immutability rules above.
    func put(_ key: BlobKey, data: [UInt8]) async throws
    /// Returns the bytes under `key`; throws `notFound` if absent.
    func get(_ key: BlobKey) async throws -> [UInt8]
    /// Whether an object exists under `key`.
    func exists(_ key: BlobKey) async throws -> Bool
    /// The keys equal to or below `prefix` (whole segments), in ascending order.
    /// An empty prefix lists every key.
    func list(prefix: String) async throws -> [BlobKey]
    /// One page of the keys equal to or below `prefix` (whole segments): at most `limit` keys, in
    /// ascending byte order, each greater than `cursor` (from the first key when `cursor` is `nil`).
    ///
    /// Pass the page's ``BlobListPage/next`` as the next call's `cursor` until it is `nil`. The cursor need
    /// not be a stored key. A default implementation filters ``list(prefix:)``; a backend with many keys
    /// should stop reading after the page.
    ///
    /// - Throws: ``MLOpsError`` `invalidArgument` for an invalid prefix or a limit below 1.
    func list(prefix: String, after cursor: BlobKey?, limit: Int) async throws -> BlobListPage
    /// Removes the object under `key`; removing an absent key is not an error.
    func delete(_ key: BlobKey) async throws

    /// Returns `count` bytes of the object under `key` starting at byte `offset`.
    ///
    /// A default implementation streams the object from its start with ``openReader(_:)``; a backend
    /// that can read a range directly (a file, an HTTP range request) should override it.
    ///
    /// - Throws: `notFound` if absent; `invalidArgument` for a negative offset or count;
    ///   `corruptData` if the object ends before `offset + count`.
    func read(_ key: BlobKey, offset: Int, count: Int) async throws -> [UInt8]
    /// Opens the object for chunked reading; throws `notFound` if absent.
    func openReader(_ key: BlobKey) async throws -> any BlobReader
    /// Starts writing a new object. Nothing is visible under `key` until
    /// ``BlobWriter/commit()`` returns.
    func openWriter(_ key: BlobKey) async throws -> any BlobWriter
}

/// Reads an object in chunks.
public protocol BlobReader: Sendable {
    /// The object's size in bytes.
    var size: Int { get }
    /// Returns up to `maxLength` further bytes; an empty array at the end.
    func read(upTo maxLength: Int) async throws -> [UInt8]
    /// Releases resources; reading afterwards is an error.
    func close() async throws
}

/// Writes a new object in chunks; the object appears atomically at ``commit()``.
public protocol BlobWriter: Sendable {
    /// Appends bytes.
    func write(_ bytes: [UInt8]) async throws
    /// Makes the object durable and visible. Same rules as ``BlobStore/put(_:data:)``.
    func commit() async throws
    /// Discards everything written; nothing becomes visible.
    func abort() async throws
}

extension BlobStore {
    /// Default: reads the whole object with ``get(_:)`` and serves it in chunks.
    public func openReader(_ key: BlobKey) async throws -> any BlobReader {
        BufferedBlobReader(bytes: try await get(key))
    }

    /// Default: buffers the chunks in memory and ``put(_:data:)``s them at commit.
    public func openWriter(_ key: BlobKey) async throws -> any BlobWriter {
        BufferedBlobWriter(key: key, store: self)
    }

    /// Default: reads from the object's start with ``openReader(_:)``, skipping `offset` bytes.
    public func read(_ key: BlobKey, offset: Int, count: Int) async throws -> [UInt8] {
        try BlobRange.validate(key, offset: offset, count: count)
        let reader = try await openReader(key)
        do {
            let bytes = try await Self.readRange(reader, key: key, offset: offset, count: count)
            try? await reader.close()
            return bytes
        } catch {
            try? await reader.close()
            throw error
        }
    }

    private static func readRange(_ reader: any BlobReader, key: BlobKey, offset: Int, count: Int) async throws
        -> [UInt8]
    {
        guard offset <= reader.size - count else { throw BlobRange.pastEnd(key, offset: offset, count: count) }
        var skipped = 0
        while skipped < offset {
            let piece = try await reader.read(upTo: Swift.min(1 << 20, offset - skipped))
            guard !piece.isEmpty else { throw BlobRange.pastEnd(key, offset: offset, count: count) }
            skipped += piece.count
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let piece = try await reader.read(upTo: count - bytes.count)
            guard !piece.isEmpty else { throw BlobRange.pastEnd(key, offset: offset, count: count) }
            bytes += piece
        }
        return bytes
    }

    /// Default: lists every key under `prefix` with ``list(prefix:)`` and returns the page after `cursor`.
    public func list(prefix: String, after cursor: BlobKey?, limit: Int) async throws -> BlobListPage {
        try BlobListPage.validate(limit: limit)
        let keys = try await list(prefix: prefix)
        // The first key greater than the cursor (binary search: `keys` is sorted).
        var low = keys.startIndex
        if let cursor {
            var high = keys.endIndex
            while low < high {
                let middle = low + (high - low) / 2
                if cursor < keys[middle] { high = middle } else { low = middle + 1 }
            }
        }
        let end = keys.index(low, offsetBy: Swift.min(limit + 1, keys.endIndex - low))
        return BlobListPage(keys: Array(keys[low..<end]), limit: limit)
    }

    /// Convenience: validates `key` text and stores `data`.
    public func put(_ key: String, data: [UInt8]) async throws { try await put(BlobKey(key), data: data) }
    /// Convenience: validates `key` text and reads the object.
    public func get(_ key: String) async throws -> [UInt8] { try await get(BlobKey(key)) }
}

/// The checks and errors of ranged reads, shared by every backend.
package enum BlobRange {
    /// Throws `invalidArgument` for a negative offset or count, or a range past `Int.max`.
    package static func validate(_ key: BlobKey, offset: Int, count: Int) throws {
        guard offset >= 0, count >= 0, offset <= Int.max - count else {
            throw MLOpsError(
                .invalidArgument, "invalid byte range: offset \(offset), count \(count)", value: key.rawValue)
        }
    }

    /// The error for a range that runs past the object's end.
    package static func pastEnd(_ key: BlobKey, offset: Int, count: Int) -> MLOpsError {
        MLOpsError(
            .corruptData, "the object ends before byte \(offset + count) (reading \(count) bytes at \(offset))",
            value: key.rawValue)
    }
}
