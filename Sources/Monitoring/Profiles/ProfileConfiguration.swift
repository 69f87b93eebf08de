import MLOpsCore

/// The settings of a ``DatasetProfile``: sketch sizes, the compaction seed, and which columns track
/// frequent items.
///
/// Profiles merge only when their configurations agree on the sketch sizes (the seed may differ).
public struct ProfileConfiguration: Sendable, Hashable {
    /// The KLL accuracy parameter (``KLLSketch/defaultK`` = 200: rank error ≈ 1.33 %).
    public let quantileK: Int
    /// The HyperLogLog precision (``HyperLogLog/defaultPrecision`` = 14: standard error ≈ 0.81 %).
    public let cardinalityPrecision: Int
    /// The number of frequent-item counters per column (``FrequentItems/defaultCapacity`` = 128).
    public let frequentItemsCapacity: Int
    /// Seeds the KLL compaction coin of every column.
    public var seed: UInt64
    /// Per-column overrides of the kind; by default `double` and `float` columns are numerical,
    /// `int` columns both (moments, quantiles and frequent items), `string` and `bool` categorical.
    public var kinds: [String: ColumnKind]

    /// A configuration; the defaults are the sketches' defaults.
    ///
    /// - Parameters:
    ///   - quantileK: The KLL accuracy parameter, 8 through 65,535.
    ///   - cardinalityPrecision: The HyperLogLog precision, 4 through 18.
    ///   - frequentItemsCapacity: Frequent-item counters per column, 1 through 1,048,576.
    ///   - seed: Seeds the KLL compaction coin.
    ///   - kinds: Per-column kind overrides.
    /// - Throws: `MLOpsError.invalidArgument` when a size is out of range.
    public init(
        quantileK: Int = KLLSketch.defaultK,
        cardinalityPrecision: Int = HyperLogLog.defaultPrecision,
        frequentItemsCapacity: Int = FrequentItems.defaultCapacity,
        seed: UInt64 = 0,
        kinds: [String: ColumnKind] = [:]
    ) throws {
        _ = try KLLSketch(k: quantileK)
        _ = try HyperLogLog(precision: cardinalityPrecision)
        _ = try FrequentItems(capacity: frequentItemsCapacity)
        self.quantileK = quantileK
        self.cardinalityPrecision = cardinalityPrecision
        self.frequentItemsCapacity = frequentItemsCapacity
        self.seed = seed
        self.kinds = kinds
    }

    /// The default configuration.
    public static let standard = ProfileConfiguration(unchecked: ())

    private init(unchecked: Void) {
        quantileK = KLLSketch.defaultK
        cardinalityPrecision = HyperLogLog.defaultPrecision
        frequentItemsCapacity = FrequentItems.defaultCapacity
        seed = 0
        kinds = [:]
    }

    /// Whether the sketch sizes agree (what merging needs).
    func hasSameSketchSizes(as other: ProfileConfiguration) -> Bool {
        quantileK == other.quantileK && cardinalityPrecision == other.cardinalityPrecision
            && frequentItemsCapacity == other.frequentItemsCapacity
    }
}
