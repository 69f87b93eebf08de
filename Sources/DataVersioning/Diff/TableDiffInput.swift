import MLOpsCore

/// One CSV file of a ``TableDiff`` after its single pass: its schema and one small entry per row.
///
/// The rows themselves are not kept: an entry holds the row's hash and where the row is in the caller's bytes, and
/// the diff scans a row again (`CSVRecordParser`) when it must compare texts or show the row.
struct TableDiffInput {
    /// One row: where it starts and the hash the diff matches rows by.
    struct Entry {
        /// The hash of the key field (diff by key) or of the shared columns' fields (diff by content).
        var hash: UInt64
        /// The row's first byte in the file's bytes.
        var offset: Int
        /// The 1-based line the row starts on.
        var line: Int
    }

    /// The column names and types, as `CSVReader` infers them with the diff's options.
    let schema: TableSchema
    /// Per column: whether its type was decided by a value (or given), rather than by default for a column
    /// holding only missing fields.
    let typeDetermined: [Bool]
    /// One entry per row, in file order until ``sortByHash()``.
    private(set) var entries: [Entry]

    /// The column names in the header of `bytes` (or `column1`, … without a header).
    static func columnNames(of bytes: [UInt8], label: String, options: CSVReadOptions) throws -> [String] {
        try labellingErrors(label) {
            let reader = try CSVReader(bytes: bytes, options: options)
            return reader.columnNames
        }
    }

    /// Reads every row of `bytes` once: checks it (field count, UTF-8), infers the column types, and hashes the
    /// fields of the columns `hashed` (indices, in that order) with `seed`, keeping the hash bits in `mask`.
    /// `label` (`old` or `new`) starts the message of an error.
    init(
        bytes: [UInt8], label: String, options: CSVReadOptions, hashing hashed: [Int], seed: UInt64, mask: UInt64
    ) throws {
        let (schema, determined, entries) = try Self.labellingErrors(label) {
            var reader = try CSVReader(bytes: bytes, options: options)
            let names = reader.columnNames
            var inference = reader.typeInference()
            var inferenceRows = options.inferenceRowLimit ?? Int.max
            var entries: [Entry] = []
            var scratch: [UInt8] = []
            try reader.forEachRecordView { record in
                for column in 0..<record.fieldCount {
                    let valid = record.withField(column, scratch: &scratch) { Self.isValidUTF8($0) }
                    if !valid { throw Self.invalidUTF8(record, column: column, names: names) }
                }
                if inferenceRows > 0 {
                    inference.observe(record)
                    inferenceRows -= 1
                }
                var hasher = Hasher()
                hasher.combine(seed)
                for column in hashed {
                    record.withField(column, scratch: &scratch) { field in
                        hasher.combine(field.count)
                        hasher.combine(bytes: UnsafeRawBufferPointer(field))
                    }
                }
                let hash = UInt64(truncatingIfNeeded: hasher.finalize()) & mask
                entries.append(Entry(hash: hash, offset: record.offset, line: record.line))
            }
            let determined = names.indices.map { inference.isDetermined($0) }
            return (inference.schema, determined, entries)
        }
        self.schema = schema
        self.typeDetermined = determined
        self.entries = entries
    }

    /// Sorts the entries by hash; the sort is stable, so rows with equal hashes stay in file order.
    mutating func sortByHash() {
        entries.sort { $0.hash < $1.hash }
    }

    /// Runs `body`, prefixing the message of an `MLOpsError` it throws with which file it is about.
    static func labellingErrors<Result>(_ label: String, _ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch var error as MLOpsError {
            error.message = "the \(label) CSV: " + error.message
            throw error
        }
    }

    /// Whether `bytes` is valid UTF-8; ASCII, the common case, is checked eight bytes at a time.
    @inline(__always)
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var bits: UInt64 = 0
        var index = 0
        while index + 8 <= count {
            bits |= UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            index += 8
        }
        while index < count {
            bits |= UInt64(base[index])
            index += 1
        }
        if bits & 0x8080_8080_8080_8080 == 0 { return true }
        return String(validating: bytes, as: UTF8.self) != nil
    }

    /// The `parseError` for a field that is not UTF-8, naming its line and column as the reader does.
    private static func invalidUTF8(_ record: CSVRecordView, column: Int, names: [String]) -> MLOpsError {
        var scratch: [UInt8] = []
        let shown = record.withField(column, scratch: &scratch) { String(decoding: $0, as: UTF8.self) }
        let name = column < names.count ? " ('\(DisplayText.escapingControlCharacters(names[column]))')" : ""
        return MLOpsError(
            .parseError,
            "line \(record.line), column \(column + 1)\(name): the field is not valid UTF-8; convert the file to UTF-8",
            value: shown
        )
    }
}
