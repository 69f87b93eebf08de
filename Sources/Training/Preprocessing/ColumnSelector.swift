public import MLOpsCore
import InferenceCore

/// Keeps the named columns, in the order given, and drops the others.
public struct ColumnSelector: Transformer {
    /// The columns kept.
    public var columns: [String]

    /// A selector of `columns`.
    public init(columns: [String]) {
        self.columns = columns
    }

    /// Checks that the table has the columns.
    ///
    /// - Throws: `MLOpsError` `notFound` naming a column the table lacks; `invalidArgument` for a
    ///   name given twice or a table without rows.
    public func fit(_ table: Table) throws -> Fitted {
        Fitted(columns: try ColumnKind.numeric.resolve(columns, in: table, step: "ColumnSelector"))
    }

    /// A fitted ``ColumnSelector``.
    public struct Fitted: FittedTransformer {
        /// The columns kept, in order.
        public let columns: [String]

        /// A selector of `columns`.
        public init(columns: [String]) {
            self.columns = columns
        }

        public var inputColumns: [String] { columns }
        public var outputColumns: [String] { columns }

        public func transform(_ table: Table) throws -> Table {
            try table.select(columns: columns)
        }

        public func export(into builder: inout GraphBuilder, columns graph: inout GraphColumns) throws {
            try graph.select(columns)
        }
    }
}
