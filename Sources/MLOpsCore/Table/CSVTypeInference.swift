/// Column type inference over CSV records, as ``CSVReader`` does it, for callers that visit the records
/// themselves (``CSVReader/forEachRecordView(_:)``); made by ``CSVReader/typeInference()``.
///
/// Each column's type is its ``CSVTypeGuess`` over the observed records' present fields (an unquoted empty field
/// or missing-value token is missing); ``CSVReadOptions/columnTypes`` override it and ``CSVReadOptions/schema``
/// replaces it, as in a read.
package struct CSVTypeInference {
    private let names: [String]
    private let missingTokens: [[UInt8]]
    private let overrides: [String: ColumnType]
    private let given: TableSchema?
    private var guesses: [CSVTypeGuess]

    init(names: [String], missingTokens: [[UInt8]], overrides: [String: ColumnType], schema: TableSchema?) {
        self.names = names
        self.missingTokens = missingTokens
        self.overrides = overrides
        self.given = schema
        self.guesses = [CSVTypeGuess](repeating: CSVTypeGuess(), count: names.count)
    }

    /// Takes the present fields of `record` into account.
    @inline(__always)
    package mutating func observe(_ record: CSVRecordView) {
        let tokens = missingTokens
        for column in 0..<min(record.fieldCount, guesses.count) {
            let raw = record.content(column)
            if !record.spans[column].quoted
                && (raw.isEmpty || (!tokens.isEmpty && CSVReader.isToken(raw, tokens)))
            {
                continue
            }
            guesses[column].observe(raw)
        }
    }

    /// The schema a read with the same options would give for the observed records.
    package var schema: TableSchema {
        let base =
            given ?? TableSchema(zip(names, guesses).map { TableSchema.Field(name: $0.0, type: $0.1.type) })
        guard !overrides.isEmpty else { return base }
        return TableSchema(base.fields.map { TableSchema.Field(name: $0.name, type: overrides[$0.name] ?? $0.type) })
    }

    /// Whether column `index`'s type was decided by a value or override rather than by default: a given schema or
    /// type, or at least one present field observed. A column with only missing fields is `double` by default.
    package func isDetermined(_ index: Int) -> Bool {
        guard names.indices.contains(index) else { return false }
        if given != nil || overrides[names[index]] != nil { return true }
        return guesses[index].observedAny
    }
}
