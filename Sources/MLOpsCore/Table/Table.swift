/// An ordered list of named, typed columns of equal length: the SDK's in-memory dataset.
///
/// `Table` is a value type (copy-on-write through its column arrays) and
/// `Sendable`. Columns are ``Column``s of `double`, `float`, `int`, `string` or
/// `bool` values, each with missing values. Operations return new tables.
///
/// ```swift
/// let table = try Table(columns: [
///     .double("x", [1.5, nil, 3]),
///     .string("label", ["a", "b", "a"]),
/// ])
/// let train = try table.rows([0, 2])
/// let (values, rows, cols) = try table.featureMatrix(columns: ["x"])
/// let csv = table.csvString()
/// ```
///
/// Two tables are equal when they have equal columns in the same order (see
/// ``Column`` for how values compare).
public struct Table: Sendable, Equatable {
    /// The columns, in order.
    public private(set) var columns: [Column]
    /// Column positions by name.
    private var positions: [String: Int]

    /// A table with no columns and no rows.
    public init() {
        columns = []
        positions = [:]
    }

    /// A table of `columns`, in order.
    ///
    /// - Throws: `MLOpsError.invalidArgument` when a name is empty, two columns share a name, or the columns
    ///   differ in length.
    public init(columns: [Column]) throws {
        var positions: [String: Int] = [:]
        positions.reserveCapacity(columns.count)
        for (position, column) in columns.enumerated() {
            guard !column.name.isEmpty else {
                throw MLOpsError(.invalidArgument, "column \(position + 1) has an empty name; give every column a name")
            }
            guard positions.updateValue(position, forKey: column.name) == nil else {
                throw MLOpsError(
                    .invalidArgument,
                    "two columns are named '\(column.name)'; column names must be unique",
                    value: column.name
                )
            }
            if let first = columns.first, column.count != first.count {
                throw MLOpsError(
                    .invalidArgument,
                    "column '\(column.name)' has \(column.count) rows but column '\(first.name)' has \(first.count); "
                        + "all columns must have the same length",
                    value: column.name
                )
            }
        }
        self.columns = columns
        self.positions = positions
    }

    /// The number of rows (0 for a table without columns).
    public var rowCount: Int { columns.first?.count ?? 0 }

    /// The number of columns.
    public var columnCount: Int { columns.count }

    /// The column names, in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The column names and types, in order.
    public var schema: TableSchema {
        TableSchema(columns.map { TableSchema.Field(name: $0.name, type: $0.type) })
    }

    /// The position of the column named `name`, or `nil` if there is none.
    public func columnIndex(named name: String) -> Int? { positions[name] }

    /// The column named `name`, or `nil` if there is none.
    public func column(named name: String) -> Column? {
        positions[name].map { columns[$0] }
    }

    /// The column named `name`, or `nil` if there is none.
    public subscript(name: String) -> Column? { column(named: name) }

    /// The column named `name`, or a `notFound` error that lists the columns.
    func requireColumn(_ name: String) throws -> Column {
        guard let position = positions[name] else {
            throw MLOpsError(
                .notFound,
                "no column named '\(name)'; the table has \(columnNames.map { "'\($0)'" }.joined(separator: ", "))",
                value: name
            )
        }
        return columns[position]
    }

    /// A table of the named columns, in the order given.
    /// - Throws: `MLOpsError.notFound` for an unknown name, `invalidArgument` for a name given twice.
    public func select(columns names: [String]) throws -> Table {
        try Table(columns: names.map { try requireColumn($0) })
    }

