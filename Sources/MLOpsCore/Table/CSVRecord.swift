/// One record of a CSV file as text, handed to ``CSVReader/forEachRecord(_:)``.
///
/// Fields are unquoted and unescaped, and not converted: an empty field and a quoted empty field (`""`) are
/// both `""`, and missing-value tokens are left as written.
public struct CSVRecord: Sendable, Hashable {
    /// The 1-based line the record starts on.
    public var line: Int
    /// The fields, in order.
    public var fields: [String]

    /// A record starting on `line` with `fields`.
    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}
