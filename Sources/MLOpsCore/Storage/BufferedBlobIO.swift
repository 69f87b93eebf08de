import Synchronization

/// A ``BlobReader`` over bytes already in memory.
public final class BufferedBlobReader: BlobReader {
    private let state: Mutex<(bytes: [UInt8], offset: Int, closed: Bool)>
    /// The object's size in bytes.
    public let size: Int

    /// Serves `bytes` in chunks.
    public init(bytes: [UInt8]) {
        size = bytes.count
        state = Mutex((bytes, 0, false))
    }

    /// Returns up to `maxLength` further bytes; empty at the end.
    public func read(upTo maxLength: Int) async throws -> [UInt8] {
        try state.withLock { state in
            if state.closed { throw MLOpsError(.invalidState, "the blob reader is closed") }
            let end = Swift.min(state.bytes.count, state.offset + Swift.max(0, maxLength))
            let chunk = Array(state.bytes[state.offset..<end])
            state.offset = end
            return chunk
        }
    }

    /// Releases the bytes.
    public func close() async throws {
        state.withLock { state in
            state.closed = true
            state.bytes = []
        }
    }
}

/// A ``BlobWriter`` that gathers chunks in memory and stores them with one `put`.
public final class BufferedBlobWriter: BlobWriter {
    private let key: BlobKey
    private let store: any BlobStore
    private let state = Mutex<(bytes: [UInt8], finished: Bool)>(([], false))

    /// A writer that will `put` into `store` under `key` at commit.
    public init(key: BlobKey, store: any BlobStore) {
        self.key = key
        self.store = store
    }

    /// Appends bytes.
    public func write(_ bytes: [UInt8]) async throws {
        try state.withLock { state in
            if state.finished { throw MLOpsError(.invalidState, "the blob writer was already committed or aborted") }
            state.bytes.append(contentsOf: bytes)
        }
    }

    /// Stores everything written as one object.
    public func commit() async throws {
        let bytes = try state.withLock { state in
            if state.finished { throw MLOpsError(.invalidState, "the blob writer was already committed or aborted") }
            state.finished = true
            defer { state.bytes = [] }
            return state.bytes
        }
        try await store.put(key, data: bytes)
    }

    /// Discards everything written.
    public func abort() async throws {
        state.withLock { state in
            state.finished = true
            state.bytes = []
        }
    }
}
