import MLOpsCore

/// Copies chunks from one pack store to another — the local repository's and a remote's, either
/// way round.
///
/// Chunks are read from the source's packs in pack and offset order, neighbouring chunks of one
/// pack in one ranged read (at most ``maxReadSize`` bytes, skipping gaps of at most ``maxGap``).
/// Every chunk is hashed and checked against its id as it arrives, then appended to a new pack;
/// full packs are written with ``PackStore/writeVerified(_:)`` (read back and checked before their
/// index makes them visible) while the next one fills.
struct ChunkCopier {
    /// The largest ranged read of a source pack.
    static let maxReadSize = 8 << 20
    /// The largest run of unwanted bytes read to join two wanted chunks into one read.
    static let maxGap = 64 << 10
    /// Packs being written at once, besides the one filling.
    static let maxPendingWrites = 2
    /// The longest chunk accepted: the largest maximum chunk size chunking parameters allow.
    static let maxChunkLength = 64 << 20

    /// What was copied.
    struct Result: Sendable {
        var chunks = 0
        var bytes: UInt64 = 0
        var packs = 0
    }

    private struct Wanted {
        var digest: SHA256Digest
        var offset: Int
        var length: Int
    }

    let source: PackStore
    let destination: PackStore
    /// The source as errors name it.
    let sourceName: String
    /// New packs are closed once they hold this many bytes.
    var packTargetSize = PackBuilder.targetSize

    /// Copies `digests` (each once) from the source to the destination, calling `progress` with the
    /// chunks and bytes copied so far. `lengths` holds the length the trees and chunk lists give
    /// each chunk; the source's pack index must agree before anything is read.
    ///
    /// - Throws: `notFound` if no source pack holds a chunk; `corruptData` if a pack index gives a
    ///   chunk another length or places it out of range, if a chunk's bytes do not match its id, or
    ///   if a pack reads back wrong at the destination (nothing after the last good pack becomes
    ///   visible); the stores' errors.
    func copy(
        _ digests: [SHA256Digest], lengths: [SHA256Digest: UInt64],
        progress: (_ chunks: Int, _ bytes: UInt64) -> Void
    ) async throws -> Result {
        var byPack: [String: [Wanted]] = [:]
        for digest in digests {
            guard let location = source.location(of: digest) else {
                throw MLOpsError(
                    .notFound, "no pack of \(sourceName) holds a chunk the commits being copied need",
                    value: ObjectID(digest).description)
            }
            let length = Int(location.length)
            guard length <= Self.maxChunkLength, lengths[digest].map({ $0 == UInt64(length) }) ?? true else {
                throw MLOpsError(
                    .corruptData,
                    "the index of pack \(location.pack) in \(sourceName) gives a chunk a length (\(length) bytes) "
                        + "that its file does not",
                    value: ObjectID(digest).description)
            }
            guard let offset = Int(exactly: location.offset), offset <= Int.max - length else {
                throw MLOpsError(
                    .corruptData, "the index of pack \(location.pack) in \(sourceName) places a chunk out of range",
                    value: ObjectID(digest).description)
            }
            byPack[location.pack, default: []].append(Wanted(digest: digest, offset: offset, length: length))
        }

        var result = Result()
        var builder = PackBuilder()
        var pending: [Task<String, any Error>] = []
        let destination = self.destination

        func flush() async throws {
            guard !builder.isEmpty else { return }
            if pending.count >= Self.maxPendingWrites {
                _ = try await pending.removeFirst().value
                result.packs += 1
            }
            let full = builder
            builder = PackBuilder()
            pending.append(Task { try await destination.writeVerified(full) })
        }

        do {
            for (pack, unsorted) in byPack.sorted(by: { $0.key < $1.key }) {
                let wanted = unsorted.sorted { $0.offset < $1.offset }
                let key = PackStore.packKey(pack)
                var first = 0
                while first < wanted.count {
                    let start = wanted[first].offset
                    var end = start + wanted[first].length
                    var next = first + 1
                    while next < wanted.count, wanted[next].offset - end <= Self.maxGap,
                        Swift.max(end, wanted[next].offset + wanted[next].length) - start <= Self.maxReadSize
                    {
                        end = Swift.max(end, wanted[next].offset + wanted[next].length)
                        next += 1
                    }
                    let bytes = try await source.blobs.read(key, offset: start, count: end - start)
                    for item in wanted[first..<next] {
                        try bytes.withUnsafeBytes { raw in
                            let chunk = UnsafeRawBufferPointer(
                                rebasing: raw[(item.offset - start)..<(item.offset - start + item.length)])
                            guard SHA256.hash(chunk) == item.digest else {
                                throw MLOpsError(
                                    .corruptData,
                                    "a chunk in pack \(pack) of \(sourceName) does not match its id; nothing "
                                        + "that refers to it was copied",
                                    value: ObjectID(item.digest).description)
                            }
                            builder.append(item.digest, chunk)
                        }
                        result.chunks += 1
                        result.bytes += UInt64(item.length)
                        if builder.bytes.count >= packTargetSize { try await flush() }
                    }
                    progress(result.chunks, result.bytes)
                    first = next
                }
            }
            try await flush()
            for write in pending { _ = try await write.value }
            result.packs += pending.count
        } catch {
            for write in pending { _ = try? await write.value }
            throw error
        }
        return result
    }
}
