import MLOpsCore

/// Which columns a step takes when it is not given their names, and the checks of named columns.
enum ColumnKind {
    /// Numeric (double, float, int) and boolean columns.
    case numeric
    /// Text columns.
    case text

    /// Whether `column` is of this kind.
    func matches(_ column: Column) -> Bool {
        switch self {
        case .numeric: column.type != .string
        case .text: column.type == .string
        }
    }

    /// The columns of `table` a step applies to: `names`, checked to exist, or every column of
    /// this kind, in table order.
    ///
    /// - Throws: `MLOpsError` `notFound` naming a column the table lacks, `invalidArgument` for a
    ///   name given twice or a table without rows.
    func resolve(_ names: [String]?, in table: Table, step: String) throws -> [String] {
        guard table.rowCount > 0 else {
            throw MLOpsError(.invalidArgument, "\(step) cannot be fitted to a table without rows", value: step)
        }
        guard let names else { return table.columns.filter(matches).map(\.name) }
        var seen: Set<String> = []
        for name in names {
            guard table.columnIndex(named: name) != nil else {
                throw MLOpsError(.notFound, "\(step): the table has no column named \(name)", value: name)
            }
            guard seen.insert(name).inserted else {
                throw MLOpsError(.invalidArgument, "\(step): the column \(name) is named twice", value: name)
            }
        }
        return names
    }
}
