public import MLOpsCore

/// The row-level difference between two CSV files: rows added, removed and changed, and column changes.
///
/// ``compare(old:new:key:options:limit:)`` reads both files with `CSVReader` and the given `CSVReadOptions`, and
/// matches their columns by name. With a key column, rows are matched by the key's text: a key in the new file only
/// is an added row, in the old file only a removed row, and in both a changed row when any column the two files
/// share has different text (an added or removed column is a ``SchemaChange``, not a cell change). Without a key,
/// rows are compared by their text in the shared columns as multisets: a row twice in the old file and once in the
/// new one is one removed row; no row is "changed".
///
/// Cells are compared as text after unquoting (`"a"` equals `a`, and a quoted empty field equals an empty one),
/// byte for byte: numbers are compared as text too, so `1.0` and `1` differ and a column whose numbers were
/// reformatted shows every row as changed; two Unicode spellings of one character (`é` precomposed or as `e` and
/// a combining accent) differ. Missing-value tokens are text like any other. Rows are compared on the columns
/// both files have, so a column that was added or removed does not make every row differ: it is reported once,
/// in ``schemaChanges``.
///
/// The counts cover every row; ``addedRows``, ``removedRows`` and ``changedRows`` hold at most the `limit`
/// first of each, in file order (the new file's for changed rows). The result is `Codable`, for a command's
/// `--json` output; ``description`` is a one-line summary and ``report(maxRows:)`` adds examples.
public struct TableDiff: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The key column rows were matched by, or `nil` for a diff by content.
    public let key: String?
    /// The old file's columns and the types `CSVReader` infers for them.
    public let oldSchema: TableSchema
    /// The new file's columns and the types `CSVReader` infers for them.
    public let newSchema: TableSchema
    /// Columns added and removed (in their file's order), then retyped and moved (in the old file's order).
    public let schemaChanges: [SchemaChange]
    /// Rows only the new file has.
    public let addedRowCount: Int
    /// Rows only the old file has.
    public let removedRowCount: Int
    /// Rows both files have under one key, with different text in some shared column; always 0 without a key.
    public let changedRowCount: Int
    /// Rows both files have with the same text in every shared column.
    public let unchangedRowCount: Int
    /// The first added rows, in the new file's order: at most the `limit` given to the comparison.
    public let addedRows: [Row]
    /// The first removed rows, in the old file's order: at most the `limit` given to the comparison.
    public let removedRows: [Row]
    /// The first changed rows, in the new file's order: at most the `limit` given to the comparison.
    public let changedRows: [ChangedRow]

    /// The rows of the old file (blank lines are not rows).
    public var oldRowCount: Int { removedRowCount + changedRowCount + unchangedRowCount }

    /// The rows of the new file (blank lines are not rows).
    public var newRowCount: Int { addedRowCount + changedRowCount + unchangedRowCount }

    /// Whether the files differ in any row or column (a column move included).
    public var hasDifferences: Bool {
        !schemaChanges.isEmpty || addedRowCount > 0 || removedRowCount > 0 || changedRowCount > 0
    }

    // MARK: - Comparing

    /// Compares two CSV files' bytes row by row.
    ///
    /// Both files are read with `options` (delimiter, header, missing-value tokens, type overrides); column types
    /// come from the same inference as a `CSVReader` read (over all rows, or the first
    /// `CSVReadOptions.inferenceRowLimit`). Each file is read once into one small entry per row (a 64-bit hash of
    /// the key or of the shared columns, and where the row is); rows with equal hashes are then compared as text,
    /// scanned again from `old` and `new`, so a hash collision never makes different rows equal. Beyond the two
    /// inputs, memory is a 24-byte entry per row plus lists of the rows that differ, and a copy of one input while
    /// it is read. The work is CPU-bound and runs on the calling thread.
    ///
    /// - Parameters:
    ///   - old: The earlier file's bytes.
    ///   - new: The later file's bytes.
    ///   - key: A column whose text names each row in both files, or `nil` to compare rows by content.
    ///   - options: How to read both files.
    ///   - limit: The most example rows of each kind (added, removed, changed) to keep; 0 keeps only counts.
    /// - Throws: `MLOpsError.invalidArgument` when `limit` is negative, the key column is missing from a file, or
    ///   a key value is on two rows of one file (naming the value and its lines); the reader's errors for malformed
    ///   CSV (`parseError` for an empty file, an unterminated quote, a row with the wrong number of fields or a
    ///   field that is not UTF-8; `limitExceeded` past the options' limits), their messages starting with which
    ///   file (`the old CSV: line 3: …`).
    public static func compare(
        old: [UInt8], new: [UInt8], key: String? = nil, options: CSVReadOptions = CSVReadOptions(),
        limit: Int = 1_000
    ) throws -> TableDiff {
        try compare(old: old, new: new, key: key, options: options, limit: limit, hashMask: .max)
    }

    /// ``compare(old:new:key:options:limit:)`` keeping only the bits of `hashMask` of each row's hash: tests pass a
    /// narrow mask to make rows collide and exercise the text comparisons that settle collisions.
    static func compare(
        old: [UInt8], new: [UInt8], key: String?, options: CSVReadOptions, limit: Int, hashMask: UInt64
    ) throws -> TableDiff {
        guard limit >= 0 else {
            throw MLOpsError(.invalidArgument, "the example limit must not be negative", value: String(limit))
        }
        let oldNames = try TableDiffInput.columnNames(of: old, label: "old", options: options)
        let newNames = try TableDiffInput.columnNames(of: new, label: "new", options: options)
        let newPositions = Dictionary(newNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let oldShared = oldNames.indices.filter { newPositions[oldNames[$0]] != nil }
        let newShared = oldShared.compactMap { newPositions[oldNames[$0]] }
        var keyColumns: (old: Int, new: Int)?
        if let key {
            keyColumns = (
                try keyColumn(key, in: oldNames, label: "old"), try keyColumn(key, in: newNames, label: "new")
            )
        }
        let seed = UInt64.random(in: .min ... .max)
        var oldInput = try TableDiffInput(
            bytes: old, label: "old", options: options, hashing: keyColumns.map { [$0.old] } ?? oldShared,
            seed: seed, mask: hashMask)
        var newInput = try TableDiffInput(
            bytes: new, label: "new", options: options, hashing: keyColumns.map { [$0.new] } ?? newShared,
            seed: seed, mask: hashMask)
        let schemaChanges = Self.schemaChanges(oldInput, newInput, oldShared: oldShared, newShared: newShared)
        oldInput.sortByHash()
        newInput.sortByHash()
        return try old.withUnsafeBufferPointer { oldBytes in
            try new.withUnsafeBufferPointer { newBytes in
                let matcher = try TableDiffMatcher(
                    oldBytes: oldBytes, newBytes: newBytes, old: oldInput, new: newInput, oldShared: oldShared,
                    newShared: newShared, key: keyColumns, limit: limit, options: options)
                let outcome = keyColumns == nil ? try matcher.matchByContent() : try matcher.matchByKey()
                return TableDiff(
                    key: key, oldSchema: oldInput.schema, newSchema: newInput.schema, schemaChanges: schemaChanges,
                    addedRowCount: outcome.added.count, removedRowCount: outcome.removed.count,
                    changedRowCount: outcome.changed.count, unchangedRowCount: outcome.unchanged,
                    addedRows: try matcher.rows(outcome.added, .new),
                    removedRows: try matcher.rows(outcome.removed, .old),
                    changedRows: try matcher.changedRows(outcome.changed))
            }
        }
    }

    /// The index of the key column in `names`, or an `invalidArgument` error naming the columns there are.
    private static func keyColumn(_ key: String, in names: [String], label: String) throws -> Int {
        guard let index = names.firstIndex(of: key) else {
            let columns = names.map { "'\(DisplayText.escapingControlCharacters($0))'" }.joined(separator: ", ")
            throw MLOpsError(
                .invalidArgument,
                "the key column '\(DisplayText.escapingControlCharacters(key))' is not in the \(label) CSV, whose "
                    + "columns are \(columns)",
                value: key
            )
        }
        return index
    }

    /// Columns removed and added, then retyped and moved ones.
    private static func schemaChanges(
        _ old: TableDiffInput, _ new: TableDiffInput, oldShared: [Int], newShared: [Int]
    ) -> [SchemaChange] {
        let oldFields = old.schema.fields
        let newFields = new.schema.fields
        let oldNames = Set(oldFields.map(\.name))
        let newNames = Set(newFields.map(\.name))
        var changes: [SchemaChange] = []
        for (index, field) in newFields.enumerated() where !oldNames.contains(field.name) {
            changes.append(SchemaChange(kind: .added, column: field.name, newType: field.type, newIndex: index))
        }
        for (index, field) in oldFields.enumerated() where !newNames.contains(field.name) {
            changes.append(SchemaChange(kind: .removed, column: field.name, oldType: field.type, oldIndex: index))
        }
        for (oldIndex, newIndex) in zip(oldShared, newShared) {
            let oldType = oldFields[oldIndex].type
            let newType = newFields[newIndex].type
            guard oldType != newType, old.typeDetermined[oldIndex], new.typeDetermined[newIndex] else { continue }
            changes.append(
                SchemaChange(
                    kind: .retyped, column: oldFields[oldIndex].name, oldType: oldType, newType: newType,
                    oldIndex: oldIndex, newIndex: newIndex))
        }
        // A shared column moved when its rank among the shared columns differs: `newShared` lists the new positions
        // in the old order, so rank k of the old order must hold the k-th smallest new position.
        let newOrder = newShared.sorted()
        for (rank, newIndex) in zip(newShared.indices, newShared) where newOrder[rank] != newIndex {
            let oldIndex = oldShared[rank]
            changes.append(
                SchemaChange(
                    kind: .reordered, column: oldFields[oldIndex].name,
                    oldType: old.typeDetermined[oldIndex] ? oldFields[oldIndex].type : nil,
                    newType: new.typeDetermined[newIndex] ? newFields[newIndex].type : nil,
                    oldIndex: oldIndex, newIndex: newIndex))
        }
        return changes
    }

    // MARK: - Text

    /// One line: `+12 rows, -3 rows, ~5 changed; columns: +price, -old, qty int→float, id moved`, or
    /// `no differences (1000 rows)`. Column names have their control characters escaped.
    public var description: String {
        guard hasDifferences else { return "no differences (\(oldRowCount) rows)" }
        var text = "+\(addedRowCount) rows, -\(removedRowCount) rows"
        if key != nil { text += ", ~\(changedRowCount) changed" }
        if !schemaChanges.isEmpty {
            text += "; columns: " + schemaChanges.map(Self.describe).joined(separator: ", ")
        }
        return text
    }

    /// ``description`` followed by up to `maxRows` example rows of each kind, one per line:
    /// `+ line 7: id=4, name=pear`, `- line 3: …`, `~ id=2 (lines 2, 3): qty 3 → 4`.
    ///
    /// Field text is shown as is, or in double quotes when it is empty or holds a comma, a quote, a backslash, a
    /// control character (written as an escape such as `\n` or `\u{1B}`) or spaces at either end.
    public func report(maxRows: Int = 10) -> String {
        var lines = [description]
        let shown = max(maxRows, 0)
        func more(_ total: Int, _ listed: Int) {
            if total > listed { lines.append("  … \(total - listed) more") }
        }
        if addedRowCount > 0 {
            lines.append("added rows:")
            for row in addedRows.prefix(shown) { lines.append("+ " + Self.describe(row, newSchema)) }
            more(addedRowCount, min(addedRows.count, shown))
        }
        if removedRowCount > 0 {
            lines.append("removed rows:")
            for row in removedRows.prefix(shown) { lines.append("- " + Self.describe(row, oldSchema)) }
            more(removedRowCount, min(removedRows.count, shown))
        }
        if changedRowCount > 0, let key {
            lines.append("changed rows:")
            for row in changedRows.prefix(shown) {
                let cells = row.cells.map {
                    Self.escaped($0.column) + " " + Self.quoted($0.oldText) + " → " + Self.quoted($0.newText)
                }
                lines.append(
                    "~ \(Self.escaped(key))=\(Self.quoted(row.key)) (lines \(row.oldLine), \(row.newLine)): "
                        + cells.joined(separator: ", "))
            }
            more(changedRowCount, min(changedRows.count, shown))
        }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ change: SchemaChange) -> String {
        let name = escaped(change.column)
        switch change.kind {
        case .added: return "+" + name
        case .removed: return "-" + name
        case .retyped:
            return "\(name) \(change.oldType.map(\.rawValue) ?? "?")→\(change.newType.map(\.rawValue) ?? "?")"
        case .reordered: return name + " moved"
        }
    }

    private static func describe(_ row: Row, _ schema: TableSchema) -> String {
        let names = schema.names
        let fields = row.fields.enumerated().map { index, text in
            (index < names.count ? escaped(names[index]) : "column\(index + 1)") + "=" + quoted(text)
        }
        return "line \(row.line): " + fields.joined(separator: ", ")
    }

    private static func escaped(_ text: String) -> String { DisplayText.escapingControlCharacters(text) }

    /// `text` as is, or, when it is empty or holds a comma, quote, backslash, control character or spaces at either
    /// end, in double quotes with quotes and backslashes escaped and control characters written as escapes.
    private static func quoted(_ text: String) -> String {
        let unclear =
            text.isEmpty || text.contains(",") || text.contains("\"") || text.contains("\\") || text.first == " "
            || text.last == " " || text.unicodeScalars.contains(where: DisplayText.needsEscape)
        guard unclear else { return escaped(text) }
        var inner = ""
        for character in text {
            if character == "\\" || character == "\"" { inner.append("\\") }
            inner.append(character)
        }
        return "\"" + escaped(inner) + "\""
    }
}
