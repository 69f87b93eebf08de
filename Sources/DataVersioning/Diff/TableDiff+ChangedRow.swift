extension TableDiff {
    /// A row that both files have under the same key, with different text in some shared column.
    public struct ChangedRow: Sendable, Hashable, Codable {
        /// The row's value in the key column.
        public var key: String
        /// The 1-based line the row starts on in the old file.
        public var oldLine: Int
        /// The 1-based line the row starts on in the new file.
        public var newLine: Int
        /// The cells that differ, in the old file's column order; never empty.
        public var cells: [CellChange]

        /// The row with key `key` at `oldLine` and `newLine`, whose `cells` differ.
        public init(key: String, oldLine: Int, newLine: Int, cells: [CellChange]) {
            self.key = key
            self.oldLine = oldLine
            self.newLine = newLine
            self.cells = cells
        }
    }
}
