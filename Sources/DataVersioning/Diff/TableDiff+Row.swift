extension TableDiff {
    /// A row that only one of the two files has: an example of an added or removed row.
    public struct Row: Sendable, Hashable, Codable {
        /// The 1-based line of its file the row starts on.
        public var line: Int
        /// The row's value in the key column, for a diff by key; `nil` for a diff by content.
        public var key: String?
        /// The row's fields as text (unquoted), in its file's column order: ``TableDiff/newSchema`` for an added
        /// row, ``TableDiff/oldSchema`` for a removed one.
        public var fields: [String]

        /// A row starting on `line`, with its `key` (if any) and `fields`.
        public init(line: Int, key: String?, fields: [String]) {
            self.line = line
            self.key = key
            self.fields = fields
        }
    }
}
