/// A ``BlobStore`` on the local file system: one file per object under a root
/// directory, the key's segments as subdirectories.
///
/// Writes are crash-safe: bytes go to a temporary file in the target
/// directory (a name containing `%`, which no key may contain), which is
/// `fsync`ed, hard-linked into place (atomic and never replacing an existing
/// object), unlinked, and the directory is `fsync`ed. A reader therefore sees
/// a whole object or none. Directories are created `0700` and files `0600`.
///
/// Every path is resolved one segment at a time with `openat(O_NOFOLLOW)`
/// from the root, so a symbolic link planted inside the root cannot redirect
/// a read or write outside it.
///
/// The store gives no key a meaning: content addressing (`sha256/…` keys
/// verified against their bytes) belongs to DataVersioning's
/// `ContentAddressedStore`, which does it the same way on every backend.
///
/// A key cannot be both an object and a directory of other objects
/// (`a` and `a/b`): the second put throws `conflict`.
///
/// Every file-system call runs on `BlockingExecutor.shared`, a few threads
/// owned by swift-mlops: an async caller is suspended while its object is
/// read, written or `fsync`ed, never blocking one of Swift's cooperative
/// threads. ``init(root:)`` is synchronous and runs on the caller's thread.
public final class FileBlobStore: BlobStore {
    /// The root directory, as given.
    public let root: String

    /// Opens (creating if needed, mode `0700`) a store rooted at `root`.
    ///
    /// - Throws: ``MLOpsError`` `ioError` if the directory cannot be created or opened.
    public init(root: String) throws {
        self.root = root
        try FileSystem.makeDirectories(root)
        let fd = Platform.open(root, [.readOnly, .directory])
        if fd < 0 { throw FileSystem.error("cannot open the blob store root", root) }
        Platform.close(fd)
    }

    // MARK: BlobStore

    /// Stores `data` under `key`: temporary file, `fsync`, hard link into place, `fsync` of the directory.
    public func put(_ key: BlobKey, data: [UInt8]) async throws {
        try await BlockingExecutor.shared.run { [self] in
            let writer = try FileBlobWriter(store: self, key: key)
            do {
                try writer.append(data)
                try writer.finish()
            } catch {
                writer.discard()
                throw error
            }
        }
    }

    /// Reads the whole object.
    public func get(_ key: BlobKey) async throws -> [UInt8] {
        try await BlockingExecutor.shared.run { [self] in
            let fd = try openObject(key)
            defer { Platform.close(fd) }
            return try FileSystem.readAll(fd, what: key.rawValue)
        }
    }

