extension TableDiff {
    /// One cell of a changed row: its column and its text in each file.
    public struct CellChange: Sendable, Hashable, Codable {
        /// The column's name.
        public var column: String
        /// The cell's text in the old file (unquoted).
        public var oldText: String
        /// The cell's text in the new file (unquoted).
        public var newText: String

        /// The cell of `column` that changed from `oldText` to `newText`.
        public init(column: String, oldText: String, newText: String) {
            self.column = column
            self.oldText = oldText
            self.newText = newText
        }
    }
}
