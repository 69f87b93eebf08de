#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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
/// Objects whose key is *content-addressed* — the last segment is 64
/// lower-case hex digits and an earlier segment is `sha256` — are verified:
/// `put` rejects bytes whose SHA-256 differs from the key, and `get` throws
/// `corruptData` if the file on disk no longer matches.
///
/// A key cannot be both an object and a directory of other objects
/// (`a` and `a/b`): the second put throws `conflict`.
public final class FileBlobStore: BlobStore {
    /// The root directory, as given.
    public let root: String

    /// Opens (creating if needed, mode `0700`) a store rooted at `root`.
    ///
    /// - Throws: ``MLOpsError`` `ioError` if the directory cannot be created or opened.
    public init(root: String) throws {
        self.root = root
        try FileSystem.makeDirectories(root)
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw FileSystem.error("cannot open the blob store root", root) }
        close(fd)
    }

    // MARK: BlobStore

    public func put(_ key: BlobKey, data: [UInt8]) async throws {
        try Self.verifyContentAddress(key, data)
        let writer = try FileBlobWriter(store: self, key: key)
        do {
            try writer.append(data)
            try writer.finish()
        } catch {
            writer.discard()
            throw error
        }
    }

    public func get(_ key: BlobKey) async throws -> [UInt8] {
        let fd = try openObject(key)
        defer { close(fd) }
        let bytes = try FileSystem.readAll(fd, what: key.rawValue)
        if let expected = Self.contentDigest(of: key), SHA256.hash(bytes).hexString != expected {
            throw MLOpsError(
                .corruptData, "the stored object does not match its content hash; the file was altered on disk",
                value: key.rawValue)
        }
        return bytes
    }

    public func exists(_ key: BlobKey) async throws -> Bool {
        guard let dir = try? openDirectory(key.segments.dropLast().map(String.init), create: false) else {
            return false
        }
        defer { close(dir) }
        var info = stat()
        if fstatat(dir, String(key.lastSegment), &info, AT_SYMLINK_NOFOLLOW) != 0 { return false }
        return (info.st_mode & S_IFMT) == S_IFREG
    }

    public func list(prefix: String) async throws -> [BlobKey] {
        try BlobKey.validatePrefix(prefix)
        let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        let segments = trimmed.isEmpty ? [] : trimmed.split(separator: "/").map(String.init)
        var result: [BlobKey] = []
        // The prefix itself may name an object.
        if let last = segments.last {
            if let parent = try? openDirectory(Array(segments.dropLast()), create: false) {
                defer { close(parent) }
                var info = stat()
                if fstatat(parent, last, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                    result.append(try BlobKey(trimmed))
                }
            }
        }
        if let dir = try? openDirectory(segments, create: false) {
            try collect(dir, path: trimmed, into: &result)  // closes dir
        }
        return result.sorted()
    }

    public func delete(_ key: BlobKey) async throws {
        let parents = key.segments.dropLast().map(String.init)
        guard let dir = try? openDirectory(parents, create: false) else { return }
        defer { close(dir) }
        if unlinkat(dir, String(key.lastSegment), 0) != 0 {
            if errno == ENOENT { return }
            throw FileSystem.error("cannot delete the object", key.rawValue)
        }
        _ = fsync(dir)
        pruneEmptyDirectories(parents)
    }

    public func openReader(_ key: BlobKey) async throws -> any BlobReader {
        let fd = try openObject(key)
        return try FileBlobReader(fd: fd, key: key, expectedDigest: Self.contentDigest(of: key))
    }

    public func openWriter(_ key: BlobKey) async throws -> any BlobWriter {
        try FileBlobWriter(store: self, key: key)
    }

    // MARK: Paths

    /// Opens the directory for `segments` below the root, one `openat(O_NOFOLLOW)` per segment,
    /// creating missing ones (0700) if `create` is set.
    func openDirectory(_ segments: [String], create: Bool) throws -> Int32 {
        var fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw FileSystem.error("cannot open the blob store root", root) }
        for segment in segments {
            var next = openat(fd, segment, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0, errno == ENOENT, create {
                if mkdirat(fd, segment, 0o700) != 0, errno != EEXIST {
                    let error = FileSystem.error("cannot create directory", segment)
                    close(fd)
                    throw error
                }
                _ = fsync(fd)
                next = openat(fd, segment, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            if next < 0 {
                let code = errno
                close(fd)
                if code == ENOTDIR || code == ELOOP {
                    throw MLOpsError(
                        .conflict,
                        "'\(segment)' is an object (or a link), so nothing can be stored below it",
                        value: segments.joined(separator: "/"))
                }
                if code == ENOENT {
                    throw MLOpsError(.notFound, "no such prefix", value: segments.joined(separator: "/"))
                }
                errno = code
                throw FileSystem.error("cannot open directory", segments.joined(separator: "/"))
            }
            close(fd)
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
        defer { close(dir) }
        let fd = openat(dir, String(key.lastSegment), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT || errno == ELOOP || errno == EISDIR {
                throw MLOpsError(.notFound, "no object under this key", value: key.rawValue)
            }
            throw FileSystem.error("cannot open the object", key.rawValue)
        }
        var info = stat()
        if fstat(fd, &info) != 0 || (info.st_mode & S_IFMT) != S_IFREG {
            close(fd)
            throw MLOpsError(.notFound, "no object under this key", value: key.rawValue)
        }
        return fd
    }

    private func collect(_ dir: Int32, path: String, into result: inout [BlobKey]) throws {
        guard let stream = fdopendir(dir) else {
            close(dir)
            throw FileSystem.error("cannot list directory", path)
        }
        defer { closedir(stream) }
        var names: [(String, Bool)] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." || name.contains("%") { continue }
            var info = stat()
            guard fstatat(dirfd(stream), name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG: names.append((name, false))
            case S_IFDIR: names.append((name, true))
            default: continue  // links and devices are never objects
            }
        }
        for (name, isDirectory) in names {
            let childPath = path.isEmpty ? name : path + "/" + name
            if isDirectory {
                let child = openat(dirfd(stream), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if child >= 0 { try collect(child, path: childPath, into: &result) }
            } else if let key = try? BlobKey(childPath) {
                result.append(key)
            }
        }
    }

    private func pruneEmptyDirectories(_ parents: [String]) {
        var segments = parents
        while let last = segments.popLast() {
            guard let dir = try? openDirectory(segments, create: false) else { return }
            let removed = unlinkat(dir, last, AT_REMOVEDIR) == 0
            close(dir)
            if !removed { return }
        }
    }

    // MARK: Content addressing

    /// The expected lower-case hex SHA-256 of a content-addressed key, or `nil`.
    static func contentDigest(of key: BlobKey) -> String? {
        let segments = key.segments
        guard segments.count >= 2, segments.dropLast().contains("sha256") else { return nil }
        let last = segments[segments.count - 1]
        guard last.utf8.count == 64, last.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        return String(last)
    }

    static func verifyContentAddress(_ key: BlobKey, _ data: [UInt8]) throws {
        if let expected = contentDigest(of: key), SHA256.hash(data).hexString != expected {
            throw MLOpsError(
                .invalidArgument, "the bytes do not hash to the content address in the key", value: key.rawValue)
        }
    }
}