    /// A table of the rows at `indices`, in that order; an index may repeat (sampling with replacement).
    /// - Throws: `MLOpsError.invalidArgument` when an index is outside `0..<rowCount`.
    public func rows(_ indices: [Int]) throws -> Table {
        let count = rowCount
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw MLOpsError(
                .invalidArgument,
                "row index \(bad) is out of range; the table has \(count) rows",
                value: String(bad)
            )
        }
        var copy = self
        copy.columns = columns.map { $0.gathering(indices) }
        return copy
    }

    /// This table's rows followed by `other`'s.
    ///
    /// Appending to a table without columns returns `other`.
    /// - Throws: `MLOpsError.invalidArgument` when the schemas (names, order, types) differ.
    public func appending(_ other: Table) throws -> Table {
        if columns.isEmpty { return other }
        if other.columns.isEmpty { return self }
        guard schema == other.schema else {
            throw MLOpsError(
                .invalidArgument,
                "cannot append rows with schema \(other.schema) to a table with schema \(schema); "
                    + "select and convert the columns so they match",
                value: other.schema.description
            )
        }
        var copy = self
        copy.columns = try zip(columns, other.columns).map { try $0.appending($1) }
        return copy
    }

    /// A table with `column` added at the end.
    /// - Throws: `MLOpsError.invalidArgument` for a duplicate or empty name or a length that differs.
    public func adding(_ column: Column) throws -> Table {
        try Table(columns: columns + [column])
    }

    /// A table without the named columns.
    /// - Throws: `MLOpsError.notFound` for an unknown name.
    public func removing(columns names: [String]) throws -> Table {
        for name in names { _ = try requireColumn(name) }
        let dropped = Set(names)
        return try Table(columns: columns.filter { !dropped.contains($0.name) })
    }

    /// The rows for which `isIncluded` returns `true`, in order.
    public func filter(_ isIncluded: (TableRow) throws -> Bool) rethrows -> Table {
        var kept: [Int] = []
        for index in 0..<rowCount where try isIncluded(TableRow(table: self, index: index)) {
            kept.append(index)
        }
        var copy = self
        copy.columns = columns.map { $0.gathering(kept) }
        return copy
    }

    /// The rows whose flag in `mask` is `true`, in order.
    /// - Throws: `MLOpsError.invalidArgument` when `mask` does not have one flag per row.
    public func filter(mask: [Bool]) throws -> Table {
        guard mask.count == rowCount else {
            throw MLOpsError(
                .invalidArgument,
                "the filter mask has \(mask.count) flags but the table has \(rowCount) rows",
                value: String(mask.count)
            )
        }
        let kept = mask.indices.filter { mask[$0] }
        var copy = self
        copy.columns = columns.map { $0.gathering(kept) }
        return copy
    }

    /// The named numeric column as `Double`s, missing as NaN (see ``Column/doubles()``).
    /// - Throws: `MLOpsError.notFound` for an unknown name, `invalidArgument` for a text column.
    public func doubles(column name: String) throws -> [Double] {
        try requireColumn(name).doubles()
    }

    /// The named numeric column as `Float`s, missing as NaN (see ``Column/floats()``).
    /// - Throws: `MLOpsError.notFound` for an unknown name, `invalidArgument` for a text column.
    public func floats(column name: String) throws -> [Float] {
        try requireColumn(name).floats()
    }

    /// A dense row-major `Float` matrix of the named columns: element `(r, c)` is at `values[r * cols + c]`.
    ///
    /// Missing values become NaN; booleans become 0 or 1. This is the hand-off to training and inference.
    /// - Throws: `MLOpsError.notFound` for an unknown name, `invalidArgument` for a text column.
    public func featureMatrix(columns names: [String]) throws -> (values: [Float], rows: Int, cols: Int) {
        let rows = rowCount
        let cols = names.count
        let sources = try names.map { try requireColumn($0).floats() }
        var values = [Float](repeating: 0, count: rows * cols)
        values.withUnsafeMutableBufferPointer { out in
            for (column, source) in sources.enumerated() {
                source.withUnsafeBufferPointer { input in
                    var offset = column
                    for value in input {
                        out[offset] = value
                        offset += cols
                    }
                }
            }
        }
        return (values, rows, cols)
    }

    /// Whether the cell at `row` in the named column is missing.
    /// - Throws: `MLOpsError.notFound` for an unknown name, `invalidArgument` for a row out of range.
    public func isMissing(row: Int, column name: String) throws -> Bool {
        let column = try requireColumn(name)
        try checkRow(row)
        return column.isMissing(at: row)
    }

    /// The cell at `row` in the named column.
    /// - Throws: `MLOpsError.notFound` for an unknown name, `invalidArgument` for a row out of range.
    public func value(row: Int, column name: String) throws -> TableValue {
        let column = try requireColumn(name)
        try checkRow(row)
        return column.value(at: row)
    }

    private func checkRow(_ row: Int) throws {
        guard row >= 0 && row < rowCount else {
            throw MLOpsError(
                .invalidArgument,
                "row \(row) is out of range; the table has \(rowCount) rows",
                value: String(row)
            )
        }
    }

    public static func == (lhs: Table, rhs: Table) -> Bool { lhs.columns == rhs.columns }
}
