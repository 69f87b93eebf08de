/// The names and element types of a ``Table``'s columns, in order.
///
/// A schema fixes the shape of a streamed CSV read (``CSVReadOptions/schema``)
/// and is what ``Table/appending(_:)`` checks. It is `Codable`, so it can be
/// stored next to a dataset.
public struct TableSchema: Sendable, Hashable, Codable, CustomStringConvertible {
    /// One column's name and element type.
    public struct Field: Sendable, Hashable, Codable {
        /// The column name.
        public var name: String
        /// The element type.
        public var type: ColumnType

        /// A field named `name` of type `type`.
        public init(name: String, type: ColumnType) {
            self.name = name
            self.type = type
        }
    }

    /// The columns, in order.
    public var fields: [Field]

    /// A schema with the given fields. Names are not checked here; ``Table`` and ``CSVReader`` reject empty or
    /// duplicate names when the schema is used.
    public init(_ fields: [Field]) { self.fields = fields }

    /// A schema from `(name, type)` pairs, in order.
    public init(_ pairs: KeyValuePairs<String, ColumnType>) {
        self.fields = pairs.map { Field(name: $0.key, type: $0.value) }
    }

    /// The column names, in order.
    public var names: [String] { fields.map(\.name) }

    /// The number of columns.
    public var count: Int { fields.count }

    /// The type of the column named `name`, or `nil` if there is none.
    public func type(of name: String) -> ColumnType? {
        fields.first { $0.name == name }?.type
    }

    public var description: String {
        "(" + fields.map { "\($0.name): \($0.type)" }.joined(separator: ", ") + ")"
    }
}
