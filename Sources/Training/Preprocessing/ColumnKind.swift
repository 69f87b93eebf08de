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

/// Helpers shared by the steps.
enum Preprocessing {
    /// The column `name` of `table`, or `notFound` naming it.
    static func column(_ table: Table, _ name: String, step: String) throws -> Column {
        guard let column = table.column(named: name) else {
            throw MLOpsError(.notFound, "\(step): the table has no column named \(name)", value: name)
        }
        return column
    }

    /// The values of a non-text column as `Double`, missing values as NaN.
    static func numbers(_ column: Column, step: String) throws -> [Double] {
        guard column.type != .string else {
            throw MLOpsError(
                .invalidArgument, "\(step): the column \(column.name) holds text; it needs numbers",
                value: column.name)
        }
        return try column.doubles()
    }

    /// The values of a text column, `nil` where missing or empty (an empty text counts as missing).
    static func texts(_ column: Column) -> [String?] {
        guard case .string(let values) = column.storage else {
            return (0..<column.count).map { column.isMissing(at: $0) ? nil : column.value(at: $0).description }
        }
        return values.indices.map { column.isMissing(at: $0) || values[$0].isEmpty ? nil : values[$0] }
    }

    /// `table` with each column named in `replacements` replaced, in place, by the given columns.
    static func replacing(_ table: Table, _ replacements: [String: [Column]]) throws -> Table {
        var columns: [Column] = []
        for column in table.columns {
            if let new = replacements[column.name] { columns += new } else { columns.append(column) }
        }
        return try Table(columns: columns)
    }

    /// Byte order of text, the order categories and classes use.
    static func byteOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// A whole number's text without a decimal point; other numbers as Swift prints them.
    static func label(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
