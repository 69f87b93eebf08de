import Synchronization

/// Writes one new object of a ``FileBlobStore`` through a temporary file that
/// is linked into place at ``commit()``.
///
/// Until `commit` returns, nothing is visible under the key; if the process
/// dies first, only an invisible temporary file (its name contains `%`) is
/// left behind. Writes and the commit run on `BlockingExecutor.shared`.
public final class FileBlobWriter: BlobWriter {
    private struct State {
        var directory: Int32
        var file: Int32
        var finished = false
        /// Bytes written so far.
        var written = 0
        /// Large objects are written with direct I/O through this aligned buffer (see ``append(_:)``).
        var staging: UnsafeMutableRawPointer?
        var staged = 0
    }

    /// A first write at least this large switches the object to direct I/O.
    static let directThreshold = 4 << 20
    /// The aligned buffer direct writes go through.
    static let stagingSize = 8 << 20

    private let key: BlobKey
    private let temporaryName: String
    private let state: Mutex<State>

    init(store: FileBlobStore, key: BlobKey) throws {
        self.key = key
        var random = SystemRandomNumberGenerator()
        temporaryName = "%tmp-\(Platform.processID)-\(String(random.next(), radix: 36))"
        let parents = key.segments.dropLast().map(String.init)
        var attempt = 0
        while true {
            attempt += 1
            let directory = try store.openDirectory(parents, create: true)
            let file = Platform.open(
                at: directory, temporaryName, [.writeOnly, .create, .exclusive, .noFollow], mode: 0o600)
            if file >= 0 {
                state = Mutex(State(directory: directory, file: file))
                return
            }
            let code = Platform.errno
            Platform.close(directory)
            // A concurrent delete may have pruned the (empty) directory we just opened.
            if code == Platform.noSuchFile, attempt < 8 { continue }
            Platform.errno = code
            throw FileSystem.error("cannot create a temporary file for the object", key.rawValue)
        }
    }

    deinit {
        discard()
    }

    /// Appends bytes to the temporary file.
    public func write(_ bytes: [UInt8]) async throws {
        try await BlockingExecutor.shared.run { [self] in try append(bytes) }
    }

    /// Makes the object durable and visible (fsync, link, fsync the directory).
    public func commit() async throws {
        try await BlockingExecutor.shared.run { [self] in try finish() }
    }

    /// Removes the temporary file; nothing becomes visible.
    public func abort() async throws {
        try await BlockingExecutor.shared.run { [self] in discard() }
    }

