import MLOpsCore

/// A ``RunEnvironment`` as stored: its JSON bytes and an ID derived from them
/// (the first 16 bytes of their SHA-256, in hex), so that runs sharing an
/// environment share one record.
struct StoredEnvironment: Sendable, Hashable {
    let environment: RunEnvironment
    let id: String
    let bytes: [UInt8]

    init(_ environment: RunEnvironment) {
        self.environment = environment
        // Encoding a plain struct of strings and numbers cannot fail.
        bytes = (try? RecordCoding.encode(environment)) ?? []
        id = String(SHA256.hash(bytes).hexString.prefix(32))
    }
}
