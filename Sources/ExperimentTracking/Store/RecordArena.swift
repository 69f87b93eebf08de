/// Appends records to large ``RecordChunk``s and hands out ``RecordBytes`` for them.
///
/// Chunks start small (16 KiB) and double up to ``chunkSize``, so that a handful of records
/// does not keep a large block alive. Not shared: one arena fills chunks on one task; the
/// records it handed out may then be shared freely, since their bytes never change.
struct RecordArena {
    /// The largest capacity of a new chunk (a larger record gets a chunk of its own size).
    let chunkSize: Int
    private var current: RecordChunk?
    private var nextSize: Int

    init(chunkSize: Int = 1 << 20) {
        self.chunkSize = chunkSize
        nextSize = Swift.min(chunkSize, 16 << 10)
    }

    /// Copies `bytes` into the arena.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> RecordBytes {
        let chunk: RecordChunk
        if let current, current.capacity - current.used >= bytes.count {
            chunk = current
        } else {
            chunk = RecordChunk(capacity: Swift.max(nextSize, bytes.count))
            nextSize = Swift.min(chunkSize, nextSize * 2)
            current = chunk
        }
        let start = chunk.used
        if let source = bytes.baseAddress, !bytes.isEmpty {
            (chunk.base + start).update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        chunk.used += bytes.count
        return RecordBytes(chunk: chunk, start: start, count: bytes.count)
    }
}
