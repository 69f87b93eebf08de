import MLOpsCore

/// Collects new chunks into one pack's bytes and index, in memory, before ``PackStore/write(_:)``.
struct PackBuilder: Sendable {
    /// Packs are closed once they reach this many bytes.
    static let targetSize = 32 << 20

    private(set) var bytes: [UInt8] = []
    private(set) var entries: [PackIndex.Entry] = []

    init() { bytes.reserveCapacity(Self.targetSize + (1 << 20)) }

    var isEmpty: Bool { entries.isEmpty }
    var isFull: Bool { bytes.count >= Self.targetSize }

    /// Appends one chunk's bytes.
    mutating func append(_ digest: SHA256Digest, _ chunk: UnsafeRawBufferPointer) {
        entries.append(PackIndex.Entry(digest: digest, offset: UInt64(bytes.count), length: UInt32(chunk.count)))
        bytes.append(contentsOf: chunk)
    }

    var index: PackIndex { PackIndex(entries: entries) }
}
