extension BlobStore {
    /// The size and SHA-256 of the object under `key`, read in 1 MiB pieces (never whole).
    ///
    /// - Throws: What the store throws: `notFound` for a missing object, `corruptData` for one
    ///   the backend refuses to read (a symbolic link in a file store), `ioError`.
    public func sizeAndDigest(of key: BlobKey) async throws -> (size: Int, digest: SHA256Digest) {
        let reader = try await openReader(key)
        var hasher = SHA256()
        var size = 0
        do {
            while true {
                let chunk = try await reader.read(upTo: 1 << 20)
                if chunk.isEmpty { break }
                size += chunk.count
                hasher.update(chunk)
            }
        } catch {
            try? await reader.close()
            throw error
        }
        try await reader.close()
        return (size, hasher.finalize())
    }
}
