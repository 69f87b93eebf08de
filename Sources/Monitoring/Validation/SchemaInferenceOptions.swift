/// How ``DataSchema/infer(from:options:)`` turns reference data into rules.
public struct SchemaInferenceOptions: Sendable, Hashable, Codable {
    /// A text or boolean column with at most this many distinct values gets
    /// ``ColumnRule/allowedValues``; one with more gets none.
    public var maxCategories: Int
    /// Columns whose distinct values become ``ColumnRule/allowedValues`` whatever their type
    /// (integer codes, say), up to ``maxForcedCategories`` values.
    public var categoricalColumns: Set<String>
    /// The cap on the allowed values of a column in ``categoricalColumns``.
    public var maxForcedCategories: Int
    /// Widens each inferred numeric range by this fraction of its width on both sides (0 keeps
    /// the observed minimum and maximum).
    public var rangeMargin: Double
    /// Added to a nullable column's observed missing ratio to give its bound (capped at 1).
    public var missingRatioSlack: Double

    /// Options with the given values; the defaults allow up to 20 categories, keep observed
    /// ranges as they are and allow the missing ratio to grow by 0.05.
    public init(
        maxCategories: Int = 20, categoricalColumns: Set<String> = [], maxForcedCategories: Int = 10_000,
        rangeMargin: Double = 0, missingRatioSlack: Double = 0.05
    ) {
        self.maxCategories = maxCategories
        self.categoricalColumns = categoricalColumns
        self.maxForcedCategories = maxForcedCategories
        self.rangeMargin = rangeMargin
        self.missingRatioSlack = missingRatioSlack
    }
}
