import MLOpsCore

/// A byte sink for table exports: either a file written through a 1 MiB
/// buffer (into a temporary file renamed into place by ``finish()``), or
/// memory. Used by one task at a time.
final class ExportOutput {
    private var buffer: [UInt8] = []
    private let file: AtomicFile?

    /// An output collecting bytes in memory.
    init() {
        file = nil
    }

    /// An output writing `file`; until ``finish()`` nothing is visible under its name.
    init(file: AtomicFile) {
        self.file = file
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends UTF-8 text.
    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if let file, buffer.count >= 1 << 20 { try drain(file) }
    }

    /// Appends bytes.
    func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if let file, buffer.count >= 1 << 20 { try drain(file) }
    }

    /// Writes what is buffered and moves the file into place (no-op in memory).
    func finish() throws {
        guard let file else { return }
        try drain(file)
        try file.commit()
    }

    /// The bytes collected in memory.
    var text: String { String(decoding: buffer, as: UTF8.self) }

    private func drain(_ file: AtomicFile) throws {
        try file.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