    /// Reads `count` bytes at `offset` with positioned reads.
    public func read(_ key: BlobKey, offset: Int, count: Int) async throws -> [UInt8] {
        try BlobRange.validate(key, offset: offset, count: count)
        return try await BlockingExecutor.shared.run { [self] in
            let fd = try openObject(key)
            defer { Platform.close(fd) }
            var bytes = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let got = bytes.withUnsafeMutableBytes { raw in
                    Platform.read(fd, UnsafeMutableRawBufferPointer(rebasing: raw[done...]), offset: offset + done)
                }
                if got < 0 {
                    if Platform.errno == Platform.interrupted { continue }
                    throw FileSystem.error("cannot read the object", key.rawValue)
                }
                if got == 0 { throw BlobRange.pastEnd(key, offset: offset, count: count) }
                done += got
            }
            return bytes
        }
    }

    /// Whether a regular file is stored under `key`.
    public func exists(_ key: BlobKey) async throws -> Bool {
        try await BlockingExecutor.shared.run { [self] in
            guard let dir = try? openDirectory(key.segments.dropLast().map(String.init), create: false) else {
                return false
            }
            defer { Platform.close(dir) }
            return Platform.status(at: dir, String(key.lastSegment))?.type == .regular
        }
    }

    /// Every key equal to or below `prefix`, in byte order.
    public func list(prefix: String) async throws -> [BlobKey] {
        try BlobKey.validatePrefix(prefix)
        return try await BlockingExecutor.shared.run { [self] in
            try walk(prefix: prefix, after: nil, limit: nil)
        }
    }

    /// One page of the keys equal to or below `prefix`, in byte order, after `cursor`.
    ///
    /// Walks the directories in key order and stops after `limit + 1` keys (the extra one only tells
    /// whether another page follows); each directory on the way is read whole, but no key before the
    /// cursor or after the page is collected.
    public func list(prefix: String, after cursor: BlobKey?, limit: Int) async throws -> BlobListPage {
        try BlobKey.validatePrefix(prefix)
        try BlobListPage.validate(limit: limit)
        let keys = try await BlockingExecutor.shared.run { [self] in
            try walk(prefix: prefix, after: cursor, limit: limit + 1)
        }
        return BlobListPage(keys: keys, limit: limit)
    }

    /// Removes the object and the directories it leaves empty.
    public func delete(_ key: BlobKey) async throws {
        try await BlockingExecutor.shared.run { [self] in
            let parents = key.segments.dropLast().map(String.init)
            guard let dir = try? openDirectory(parents, create: false) else { return }
            defer { Platform.close(dir) }
            if Platform.remove(at: dir, String(key.lastSegment)) != 0 {
                if Platform.errno == Platform.noSuchFile { return }
                throw FileSystem.error("cannot delete the object", key.rawValue)
            }
            _ = Platform.synchronize(dir)
            pruneEmptyDirectories(parents)
        }
    }

    /// Opens the object for chunked reading; the reader's reads also run on `BlockingExecutor.shared`.
    public func openReader(_ key: BlobKey) async throws -> any BlobReader {
        try await BlockingExecutor.shared.run { [self] in
            let fd = try openObject(key)
            return try FileBlobReader(fd: fd, key: key)
        }
    }

    /// Starts a new object in a temporary file; the writer's writes also run on `BlockingExecutor.shared`.
    public func openWriter(_ key: BlobKey) async throws -> any BlobWriter {
        try await BlockingExecutor.shared.run { [self] in try FileBlobWriter(store: self, key: key) }
    }

    // MARK: Paths

    /// Opens the directory for `segments` below the root, one `openat(O_NOFOLLOW)` per segment,
    /// creating missing ones (0700) if `create` is set.
    func openDirectory(_ segments: [String], create: Bool) throws -> Int32 {
        var fd = Platform.open(root, [.readOnly, .directory])
        if fd < 0 { throw FileSystem.error("cannot open the blob store root", root) }
        for segment in segments {
            var next = Platform.open(at: fd, segment, [.readOnly, .directory, .noFollow])
            if next < 0, Platform.errno == Platform.noSuchFile, create {
                if Platform.makeDirectory(at: fd, segment, mode: 0o700) != 0, Platform.errno != Platform.alreadyExists {
                    let error = FileSystem.error("cannot create directory", segment)
                    Platform.close(fd)
                    throw error
                }
                _ = Platform.synchronize(fd)
                next = Platform.open(at: fd, segment, [.readOnly, .directory, .noFollow])
            }
            if next < 0 {
                let code = Platform.errno
                Platform.close(fd)
                if code == Platform.notADirectory || code == Platform.symbolicLink {
                    throw MLOpsError(
                        .conflict,
                        "'\(segment)' is an object (or a link), so nothing can be stored below it",
                        value: segments.joined(separator: "/"))
                }
                if code == Platform.noSuchFile {
                    throw MLOpsError(.notFound, "no such prefix", value: segments.joined(separator: "/"))
                }
                Platform.errno = code
                throw FileSystem.error("cannot open directory", segments.joined(separator: "/"))
            }
            Platform.close(fd)
            fd = next
        }
        return fd
    }

    private func openObject(_ key: BlobKey) throws -> Int32 {
        let dir: Int32
        do {
            dir = try openDirectory(key.segments.dropLast().map(String.init), create: false)
        } catch let error as MLOpsError where error.code == .notFound || error.code == .conflict {
            throw MLOpsError(.notFound, "no object under this key", value: key.rawValue)
        }
        defer { Platform.close(dir) }
        let fd = Platform.open(at: dir, String(key.lastSegment), [.readOnly, .noFollow])
        if fd < 0 {
            let code = Platform.errno
            if code == Platform.symbolicLink {
                // Never followed: a link planted in the store could point anywhere.
                throw MLOpsError(
                    .corruptData, "a symbolic link stands where the object should be; it is not followed",
                    value: key.rawValue)
            }
            if code == Platform.noSuchFile || code == Platform.isADirectory {
                throw MLOpsError(.notFound, "no object under this key", value: key.rawValue)
            }
            throw FileSystem.error("cannot open the object", key.rawValue)
        }
        if Platform.status(fd)?.type != .regular {
            Platform.close(fd)
            throw MLOpsError(.notFound, "no object under this key", value: key.rawValue)
        }
        return fd
    }

    // MARK: Listing

    /// The keys equal to or below `prefix`, in byte order, greater than `cursor`, at most `limit` of them.
    private func walk(prefix: String, after cursor: BlobKey?, limit: Int?) throws -> [BlobKey] {
        let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        let segments = trimmed.isEmpty ? [] : trimmed.split(separator: "/").map(String.init)
        var walk = BlobTreeWalk(cursor: cursor.map { Array($0.rawValue.utf8) }, limit: limit ?? Int.max)
        // The prefix itself may name an object; it sorts before everything below it.
        if let last = segments.last, let parent = try? openDirectory(Array(segments.dropLast()), create: false) {
            defer { Platform.close(parent) }
            if Platform.status(at: parent, last)?.type == .regular, let key = try? BlobKey(trimmed) {
                walk.offer(key)
            }
        }
        if !walk.isFull, let dir = try? openDirectory(segments, create: false) {
            defer { Platform.close(dir) }
            try walk.visit(dir, path: trimmed)
        }
        return walk.keys
    }

    private func pruneEmptyDirectories(_ parents: [String]) {
        var segments = parents
        while let last = segments.popLast() {
            guard let dir = try? openDirectory(segments, create: false) else { return }
            let removed = Platform.remove(at: dir, last, isDirectory: true) == 0
            Platform.close(dir)
            if !removed { return }
        }
    }
}
