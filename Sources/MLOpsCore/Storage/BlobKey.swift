/// A validated logical key for a ``BlobStore``: `/`-separated segments such as
/// `runs/01J9…/artifacts/model.json` or `sha256/ab/cdef…`.
///
/// Keys are *logical*, never file-system paths. Construction rejects anything
/// that could escape a store's root or mean different things to different
/// layers — it never normalises a bad key into a good one:
///
/// - empty keys, keys longer than 1,024 UTF-8 bytes, segments longer than 255;
/// - a leading `/` (absolute), empty segments (`a//b`, trailing `/`);
/// - `.` and `..` segments;
/// - backslashes, `%` (percent-encoded escapes such as `%2e%2e%2f`, decoded or
///   not), `;` (URL path parameters), `:` (drive letters, URL schemes);
/// - NUL and every other control character (U+0000–U+001F, U+007F–U+009F);
/// - Unicode that changes under normalisation into a separator or dot
///   (fullwidth `／`, `．`, `＼` and similar look-alikes).
///
/// Invalid keys throw ``MLOpsError`` with code `invalidArgument` quoting the key.
public struct BlobKey: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The key text, as validated.
    public let rawValue: String

    /// The most UTF-8 bytes a key may have.
    public static let maxLength = 1_024
    /// The most UTF-8 bytes one segment may have.
    public static let maxSegmentLength = 255

    /// Validates `rawValue` as a key.
    ///
    /// - Throws: ``MLOpsError`` `invalidArgument` naming the rule broken and the key.
    public init(_ rawValue: String) throws {
        try BlobKey.validate(rawValue)
        self.rawValue = rawValue
    }

    /// Joins validated segments, e.g. `try BlobKey(segments: ["runs", id, "model.bin"])`.
    public init(segments: [String]) throws {
        try self.init(segments.joined(separator: "/"))
    }

    /// The key's segments.
    public var segments: [Substring] { rawValue.split(separator: "/", omittingEmptySubsequences: false) }

    /// The last segment.
    public var lastSegment: Substring { segments.last ?? Substring(rawValue) }

    /// This key with `child` appended as further segments.
    public func appending(_ child: String) throws -> BlobKey { try BlobKey(rawValue + "/" + child) }

    /// Whether this key equals `prefix` or lies below it as whole segments.
    /// `runs/1` has prefix `runs`, but not `run`.
    public func hasSegmentPrefix(_ prefix: String) -> Bool {
        if prefix.isEmpty { return true }
        let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        return rawValue == trimmed || rawValue.hasPrefix(trimmed + "/")
    }

    public var description: String { rawValue }

    public static func < (lhs: BlobKey, rhs: BlobKey) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Checks a prefix given to ``BlobStore/list(prefix:)``: empty, or a valid key
    /// optionally followed by `/`.
    public static func validatePrefix(_ prefix: String) throws {
        if prefix.isEmpty { return }
        try validate(prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix)
    }

    private static let lookAlikes: Set<Unicode.Scalar> = [
        "\u{FF0F}", "\u{FF3C}", "\u{FF0E}", "\u{2215}", "\u{2044}", "\u{29F8}", "\u{29F9}",
        "\u{FE52}", "\u{2024}", "\u{FE68}", "\u{FF05}", "\u{FE6A}", "\u{FF1A}", "\u{FF1B}",
        "\u{2025}", "\u{2026}", "\u{00B7}", "\u{0338}",
    ]

    static func validate(_ key: String) throws {
        func reject(_ why: String, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
            MLOpsError(.invalidArgument, "invalid blob key: \(why)", value: key, fileID: fileID, line: line)
        }
        let length = key.utf8.count
        if length == 0 { throw reject("the key is empty") }
        if length > maxLength { throw reject("longer than \(maxLength) bytes (\(length))") }
        if key.hasPrefix("/") { throw reject("absolute keys are not allowed; remove the leading '/'") }
        for scalar in key.unicodeScalars {
            switch scalar {
            case "\\": throw reject("backslashes are not allowed")
            case "%": throw reject("'%' is not allowed (percent-encoded escapes are rejected, never decoded)")
            case ";": throw reject("';' is not allowed")
            case ":": throw reject("':' is not allowed")
            default: break
            }
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                throw reject("control character U+\(String(scalar.value, radix: 16, uppercase: true)) is not allowed")
            }
            if lookAlikes.contains(scalar) || (0x2000...0x200F).contains(scalar.value) || scalar.value == 0xFEFF {
                throw reject(
                    "character U+\(String(scalar.value, radix: 16, uppercase: true)) is a separator look-alike")
            }
        }
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { throw reject("empty segment (a '//' or a trailing '/')") }
            if segment == "." || segment == ".." { throw reject("'\(segment)' segments are not allowed") }
            if segment.utf8.count > maxSegmentLength {
                throw reject("a segment is longer than \(maxSegmentLength) bytes")
            }
        }
    }
}
