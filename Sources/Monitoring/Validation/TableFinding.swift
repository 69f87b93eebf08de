/// A problem with a validated table (or request) as a whole rather than with one value.
public struct TableFinding: Sendable, Hashable, Codable {
    /// What kind of problem it is.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A column of the schema is absent.
        case missingColumn
        /// A column not in the schema is present (and the schema does not allow extra columns).
        case extraColumn
        /// A column has another type than the schema's. Numeric columns (`double`, `float`,
        /// `int`) are still checked against their range; others are not checked further.
        case typeMismatch
        /// A column's share of missing values is above its bound.
        case missingRatioExceeded
    }

    /// What kind of problem it is.
    public var kind: Kind
    /// The column concerned.
    public var column: String
    /// What the schema expects, as text (a type, or a ratio bound).
    public var expected: String
    /// What was found, as text.
    public var actual: String
    /// A sentence for a person.
    public var reason: String

    /// A finding with the given values.
    public init(kind: Kind, column: String, expected: String, actual: String, reason: String) {
        self.kind = kind
        self.column = column
        self.expected = expected
        self.actual = actual
        self.reason = reason
    }
}
