import MLOpsCore

/// Writes one pack as a stream of pieces, so that a buffer of file bytes whose chunks are all new
/// goes to the blob store as it is, without being copied into a pack first.
///
/// ``finish()`` makes the pack durable, then writes its index — only then are its chunks visible
/// to ``PackStore`` readers. Used by one task at a time.
final class PackStreamWriter: @unchecked Sendable {
    let name: String
    private let store: PackStore
    private let writer: any BlobWriter
    private(set) var entries: [PackIndex.Entry] = []
    private(set) var size: UInt64 = 0

    init(store: PackStore) async throws {
        self.store = store
        name = SortableID().description
        writer = try await store.blobs.openWriter(PackStore.packKey(name))
    }

    /// Appends `bytes`, which hold the chunks `chunks` (digest, offset within `bytes`, length).
    func append(_ bytes: [UInt8], chunks: [(SHA256Digest, Int, Int)]) async throws {
        for (digest, offset, length) in chunks {
            entries.append(PackIndex.Entry(digest: digest, offset: size + UInt64(offset), length: UInt32(length)))
        }
        try await writer.write(bytes)
        size += UInt64(bytes.count)
    }

    /// Makes the pack durable, writes its index and publishes its chunks.
    func finish() async throws {
        try await writer.commit()
        let index = PackIndex(entries: entries)
        try await store.blobs.put(PackStore.indexKey(name), data: index.encoded)
        store.publish(index, name: name)
    }

    /// Discards the pack.
    func abort() async {
        try? await writer.abort()
    }
}
