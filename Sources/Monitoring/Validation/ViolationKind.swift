/// Why a value broke a ``DataSchema``.
public enum ViolationKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The value is missing (or NaN) but the column is not nullable.
    case missingValue
    /// The value is below the column's minimum.
    case belowMinimum
    /// The value is above the column's maximum.
    case aboveMaximum
    /// The value is not one of the column's allowed values.
    case unknownCategory
    /// The value's type does not match the column's (single requests only; a table's column
    /// type is checked once, as a ``TableFinding``).
    case wrongType
}
