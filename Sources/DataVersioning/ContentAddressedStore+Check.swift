public import MLOpsCore

extension ContentAddressedStore {
    /// The name this store's reports carry.
    public static let componentName = "DataVersioning"

    /// Verifies every content-addressed object: its key has the `sha256/<2 hex>/<64 hex>`
    /// layout and its bytes, read in 1 MiB pieces, still hash to that key.
    ///
    /// Reads only; a damaged or unreadable object is reported, never repaired or removed.
    ///
    /// - Throws: Only when the object store cannot be listed.
    public func check() async throws -> StoreCheckReport {
        var report = StoreCheckReport(component: Self.componentName)
        for key in try await blobs.list(prefix: "sha256") {
            let location = "object \(key)"
            let segments = key.segments
            guard segments.count == 3, let digest = SHA256Digest(hex: segments[2]), segments[0] == "sha256",
                segments[1] == String(segments[2].prefix(2)), Self.key(for: digest) == key
            else {
                report.problem(at: location, "not a content address (expected sha256/<2 hex>/<64 lower-case hex>)")
                continue
            }
            do {
                let found = try await blobs.sizeAndDigest(of: key).digest
                if found == digest {
                    report.objectsVerified += 1
                } else {
                    report.problem(
                        at: location, "the bytes hash to \(found.hexString.prefix(16))…, not to the object's key")
                }
            } catch let error as MLOpsError {
                report.problem(at: location, "the object cannot be read: \(error.message)")
            }
        }
        return report
    }
}
