public import MLOpsCore

/// Bytes stored under their own SHA-256: the object layer of data versioning.
///
/// An object's key is `sha256/<first two hex digits>/<all 64 hex digits>`, so
/// identical bytes are stored once, a key can never point at other bytes, and
/// every read is verified against the key. The checks live here, not in a
/// backend, so every `BlobStore` — files, memory, a host's own — gets them.
///
/// ```swift
/// let objects = ContentAddressedStore(blobs: workspace.objects)
/// let digest = try await objects.put(Array("id,label\n1,0\n".utf8))
/// let bytes = try await objects.get(digest)
/// ```
public struct ContentAddressedStore: Sendable {
    /// The store that holds the objects.
    public let blobs: any BlobStore

    /// Stores content-addressed objects in `blobs`.
    public init(blobs: any BlobStore) { self.blobs = blobs }

    /// The key under which bytes with `digest` are stored.
    public static func key(for digest: SHA256Digest) -> BlobKey {
        let hex = digest.hexString
        // Hex digits and '/' always make a valid key.
        return try! BlobKey("sha256/\(hex.prefix(2))/\(hex)")
    }

    /// Stores `bytes` (once; storing them again is a no-op) and returns their digest.
    @discardableResult
    public func put(_ bytes: [UInt8]) async throws -> SHA256Digest {
        let digest = SHA256.hash(bytes)
        let key = Self.key(for: digest)
        if try await blobs.exists(key) { return digest }
        try await blobs.put(key, data: bytes)
        return digest
    }

    /// Stores a file's bytes, streaming it in 1 MiB chunks, and returns the digest.
    ///
    /// The file is hashed first and then copied (so it is read twice), and the copy is hashed
    /// as it is written: a file that changes in between is refused with `corruptData` and
    /// nothing is stored under the key.
    @discardableResult
    public func putFile(at path: String) async throws -> SHA256Digest {
        let digest = try SHA256.hash(fileAt: path)
        let key = Self.key(for: digest)
        if try await blobs.exists(key) { return digest }
        let writer = try await blobs.openWriter(key)
        do {
            var copied = SHA256()
            try await FileSystem.forEachChunk(path: path) { chunk in
                copied.update(chunk)
                try await writer.write(chunk)
            }
            guard copied.finalize() == digest else {
                throw MLOpsError(
                    .corruptData, "the file changed while it was being stored; nothing was stored", value: path)
            }
            try await writer.commit()
        } catch {
            try? await writer.abort()
            throw error
        }
        return digest
    }

    /// Returns the bytes with `digest`, verified.
    ///
    /// - Throws: `notFound` if no such object exists; `corruptData` if the
    ///   stored bytes no longer hash to `digest`.
    public func get(_ digest: SHA256Digest) async throws -> [UInt8] {
        let bytes = try await blobs.get(Self.key(for: digest))
        guard SHA256.hash(bytes) == digest else {
            throw MLOpsError(.corruptData, "stored object does not match its digest", value: digest.hexString)
        }
        return bytes
    }

    /// Whether an object with `digest` is stored.
    public func contains(_ digest: SHA256Digest) async throws -> Bool {
        try await blobs.exists(Self.key(for: digest))
    }
}