    func append(_ bytes: [UInt8]) throws {
        try state.withLock { state in
            guard !state.finished else {
                throw MLOpsError(.invalidState, "the blob writer was already committed or aborted", value: key.rawValue)
            }
            // A large object bypasses the page cache: copying it there costs the kernel more than
            // the hashing that produced it, and the data is on the device by the fsync anyway.
            if state.written == 0, state.staging == nil, bytes.count >= Self.directThreshold,
                Platform.setDirectIO(state.file, true)
            {
                state.staging = UnsafeMutableRawPointer.allocate(
                    byteCount: Self.stagingSize, alignment: Platform.directIOAlignment)
            }
            guard let staging = state.staging else {
                try FileSystem.writeAll(state.file, bytes, what: key.rawValue)
                state.written += bytes.count
                return
            }
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let take = Swift.min(Self.stagingSize - state.staged, raw.count - offset)
                    (staging + state.staged).copyMemory(from: raw.baseAddress! + offset, byteCount: take)
                    state.staged += take
                    offset += take
                    if state.staged == Self.stagingSize { try flushStaging(&state, count: Self.stagingSize) }
                }
            }
        }
    }

    /// Writes the first `count` staged bytes (a multiple of the alignment) with direct I/O and
    /// moves the rest to the front of the buffer.
    private func flushStaging(_ state: inout State, count: Int) throws {
        guard let staging = state.staging, count > 0 else { return }
        try FileSystem.writeAll(state.file, UnsafeRawBufferPointer(start: staging, count: count), what: key.rawValue)
        state.written += count
        let rest = state.staged - count
        if rest > 0 { Platform.moveBytes(to: staging, from: staging + count, count: rest) }
        state.staged = rest
    }

    /// Writes what is staged: the aligned part directly, the tail through the page cache.
    private func drainStaging(_ state: inout State) throws {
        guard state.staging != nil else { return }
        let aligned = state.staged - state.staged % Platform.directIOAlignment
        try flushStaging(&state, count: aligned)
        if state.staged > 0, let staging = state.staging {
            guard Platform.setDirectIO(state.file, false) else {
                throw FileSystem.error("cannot leave direct I/O for the object's last bytes", key.rawValue)
            }
            try FileSystem.writeAll(
                state.file, UnsafeRawBufferPointer(start: staging, count: state.staged), what: key.rawValue)
            state.written += state.staged
            state.staged = 0
        }
    }

    func finish() throws {
        try state.withLock { state in
            guard !state.finished else {
                throw MLOpsError(.invalidState, "the blob writer was already committed or aborted", value: key.rawValue)
            }
            defer { Self.cleanUp(&state, temporaryName) }
            try drainStaging(&state)
            if Platform.synchronize(state.file) != 0 {
                throw FileSystem.error("fsync of the new object failed", key.rawValue)
            }
            let name = String(key.lastSegment)
            if Platform.link(at: state.directory, temporaryName, to: name) != 0 {
                let code = Platform.errno
                guard code == Platform.alreadyExists else {
                    Platform.errno = code
                    throw FileSystem.error("cannot link the new object into place", key.rawValue)
                }
                // Same bytes again is a no-op; different bytes break immutability.
                if try !FileSystem.sameContents(state.directory, temporaryName, name) {
                    throw MLOpsError(
                        .conflict,
                        "an object with different content already exists under this key; objects are immutable",
                        value: key.rawValue)
                }
            }
            if Platform.synchronize(state.directory) != 0 {
                throw FileSystem.error("fsync of the object's directory failed", key.rawValue)
            }
        }
    }

    func discard() {
        state.withLock { state in Self.cleanUp(&state, temporaryName) }
    }

    private static func cleanUp(_ state: inout State, _ temporaryName: String) {
        if let staging = state.staging {
            staging.deallocate()
            state.staging = nil
        }
        guard !state.finished else { return }
        state.finished = true
        Platform.close(state.file)
        _ = Platform.remove(at: state.directory, temporaryName)
        Platform.close(state.directory)
    }
}

/// Reads one object of a ``FileBlobStore`` in chunks. Reads run on
/// `BlockingExecutor.shared`.
public final class FileBlobReader: BlobReader {
    private struct State {
        var fd: Int32
        var offset = 0
        var closed = false
    }

    /// The object's size in bytes.
    public let size: Int
    private let key: BlobKey
    private let state: Mutex<State>

    init(fd: Int32, key: BlobKey) throws {
        guard let status = Platform.status(fd) else {
            let error = FileSystem.error("cannot stat the object", key.rawValue)
            Platform.close(fd)
            throw error
        }
        size = status.size
        self.key = key
        state = Mutex(State(fd: fd))
    }

    deinit {
        state.withLock { state in
            if !state.closed { Platform.close(state.fd) }
        }
    }

    /// Returns up to `maxLength` further bytes; empty at the end.
    public func read(upTo maxLength: Int) async throws -> [UInt8] {
        try await BlockingExecutor.shared.run { [self] in try readChunk(upTo: maxLength) }
    }

    private func readChunk(upTo maxLength: Int) throws -> [UInt8] {
        try state.withLock { state in
            guard !state.closed else {
                throw MLOpsError(.invalidState, "the blob reader is closed", value: key.rawValue)
            }
            let wanted = Swift.max(0, Swift.min(maxLength, size - state.offset))
            if wanted == 0 { return [] }
            var chunk = [UInt8](repeating: 0, count: wanted)
            let count = try chunk.withUnsafeMutableBytes { buffer in
                try FileSystem.preadFully(state.fd, buffer, offset: state.offset, what: key.rawValue)
            }
            if count < wanted {
                throw MLOpsError(
                    .corruptData, "the object is shorter than its size; it was altered", value: key.rawValue)
            }
            state.offset += count
            return chunk
        }
    }

    /// Closes the file.
    public func close() async throws {
        state.withLock { state in
            if !state.closed {
                state.closed = true
                Platform.close(state.fd)
            }
        }
    }
}
