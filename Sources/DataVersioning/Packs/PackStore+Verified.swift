import MLOpsCore

extension PackStore {
    /// Writes a pack, reads it back from the store and checks every chunk in it against its id,
    /// and only then writes its index (which makes the pack visible) and adds its chunks to the
    /// in-memory map. Returns the pack's name.
    ///
    /// A store that lost or changed a byte is caught before any index names the pack: every chunk
    /// of a visible pack written here was read back from the store and matched its id.
    ///
    /// - Throws: `corruptData` if the pack reads back differently (it is left without an index,
    ///   invisible, for garbage collection); the store's write and read errors.
    @discardableResult
    func writeVerified(_ builder: PackBuilder) async throws -> String {
        let name = SortableID().description
        let key = Self.packKey(name)
        try await blobs.put(key, data: builder.bytes)
        var check = ReadBackCheck(entries: builder.entries)
        let reader = try await blobs.openReader(key)
        do {
            while true {
                let piece = try await reader.read(upTo: 1 << 20)
                if piece.isEmpty { break }
                piece.withUnsafeBytes { check.absorb($0) }
            }
        } catch {
            try? await reader.close()
            throw error
        }
        try await reader.close()
        if let problem = check.finish() {
            throw MLOpsError(
                .corruptData,
                "pack \(name) reads back differently from what was written: \(problem); it was left without an "
                    + "index, so nothing uses it",
                value: key.rawValue)
        }
        let index = builder.index
        try await blobs.put(Self.indexKey(name), data: index.encoded)
        publish(index, name: name)
        return name
    }
}

/// Hashes a pack as it is read back, chunk by chunk in index order (a built pack's chunks are
/// contiguous), and compares each chunk with its id.
private struct ReadBackCheck {
    let entries: [PackIndex.Entry]
    var next = 0
    var remaining: UInt64 = 0
    var hasher = SHA256()
    var extraBytes = 0
    var problem: String?

    init(entries: [PackIndex.Entry]) {
        self.entries = entries
        remaining = entries.first.map { UInt64($0.length) } ?? 0
        settle()
    }

    /// Finishes every chunk that has all its bytes (zero-length chunks at once).
    private mutating func settle() {
        while next < entries.count, remaining == 0 {
            if problem == nil, hasher.finalize() != entries[next].digest {
                problem = "chunk \(next + 1) of \(entries.count) does not match its id"
            }
            next += 1
            hasher = SHA256()
            remaining = next < entries.count ? UInt64(entries[next].length) : 0
        }
    }

    mutating func absorb(_ bytes: UnsafeRawBufferPointer) {
        var position = 0
        while position < bytes.count {
            guard next < entries.count else {
                extraBytes += bytes.count - position
                return
            }
            let take = Int(Swift.min(remaining, UInt64(bytes.count - position)))
            hasher.update(UnsafeRawBufferPointer(rebasing: bytes[position..<position + take]))
            position += take
            remaining -= UInt64(take)
            settle()
        }
    }

    /// What was wrong, or `nil` if every chunk matched and nothing followed the last.
    func finish() -> String? {
        if let problem { return problem }
        if next < entries.count { return "it ends inside chunk \(next + 1) of \(entries.count)" }
        if extraBytes > 0 { return "\(extraBytes) bytes follow the last chunk" }
        return nil
    }
}
