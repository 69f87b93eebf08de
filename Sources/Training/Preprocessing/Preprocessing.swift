import InferenceCore
import MLOpsCore

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

    /// `table` with each of `columns` replaced, in place, by `transform(j, x)` of its numbers (the
    /// column's position `j` in `columns`), as a `double` column of the same name.
    static func mappingNumbers(
        _ table: Table, _ columns: [String], step: String, _ transform: (Int, Double) -> Double
    ) throws -> Table {
        var replacements: [String: [Column]] = [:]
        for (j, name) in columns.enumerated() {
            let values = try numbers(column(table, name, step: step), step: step)
            replacements[name] = [.double(name, values.map { transform(j, $0) })]
        }
        return try replacing(table, replacements)
    }

    /// Exports `y = (x − offset) · scale` over `columns` as one `scaler` node (float32) whose
    /// output takes the columns' places.
    static func exportScaler(
        _ columns: [String], offset: [Float], scale: [Float], hint: String, builder: inout GraphBuilder,
        graph: inout GraphColumns
    ) throws {
        guard !columns.isEmpty else { return }
        let input = try graph.gather(columns, builder: &builder)
        let scaled = builder.add(
            .scaler(.init(offset: offset, scale: scale)), inputs: [input.name], output: (.float32, columns.count),
            hint: hint)
        for (j, name) in columns.enumerated() { try graph.set(name, to: [name], in: scaled, from: j) }
    }

    /// Byte order of text, the order categories and classes use.
    static func byteOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// A whole number's text without a decimal point; other numbers as Swift prints them.
    static func label(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
