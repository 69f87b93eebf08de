/// The JSON manifest at the start of a package: the format, and every part's place and hash.
struct PackageManifest: Codable, Sendable {
    /// Always ``PackageManifest/formatName``.
    var format: String
    /// The format version; equals the header's.
    var formatVersion: Int
    /// The parts, each once.
    var parts: [Part]

    /// One part of the payload.
    struct Part: Codable, Sendable {
        /// `graph`, `weights`, `signature` or `metadata`.
        var name: String
        /// Byte offset from the start of the payload.
        var offset: Int
        /// Byte length.
        var length: Int
        /// Lower-case hex SHA-256 of the part's bytes.
        var sha256: String
    }

    static let formatName = "swift-mlops.model-package"
    static let partNames = ["graph", "weights", "signature", "metadata"]
}
