#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// POSIX helpers shared by the file-based stores: full reads and writes that
/// survive `EINTR` and short counts, and errors that carry `strerror`.
package enum FileSystem {
    /// An `ioError` naming the failed step, the current `errno` text and the value.
    package static func error(_ what: String, _ value: String) -> MLOpsError {
        let code = errno
        let reason = String(cString: strerror(code))
        return MLOpsError(.ioError, "\(what): \(reason) (errno \(code))", value: value)
    }

    /// Creates `path` and its missing parents with mode 0700 (like `mkdir -p`).
    package static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o700) != 0, errno != EEXIST {
                throw error("cannot create directory", current)
            }
        }
    }

    /// Writes every byte of `bytes` to `fd`.
    package static func writeAll(_ fd: Int32, _ bytes: [UInt8], what: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw error("write failed", what)
                }
                offset += written
            }
        }
    }

    /// Reads from `offset` until `buffer` is full or the file ends; returns the count read.
    package static func preadFully(
        _ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, offset: Int, what: String
    ) throws -> Int {
        var total = 0
        while total < buffer.count {
            let count = pread(fd, buffer.baseAddress! + total, buffer.count - total, off_t(offset + total))
            if count < 0 {
                if errno == EINTR { continue }
                throw error("read failed", what)
            }
            if count == 0 { break }
            total += count
        }
        return total
    }

    /// Reads a whole open file.
    package static func readAll(_ fd: Int32, what: String) throws -> [UInt8] {
        var info = stat()
        if fstat(fd, &info) != 0 { throw error("cannot stat", what) }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        let count = try bytes.withUnsafeMutableBytes { try preadFully(fd, $0, offset: 0, what: what) }
        if count != size { throw MLOpsError(.ioError, "the file changed size while being read", value: what) }
        return bytes
    }

    /// Whether two files in one directory hold identical bytes.
    package static func sameContents(_ directory: Int32, _ first: String, _ second: String) throws -> Bool {
        let a = openat(directory, first, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if a < 0 { throw error("cannot open", first) }
        defer { close(a) }
        let b = openat(directory, second, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if b < 0 { throw error("cannot open", second) }
        defer { close(b) }
        return try readAll(a, what: first) == readAll(b, what: second)
    }
}

extension FileSystem {
    /// Reads the file at `path` in chunks of up to `chunkSize` bytes, handing each to `body`.
    package static func forEachChunk(
        path: String, chunkSize: Int = 1 << 20, _ body: ([UInt8]) async throws -> Void
    ) async throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw error("cannot open the file", path) }
        defer { close(fd) }
        var offset = 0
        while true {
            var chunk = [UInt8](repeating: 0, count: chunkSize)
            let count = try chunk.withUnsafeMutableBytes { try preadFully(fd, $0, offset: offset, what: path) }
            if count == 0 { return }
            chunk.removeLast(chunkSize - count)
            try await body(chunk)
            offset += count
            if count < chunkSize { return }
        }
    }
}
