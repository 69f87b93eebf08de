import MLOpsCore

/// The sizes that govern content-defined chunking with ``FastCDC``.
///
/// Chunks are at least ``minimumSize`` bytes (except the last chunk of an input), at most
/// ``maximumSize`` bytes, and on random data about ``averageSize`` bytes long on average
/// (a little more in practice: no cut is taken before the minimum). Changing any of the
/// four values moves chunk boundaries, so data chunked with different parameters does not
/// deduplicate against each other; store the parameters with the data they chunked.
///
/// The initializer and decoding both validate: `64 ≤ minimumSize < averageSize <
/// maximumSize ≤ 64 MiB`, `averageSize` a power of two, `normalizationLevel` in `0...3`.
public struct ChunkingParameters: Sendable, Hashable, Codable {
    /// The smallest chunk, in bytes; no cut point is considered before it.
    ///
    /// Only the last chunk of an input may be shorter.
    public let minimumSize: Int
    /// The target chunk size, in bytes: a power of two.
    ///
    /// Below it the cut condition is harder (`log2(averageSize) + normalizationLevel` hash
    /// bits must be zero), at and above it easier (`log2(averageSize) - normalizationLevel`).
    public let averageSize: Int
    /// The largest chunk, in bytes: a chunk that reaches it is cut there whatever its content.
    public let maximumSize: Int
    /// How strongly chunk sizes are pulled towards ``averageSize`` (normalized chunking, 0…3).
    ///
    /// 0 uses one cut condition throughout; each step makes the condition one bit harder
    /// below the average and one bit easier above it, narrowing the size distribution.
    public let normalizationLevel: Int

    /// The smallest allowed ``minimumSize``: the Gear hash's window, so that every cut
    /// decision sees a full 64-byte window of the chunk.
    public static let smallestMinimumSize = 64
    /// The largest allowed ``maximumSize``: 64 MiB.
    public static let largestMaximumSize = 64 << 20

    /// 16 KiB minimum, 64 KiB average, 256 KiB maximum, normalization level 2: small enough
    /// that an edit to a file of a few megabytes re-stores a few percent of it, large enough that
    /// a gigabyte is 16,000 chunks.
    ///
    /// Part of the storage format of data versioning: repositories chunk with these unless
    /// configured otherwise.
    public static let `default` = ChunkingParameters(
        validatedMinimum: 16 << 10, average: 64 << 10, maximum: 256 << 10, normalizationLevel: 2)

    /// Creates chunking parameters, checking that they are usable.
    ///
    /// - Parameters:
    ///   - minimumSize: The smallest chunk in bytes; at least 64 and less than `averageSize`.
    ///   - averageSize: The target chunk size in bytes; a power of two, less than `maximumSize`.
    ///   - maximumSize: The largest chunk in bytes; at most 64 MiB.
    ///   - normalizationLevel: 0…3; 2 unless you have measured a reason to change it.
    /// - Throws: `MLOpsError` with code `invalidArgument` naming the first value that breaks a
    ///   rule, with that value in `value`.
    public init(minimumSize: Int, averageSize: Int, maximumSize: Int, normalizationLevel: Int = 2) throws {
        func reject(_ name: String, _ rule: String, _ value: Int) -> MLOpsError {
            MLOpsError(.invalidArgument, "invalid chunking parameters: \(name) \(rule)", value: String(value))
        }
        let smallest = Self.smallestMinimumSize
        let largest = Self.largestMaximumSize
        guard minimumSize >= smallest else {
            throw reject("minimumSize", "must be at least \(smallest) bytes", minimumSize)
        }
        guard averageSize > 0, averageSize & (averageSize - 1) == 0 else {
            throw reject("averageSize", "must be a power of two", averageSize)
        }
        guard averageSize > minimumSize else {
            throw reject("averageSize", "must be greater than minimumSize (\(minimumSize))", averageSize)
        }
        guard maximumSize > averageSize else {
            throw reject("maximumSize", "must be greater than averageSize (\(averageSize))", maximumSize)
        }
        guard maximumSize <= largest else {
            throw reject("maximumSize", "must be at most \(largest) bytes (64 MiB)", maximumSize)
        }
        guard (0...3).contains(normalizationLevel) else {
            throw reject("normalizationLevel", "must be 0, 1, 2 or 3", normalizationLevel)
        }
        self.init(
            validatedMinimum: minimumSize, average: averageSize, maximum: maximumSize,
            normalizationLevel: normalizationLevel)
    }

    private init(validatedMinimum: Int, average: Int, maximum: Int, normalizationLevel: Int) {
        self.minimumSize = validatedMinimum
        self.averageSize = average
        self.maximumSize = maximum
        self.normalizationLevel = normalizationLevel
    }

    private enum CodingKeys: String, CodingKey {
        case minimumSize, averageSize, maximumSize, normalizationLevel
    }

    /// Decodes parameters and validates them as ``init(minimumSize:averageSize:maximumSize:normalizationLevel:)``
    /// does: bad values throw its `invalidArgument` error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            minimumSize: container.decode(Int.self, forKey: .minimumSize),
            averageSize: container.decode(Int.self, forKey: .averageSize),
            maximumSize: container.decode(Int.self, forKey: .maximumSize),
            normalizationLevel: container.decode(Int.self, forKey: .normalizationLevel))
    }
}
