public import MLOpsCore

/// The id of a stored object — a chunk, a file's chunk list, a directory tree or a commit: the
/// SHA-256 of the object's bytes, written with its algorithm as `sha256:<64 lower-case hex>`.
///
/// A one-chunk file's id is the SHA-256 of the file itself, the same digest `sha256sum` prints.
/// Ids are stable strings: ExperimentTracking can record a commit id as a run's dataset input.
public struct ObjectID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The text every id starts with.
    public static let algorithmPrefix = "sha256:"

    /// The digest the id names.
    public let digest: SHA256Digest

    /// The id of an object whose bytes hash to `digest`.
    public init(_ digest: SHA256Digest) { self.digest = digest }

    /// Parses `sha256:` followed by 64 hexadecimal characters.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming the text for anything else.
    public init(parsing text: some StringProtocol) throws {
        let text = String(text)
        guard text.hasPrefix(Self.algorithmPrefix),
            let digest = SHA256Digest(hex: text.dropFirst(Self.algorithmPrefix.count))
        else {
            throw MLOpsError(
                .invalidArgument, "not an object id (expected sha256: and 64 hexadecimal digits)",
                value: DisplayText.escapingControlCharacters(String(text.prefix(100))))
        }
        self.digest = digest
    }

    /// The id of `bytes`.
    public static func of(_ bytes: [UInt8]) -> ObjectID { ObjectID(SHA256.hash(bytes)) }

    /// The 64 hexadecimal digits without the algorithm.
    public var hex: String { digest.hexString }

    /// `sha256:<hex>`.
    public var description: String { Self.algorithmPrefix + digest.hexString }

    /// A short form for display: the algorithm and the first 12 digits.
    public var short: String { Self.algorithmPrefix + digest.hexString.prefix(12) }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.digest < rhs.digest }

    /// Decodes the `sha256:<hex>` text form.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    /// Encodes the `sha256:<hex>` text form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
