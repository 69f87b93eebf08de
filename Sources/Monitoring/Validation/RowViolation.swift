/// One value of one row that broke a ``DataSchema``.
public struct RowViolation: Sendable, Hashable, Codable {
    /// The row index in the validated table (0 for a single request).
    public var row: Int
    /// The column name.
    public var column: String
    /// What was wrong.
    public var kind: ViolationKind
    /// The offending value as text (empty for a missing value).
    public var value: String
    /// A sentence for a person, naming the rule that was broken.
    public var reason: String

    /// A violation with the given values.
    public init(row: Int, column: String, kind: ViolationKind, value: String, reason: String) {
        self.row = row
        self.column = column
        self.kind = kind
        self.value = value
        self.reason = reason
    }
}
