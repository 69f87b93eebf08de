public import MLOpsCore

extension TableDiff {
    /// One difference between the two files' columns: a column added, removed, retyped or moved.
    ///
    /// Columns are matched by name. Types are the ones `CSVReader` infers for each file with the diff's options
    /// (all rows, or the first `CSVReadOptions.inferenceRowLimit`); a column with no present value in a file has no
    /// inferred type there and is never reported as retyped.
    public struct SchemaChange: Sendable, Hashable, Codable {
        /// What happened to the column.
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            /// Only the new file has the column.
            case added
            /// Only the old file has the column.
            case removed
            /// Both files have the column, with different inferred types.
            case retyped
            /// Both files have the column, but its place among the columns both files share changed (a column
            /// added or removed elsewhere does not count as a move).
            case reordered
        }

        /// What happened to the column.
        public var kind: Kind
        /// The column's name.
        public var column: String
        /// The column's type in the old file: set for ``Kind/removed`` and ``Kind/retyped``, and for
        /// ``Kind/reordered`` when it is known.
        public var oldType: ColumnType?
        /// The column's type in the new file: set for ``Kind/added`` and ``Kind/retyped``, and for
        /// ``Kind/reordered`` when it is known.
        public var newType: ColumnType?
        /// The column's 0-based position in the old file's header; `nil` for ``Kind/added``.
        public var oldIndex: Int?
        /// The column's 0-based position in the new file's header; `nil` for ``Kind/removed``.
        public var newIndex: Int?

        /// A change of `kind` to `column`.
        public init(
            kind: Kind, column: String, oldType: ColumnType? = nil, newType: ColumnType? = nil, oldIndex: Int? = nil,
            newIndex: Int? = nil
        ) {
            self.kind = kind
            self.column = column
            self.oldType = oldType
            self.newType = newType
            self.oldIndex = oldIndex
            self.newIndex = newIndex
        }
    }
}
