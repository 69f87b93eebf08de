public import MLOpsCore

/// What a ``DataSchema`` expects of one column: its type, whether it may be missing, its range
/// or allowed categories and how many of its values may be missing.
///
/// Every constraint is optional (`nil` means unchecked) and can be edited after
/// ``DataSchema/infer(from:options:)``. Categories are compared as text: integers in decimal,
/// booleans as `true`/`false`.
public struct ColumnRule: Sendable, Hashable, Codable {
    /// The column name.
    public var name: String
    /// The expected element type.
    public var type: ColumnType
    /// Whether a value may be missing (for `double`/`float` columns, NaN counts as missing).
    public var isNullable: Bool
    /// The smallest allowed value of a numeric column.
    public var minimum: Double?
    /// The largest allowed value of a numeric column.
    public var maximum: Double?
    /// The allowed values, as text; `nil` allows any.
    public var allowedValues: [String]?
    /// The largest allowed share of missing values in a validated table, in [0, 1].
    public var maxMissingRatio: Double?

    /// A rule with the given constraints.
    public init(
        name: String, type: ColumnType, isNullable: Bool = true, minimum: Double? = nil, maximum: Double? = nil,
        allowedValues: [String]? = nil, maxMissingRatio: Double? = nil
    ) {
        self.name = name
        self.type = type
        self.isNullable = isNullable
        self.minimum = minimum
        self.maximum = maximum
        self.allowedValues = allowedValues
        self.maxMissingRatio = maxMissingRatio
    }
}
