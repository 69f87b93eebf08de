/// A view of one row of a ``Table``, handed to ``Table/filter(_:)``.
///
/// ```swift
/// let adults = table.filter { row in (row["age"]?.doubleValue ?? 0) >= 18 }
/// ```
public struct TableRow: Sendable {
    /// The table the row belongs to.
    public let table: Table
    /// The row's position in ``table``.
    public let index: Int

    /// The value in the column named `column`, or `nil` when the table has no such column.
    public subscript(column: String) -> TableValue? {
        guard let position = table.columnIndex(named: column) else { return nil }
        return table.columns[position].value(at: index)
    }

    /// The value in the column at position `column`, or `nil` when `column` is out of range.
    public subscript(column column: Int) -> TableValue? {
        guard column >= 0 && column < table.columnCount else { return nil }
        return table.columns[column].value(at: index)
    }

    /// The row's values, one per column in order.
    public var values: [TableValue] { table.columns.map { $0.value(at: index) } }
}
