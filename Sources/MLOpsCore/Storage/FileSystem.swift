/// POSIX helpers shared by the file-based stores: full reads and writes that
/// survive `EINTR` and short counts, and errors that carry `strerror`.
///
/// Every call is blocking; the stores run them on `BlockingExecutor.shared`, never on a task's thread.
/// System calls go through ``Platform``.
package enum FileSystem {
    /// An `ioError` naming the failed step, the current `errno` text and the value.
    package static func error(_ what: String, _ value: String, fileID: String = #fileID, line: Int = #line)
        -> MLOpsError
    {
        let code = Platform.errno
        return MLOpsError(
            .ioError, "\(what): \(Platform.describe(errno: code)) (errno \(code))", value: value, fileID: fileID,
            line: line)
    }

    /// Creates `path` and its missing parents with mode 0700 (like `mkdir -p`).
    /// Removes `path` and, if it is a directory, everything below it (like `rm -rf`), without
    /// following symbolic links. A missing path is not an error.
    package static func removeTree(_ path: String) throws {
        guard let status = Platform.linkStatus(path: path) else { return }
        if status.type == .directory && !status.isSymbolicLink {
            let fd = Platform.open(path, [.readOnly, .directory, .noFollow])
            guard fd >= 0 else { throw error("cannot open a directory to remove", path) }
            let names = Platform.directoryEntries(fd)
            Platform.close(fd)
            for name in names ?? [] { try removeTree(path + "/" + name) }
        }
        let isDirectory = status.type == .directory && !status.isSymbolicLink
        let result = isDirectory ? Platform.removeDirectory(path) : Platform.remove(path)
        if result != 0 && Platform.errno != Platform.noSuchFile {
            throw error("cannot remove", path)
        }
    }

    package static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if Platform.makeDirectory(current, mode: 0o700) != 0, Platform.errno != Platform.alreadyExists {
                throw error("cannot create directory", current)
            }
        }
    }

    /// Writes every byte of `bytes` to `fd`.
    package static func writeAll(_ fd: Int32, _ bytes: [UInt8], what: String) throws {
        try bytes.withUnsafeBytes { try writeAll(fd, $0, what: what) }
    }

    /// Writes every byte of `buffer` to `fd`, retrying short and interrupted writes.
    package static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, what: String) throws {
        var offset = 0
        while offset < buffer.count {
            let written = Platform.write(fd, UnsafeRawBufferPointer(rebasing: buffer[offset...]))
            if written < 0 {
                if Platform.errno == Platform.interrupted { continue }
                throw error("write failed", what)
            }
            offset += written
        }
    }

    /// Reads from `offset` until `buffer` is full or the file ends; returns the count read.
    package static func preadFully(
        _ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, offset: Int, what: String
    ) throws -> Int {
        var total = 0
        while total < buffer.count {
            let count = Platform.read(
                fd, UnsafeMutableRawBufferPointer(rebasing: buffer[total...]), offset: offset + total)
            if count < 0 {
                if Platform.errno == Platform.interrupted { continue }
                throw error("read failed", what)
            }
            if count == 0 { break }
            total += count
        }
        return total
    }

    /// Reads a whole open file.
    package static func readAll(_ fd: Int32, what: String) throws -> [UInt8] {
        guard let size = Platform.status(fd)?.size else { throw error("cannot stat", what) }
        var bytes = [UInt8](repeating: 0, count: size)
        let count = try bytes.withUnsafeMutableBytes { try preadFully(fd, $0, offset: 0, what: what) }
        if count != size { throw MLOpsError(.ioError, "the file changed size while being read", value: what) }
        return bytes
    }

    /// Whether two files in one directory hold identical bytes.
    package static func sameContents(_ directory: Int32, _ first: String, _ second: String) throws -> Bool {
        let a = Platform.open(at: directory, first, [.readOnly, .noFollow])
        if a < 0 { throw error("cannot open", first) }
        defer { Platform.close(a) }
        let b = Platform.open(at: directory, second, [.readOnly, .noFollow])
        if b < 0 { throw error("cannot open", second) }
        defer { Platform.close(b) }
        return try readAll(a, what: first) == readAll(b, what: second)
    }
}

extension FileSystem {
    /// Reads the file at `path` in chunks of up to `chunkSize` bytes, handing each to `body`.
    ///
    /// The reads run on `BlockingExecutor.shared`; `body` runs on the caller's task.
    package static func forEachChunk(
        path: String, chunkSize: Int = 1 << 20, _ body: ([UInt8]) async throws -> Void
    ) async throws {
        let fd = try await BlockingExecutor.shared.run {
            let fd = Platform.open(path, .readOnly)
            if fd < 0 { throw error("cannot open the file", path) }
            return fd
        }
        defer { Platform.close(fd) }
        var offset = 0
        while true {
            let start = offset
            let chunk = try await BlockingExecutor.shared.run {
                var chunk = [UInt8](repeating: 0, count: chunkSize)
                let count = try chunk.withUnsafeMutableBytes { try preadFully(fd, $0, offset: start, what: path) }
                chunk.removeLast(chunkSize - count)
                return chunk
            }
            if chunk.isEmpty { return }
            try await body(chunk)
            offset += chunk.count
            if chunk.count < chunkSize { return }
        }
    }
}

extension FileSystem {
    /// `path` made absolute with every symbolic link, `.` and `..` of its existing part resolved
    /// (`realpath(3)`), and its missing last components appended with `.` and `..` applied to them.
    ///
    /// Two paths name the same place exactly when their resolved paths are equal (hard links aside),
    /// whatever links or `..` they went through. `nil` only if the current directory cannot be resolved.
    package static func resolvedPath(_ path: String) -> String? {
        var absolute = path
        if !path.hasPrefix("/") {
            guard let current = Platform.realPath(".") else { return nil }
            absolute = current + "/" + path
        }
        let parts = absolute.split(separator: "/").map(String.init)
        for count in stride(from: parts.count, through: 0, by: -1) {
            guard let real = Platform.realPath("/" + parts[..<count].joined(separator: "/")) else { continue }
            var resolved = real.split(separator: "/").map(String.init)
            for part in parts[count...] where part != "." {
                if part == ".." {
                    if !resolved.isEmpty { resolved.removeLast() }
                } else {
                    resolved.append(part)
                }
            }
            return "/" + resolved.joined(separator: "/")
        }
        return nil
    }

    /// Whether `path` is `directory` or inside it, comparing ``resolvedPath(_:)``s (so links and `..`
    /// cannot hide it). `false` if either cannot be resolved.
    package static func isPath(_ path: String, inside directory: String) -> Bool {
        guard let inner = resolvedPath(path), let outer = resolvedPath(directory) else { return false }
        return inner == outer || outer == "/" || inner.hasPrefix(outer + "/")
    }
}
