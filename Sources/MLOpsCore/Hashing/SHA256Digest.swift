/// A SHA-256 digest: 32 bytes, held inline without a heap allocation.
///
/// Digests compare, hash and sort by their bytes. The text form — used by
/// ``description``, ``hexString`` and `Codable` — is 64 lower-case hexadecimal
/// characters, the same text `sha256sum` prints:
///
/// ```swift
/// let digest = SHA256.hash(Array("abc".utf8))
/// print(digest.hexString)  // ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
/// assert(SHA256Digest(hex: digest.hexString) == digest)
/// ```
///
/// Decoding a digest from text that is not exactly 64 hexadecimal characters
/// throws an ``MLOpsError`` with code ``MLOpsError/Code/parseError``.
public struct SHA256Digest: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The number of bytes in a digest (32).
    public static let byteCount = 32

    // The digest bytes as four big-endian 64-bit words: `w0` holds bytes 0...7.
    // Comparing the words in order therefore compares the bytes in order.
    private var w0: UInt64
    private var w1: UInt64
    private var w2: UInt64
    private var w3: UInt64

    /// Creates a digest from its four 64-bit words, most significant bytes first.
    init(words w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// Creates a digest from exactly 32 bytes; returns `nil` for any other count.
    ///
    /// Use this to rebuild a digest stored in binary form.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        if let digest = bytes.withContiguousStorageIfAvailable({ SHA256Digest(loading: UnsafeRawBufferPointer($0)) }) {
            self = digest
            return
        }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var index = 0
        for byte in bytes {
            let shift = UInt64(56 - 8 * (index & 7))
            let value = UInt64(byte) << shift
            switch index >> 3 {
            case 0: words.0 |= value
            case 1: words.1 |= value
            case 2: words.2 |= value
            default: words.3 |= value
            }
            index += 1
        }
        self.init(words: words.0, words.1, words.2, words.3)
    }

    /// Reads a digest from the first 32 bytes of `raw` (which must hold at least 32).
    package init(loading raw: UnsafeRawBufferPointer) {
        precondition(raw.count >= Self.byteCount)
        self.init(
            words: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
            UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
    }

    /// Parses 64 hexadecimal characters (either case); returns `nil` for any other text.
    ///
    /// The text must be exactly 64 characters from `0-9`, `a-f`, `A-F` — no
    /// prefix, separators or whitespace.
    public init?(hex: some StringProtocol) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0
        for unit in hex.utf8 {
            guard count < 64, let nibble = Self.nibble(unit) else { return nil }
            let value = UInt64(nibble) << UInt64(60 - 4 * (count & 15))
            switch count >> 4 {
            case 0: words.0 |= value
            case 1: words.1 |= value
            case 2: words.2 |= value
            default: words.3 |= value
            }
            count += 1
        }
        guard count == 64 else { return nil }
        self.init(words: words.0, words.1, words.2, words.3)
    }

    /// The 32 digest bytes, in the order SHA-256 defines.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// Calls `body` with the 32 digest bytes, without allocating.
    ///
    /// The buffer is valid only during the call.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var words = (w0.bigEndian, w1.bigEndian, w2.bigEndian, w3.bigEndian)
        return try Swift.withUnsafeBytes(of: &words) { buffer throws(Failure) in try body(buffer) }
    }

    /// The digest as 64 lower-case hexadecimal characters, as `sha256sum` prints it.
    public var hexString: String {
        String(unsafeUninitializedCapacity: 64) { output in
            let digits: StaticString = "0123456789abcdef"
            digits.withUTF8Buffer { digits in
                withUnsafeBytes { bytes in
                    for (index, byte) in bytes.enumerated() {
                        output[2 &* index] = digits[Int(byte >> 4)]
                        output[2 &* index &+ 1] = digits[Int(byte & 0xF)]
                    }
                }
            }
            return 64
        }
    }

    /// The same text as ``hexString``.
    public var description: String { hexString }

    /// Orders digests by their bytes, as `memcmp` would.
    public static func < (lhs: SHA256Digest, rhs: SHA256Digest) -> Bool {
        (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
    }

    /// Decodes a digest from its 64-character hexadecimal string.
    ///
    /// - Throws: ``MLOpsError`` with code ``MLOpsError/Code/parseError`` when the
    ///   string is not exactly 64 hexadecimal characters.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let digest = SHA256Digest(hex: text) else {
            throw MLOpsError(
                .parseError,
                "a SHA-256 digest must be exactly 64 hexadecimal characters",
                value: text
            )
        }
        self = digest
    }

    /// Encodes the digest as its 64-character lower-case hexadecimal string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hexString)
    }

    private static func nibble(_ unit: UInt8) -> UInt8? {
        switch unit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): unit &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): unit &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): unit &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}
