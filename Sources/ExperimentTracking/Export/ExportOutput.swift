import MLOpsCore

/// A byte sink for table exports: either a file written through a 1 MiB
/// buffer, or memory. Used by one task at a time.
final class ExportOutput {
    private var buffer: [UInt8] = []
    private let fd: Int32
    private let path: String

    /// An output collecting bytes in memory.
    init() {
        fd = -1
        path = ""
    }

    /// An output writing the file at `path` (created or truncated).
    init(path: String) throws {
        fd = Platform.open(path, [.writeOnly, .create, .truncate], mode: 0o644)
        if fd < 0 { throw FileSystem.error("cannot create the file", path) }
        self.path = path
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        if fd >= 0 { Platform.close(fd) }
    }

    /// Appends UTF-8 text.
    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if fd >= 0, buffer.count >= 1 << 20 { try drain() }
    }

    /// Appends bytes.
    func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if fd >= 0, buffer.count >= 1 << 20 { try drain() }
    }

    /// Writes what is buffered to the file (no-op in memory).
    func finish() throws {
        if fd >= 0 { try drain() }
    }

    /// The bytes collected in memory.
    var text: String { String(decoding: buffer, as: UTF8.self) }

    private func drain() throws {
        try FileSystem.writeAll(fd, buffer, what: path)
        buffer.removeAll(keepingCapacity: true)
    }
}
