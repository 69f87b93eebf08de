/// An open directory through which files and directories are created and replaced without ever following a
/// symbolic link: every name below it is reached with `openat`/`mkdirat`/`renameat`/`unlinkat` and
/// `O_NOFOLLOW`, one path segment at a time, as ``FileBlobStore`` reaches its objects.
///
/// What a caller must know:
///
/// - **Links are errors.** A symbolic link where a directory or file is expected is a `conflict`
///   error naming its path; nothing is read, written or removed through it. Only the path given to
///   ``open(root:create:directoryMode:)`` is resolved the ordinary way (its links are the caller's
///   choice).
/// - **Files are replaced atomically.** ``writeFile(_:_:mode:)`` and ``createFile(_:mode:)`` write a temporary
///   file in the same directory (a name starting with ``temporaryPrefix``) and rename it over the
///   target, so a reader sees the old or the new content, and a file that has other hard links
///   elsewhere is never modified in place. A process killed mid-write can leave a temporary file
///   behind.
/// - **Nothing is removed**, but a failed write's own temporary file; ``moveDirectory(_:to:as:)``
///   renames a directory and never replaces anything.
/// - Names are single segments: empty, `.`, `..`, or names with `/` or NUL are `invalidArgument`.
///
/// Calls are blocking; one handle is used by one task at a time.
package final class DirectoryHandle {
    /// The directory's path, for messages (the root as given, then `/segment` per level).
    package let path: String
    /// The open descriptor; closed when the handle is released.
    package let descriptor: Int32
    /// The mode of directories this handle creates (before the umask).
    package let directoryMode: UInt32

    /// The prefix of temporary file names.
    package static let temporaryPrefix = ".mlops-tmp-"

    private init(path: String, descriptor: Int32, directoryMode: UInt32) {
        self.path = path
        self.descriptor = descriptor
        self.directoryMode = directoryMode
    }

    deinit {
        Platform.close(descriptor)
    }

    /// Opens the directory at `root`, creating it and its missing parents (with `directoryMode`) if
    /// `create` is set. Symbolic links in `root` itself are followed.
    ///
    /// - Throws: `MLOpsError` `notFound` if it does not exist and `create` is not set, `ioError` if it
    ///   cannot be created or opened.
    package static func open(root: String, create: Bool, directoryMode: UInt32 = 0o755) throws -> DirectoryHandle {
        if create {
            var current = root.hasPrefix("/") ? "" : "."
            for part in root.split(separator: "/") {
                current += "/" + part
                if Platform.makeDirectory(current, mode: directoryMode) != 0, Platform.errno != Platform.alreadyExists {
                    throw FileSystem.error("cannot create directory", current)
                }
            }
        }
        let fd = Platform.open(root, [.readOnly, .directory])
        if fd < 0 {
            if Platform.errno == Platform.noSuchFile { throw MLOpsError(.notFound, "no such directory", value: root) }
            throw FileSystem.error("cannot open the directory", root)
        }
        return DirectoryHandle(path: root, descriptor: fd, directoryMode: directoryMode)
    }

    /// The path of `name` in this directory, for messages.
    package func path(of name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }

    // MARK: Directories

    /// Opens the subdirectory `name`, creating it if it is missing and `create` is set; `nil` if it is
    /// missing and `create` is not set.
    ///
    /// - Throws: `conflict` if `name` is a symbolic link or not a directory.
    package func directory(_ name: String, create: Bool) throws -> DirectoryHandle? {
        try Self.validate(name, in: self)
        var fd = Platform.open(at: descriptor, name, [.readOnly, .directory, .noFollow])
        if fd < 0, Platform.errno == Platform.noSuchFile {
            guard create else { return nil }
            if Platform.makeDirectory(at: descriptor, name, mode: directoryMode) != 0,
                Platform.errno != Platform.alreadyExists
            {
                throw FileSystem.error("cannot create directory", path(of: name))
            }
            fd = Platform.open(at: descriptor, name, [.readOnly, .directory, .noFollow])
        }
        if fd < 0 {
            let code = Platform.errno
            try refuseUnexpected(name, directory: true)
            if code == Platform.noSuchFile, !create { return nil }
            Platform.errno = code
            throw FileSystem.error("cannot open the directory", path(of: name))
        }
        return DirectoryHandle(path: path(of: name), descriptor: fd, directoryMode: directoryMode)
    }

    /// Opens (creating if `create` is set) the directory reached by `segments` below this one; `nil` if
    /// one is missing and `create` is not set. An empty list opens this directory again.
    package func directory(at segments: some Sequence<String>, create: Bool) throws -> DirectoryHandle? {
        var current = self
        for segment in segments {
            guard let next = try current.directory(segment, create: create) else { return nil }
            current = next
        }
        return current
    }

    /// The names in this directory, without `.` and `..`.
    package func entries() throws -> [String] {
        guard let names = Platform.directoryEntries(descriptor) else {
            throw FileSystem.error("cannot list the directory", path)
        }
        return names
    }

    /// The status of `name` without following a symbolic link, or `nil` if it does not exist.
    package func status(_ name: String) throws -> Platform.FileStatus? {
        try Self.validate(name, in: self)
        return Platform.status(at: descriptor, name)
    }

    /// Moves the directory `name` to `newName` in `destination` (a rename on one file system). Never
    /// replaces anything: an existing `newName` is a `conflict`.
    ///
    /// - Throws: `conflict` if `name` is a link or not a directory, or `newName` exists; `notFound` if
    ///   `name` does not exist.
    package func moveDirectory(_ name: String, to destination: DirectoryHandle, as newName: String) throws {
        try Self.validate(name, in: self)
        try Self.validate(newName, in: destination)
        guard let status = Platform.status(at: descriptor, name) else {
            throw MLOpsError(.notFound, "no such directory", value: path(of: name))
        }
        if status.type != .directory { try refuseUnexpected(name, directory: true) }
        if Platform.status(at: destination.descriptor, newName) != nil {
            throw MLOpsError(
                .conflict, "cannot move a directory over an existing entry", value: destination.path(of: newName))
        }
        if Platform.rename(at: descriptor, name, to: destination.descriptor, newName) != 0 {
            throw FileSystem.error("cannot move the directory", path(of: name))
        }
    }

    // MARK: Files

    /// The content of the regular file `name` (its first `limit` bytes at most), or `nil` if it does not
    /// exist.
    ///
    /// - Throws: `conflict` if `name` is a symbolic link or not a regular file.
    package func readFile(_ name: String, limit: Int = Int.max) throws -> [UInt8]? {
        try Self.validate(name, in: self)
        // Checked before opening: opening a FIFO for reading would block.
        guard let status = Platform.status(at: descriptor, name) else { return nil }
        if status.type != .regular { try refuseUnexpected(name, directory: false) }
        let fd = Platform.open(at: descriptor, name, [.readOnly, .noFollow])
        if fd < 0 {
            if Platform.errno == Platform.noSuchFile { return nil }
            let code = Platform.errno
            try refuseUnexpected(name, directory: false)
            Platform.errno = code
            throw FileSystem.error("cannot open the file", path(of: name))
        }
        defer { Platform.close(fd) }
        guard let opened = Platform.status(fd), opened.type == .regular else {
            throw MLOpsError(.conflict, "something other than a file is in the way", value: path(of: name))
        }
        if limit >= opened.size { return try FileSystem.readAll(fd, what: path(of: name)) }
        var bytes = [UInt8](repeating: 0, count: Swift.max(0, limit))
        let count = try bytes.withUnsafeMutableBytes { buffer in
            try FileSystem.preadFully(fd, buffer, offset: 0, what: path(of: name))
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    /// Writes `bytes` as the whole new content of `name` (mode `mode`), replacing a regular file of that
    /// name atomically; see ``createFile(_:mode:)``.
    package func writeFile(_ name: String, _ bytes: [UInt8], mode: UInt32 = 0o644) throws {
        let file = try createFile(name, mode: mode)
        try file.write(bytes)
        try file.commit()
    }

    /// Starts writing `name` through a temporary file in this directory; `AtomicFile.commit()` renames
    /// it into place, replacing a regular file of that name.
    ///
    /// - Throws: `conflict` if `name` is a symbolic link, a directory or anything but a regular file.
    package func createFile(_ name: String, mode: UInt32 = 0o644) throws -> AtomicFile {
        try Self.validate(name, in: self)
        try refuseExistingNonFile(name)
        var random = SystemRandomNumberGenerator()
        for _ in 0..<8 {
            let temporary = Self.temporaryPrefix + "\(Platform.processID)-\(String(random.next(), radix: 36))"
            let fd = Platform.open(
                at: descriptor, temporary, [.writeOnly, .create, .exclusive, .noFollow], mode: mode)
            if fd >= 0 { return AtomicFile(directory: self, name: name, temporary: temporary, descriptor: fd) }
            if Platform.errno != Platform.alreadyExists { break }
        }
        throw FileSystem.error("cannot create a temporary file", path(of: name))
    }

    // MARK: Checks

    /// Throws `conflict` if `name` exists and is not a regular file.
    fileprivate func refuseExistingNonFile(_ name: String) throws {
        guard let status = Platform.status(at: descriptor, name), status.type != .regular else { return }
        try refuseUnexpected(name, directory: false)
    }

    /// Throws `conflict` if `name` exists and is a link, or is not a directory (with `directory`) or not a
    /// regular file (without).
    private func refuseUnexpected(_ name: String, directory: Bool) throws {
        guard let status = Platform.status(at: descriptor, name) else { return }
        let what = directory ? "a directory" : "a file"
        if status.isSymbolicLink {
            throw MLOpsError(
                .conflict, "a symbolic link is where \(what) is expected; links are never followed here",
                value: path(of: name))
        }
        if status.type != (directory ? .directory : .regular) {
            throw MLOpsError(.conflict, "something other than \(what) is in the way", value: path(of: name))
        }
    }

    private static func validate(_ name: String, in directory: DirectoryHandle) throws {
        if name.isEmpty || name == "." || name == ".." || name.utf8.contains(UInt8(ascii: "/"))
            || name.utf8.contains(0)
        {
            throw MLOpsError(.invalidArgument, "not a single path segment", value: directory.path(of: name))
        }
    }
}

/// A file being written through a temporary file in a ``DirectoryHandle``; ``commit()`` renames it
/// over its name, and releasing it uncommitted removes the temporary file.
package final class AtomicFile {
    private let directory: DirectoryHandle
    private let name: String
    private let temporary: String
    private var descriptor: Int32

    fileprivate init(directory: DirectoryHandle, name: String, temporary: String, descriptor: Int32) {
        self.directory = directory
        self.name = name
        self.temporary = temporary
        self.descriptor = descriptor
    }

    deinit {
        discard()
    }

    /// The final path, for messages.
    package var path: String { directory.path(of: name) }

    /// Appends `bytes`.
    package func write(_ bytes: [UInt8]) throws {
        guard descriptor >= 0 else {
            throw MLOpsError(.invalidState, "the file was already committed or discarded", value: path)
        }
        try FileSystem.writeAll(descriptor, bytes, what: path)
    }

    /// Renames the written file into place, replacing a regular file of its name.
    ///
    /// - Throws: `conflict` if a link, directory or other non-file took the name meanwhile.
    package func commit() throws {
        guard descriptor >= 0 else {
            throw MLOpsError(.invalidState, "the file was already committed or discarded", value: path)
        }
        defer { discard() }
        try directory.refuseExistingNonFile(name)
        if Platform.rename(at: directory.descriptor, temporary, to: directory.descriptor, name) != 0 {
            throw FileSystem.error("cannot move the new file into place", path)
        }
        Platform.close(descriptor)
        descriptor = -1
    }

    /// Removes the temporary file; nothing changes at the final name.
    package func discard() {
        guard descriptor >= 0 else { return }
        Platform.close(descriptor)
        descriptor = -1
        _ = Platform.remove(at: directory.descriptor, temporary)
    }
}
