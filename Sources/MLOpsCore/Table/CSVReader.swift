private func posixRead(_ descriptor: Int32, _ target: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    Platform.read(descriptor, UnsafeMutableRawBufferPointer(start: target, count: count))
}

/// Reads CSV (RFC 4180) into ``Table``s, all at once or in batches, from a file or from memory.
///
/// The reader parses bytes with a hand-written state machine; a file is read
/// with POSIX `read` in chunks of ``CSVReadOptions/bufferSize`` bytes, so a
/// streamed file never has to fit in memory. The header (if any) is read when
/// the reader is created; column types are inferred from the first batch
/// (or ``CSVReadOptions/inferenceRowLimit`` rows) and then fixed for the rest
/// of the file, unless ``CSVReadOptions/schema`` gives them.
///
/// ```swift
/// var reader = try CSVReader(path: "big.csv")
/// while let batch = try reader.nextBatch(maxRows: 100_000) {
///     print(batch.rowCount)
/// }
/// ```
///
/// Parsing rules: fields are separated by the delimiter; a field enclosed in
/// double quotes may hold delimiters, line ends and doubled quotes (`""`); lines
/// end with LF, CRLF or a lone CR; the last line may lack a line end; a UTF-8
/// byte order mark at the start is skipped. An unquoted empty field is missing;
/// a quoted empty field is the empty string in a `string` column and missing in
/// any other. Blank lines are skipped when the file has more than one column
/// (with one column a blank line is a missing value). Every record must have one
/// field per column.
///
/// Errors are `MLOpsError` with code `parseError` and a message that starts with
/// the 1-based line and column, e.g. `line 17: expected 5 fields, found 4` or
/// `line 3, column 2 ('age'): "x" is not a valid int`; input quoted in a message
/// has its control characters escaped (`\0`, `\u{1B}`). Numbers must be finite
/// and in range for their column (`inf`, `nan`, `1e999`, `1e-400` and numbers
/// with more than 767 significant digits are errors) unless
/// ``CSVReadOptions/allowNonFiniteNumbers`` / ``CSVReadOptions/allowOutOfRangeNumbers``
/// say otherwise. An empty input is a `parseError` ("the input CSV is empty")
/// unless ``CSVReadOptions/schema`` is given. Records with more than
/// ``CSVReadOptions/maxColumns`` fields, fields over ``CSVReadOptions/maxFieldBytes``
/// and records over ``CSVReadOptions/maxRecordBytes`` are `limitExceeded` errors,
/// found while scanning: the reader stops without buffering the rest.
///
/// The reader is noncopyable (it has a position in its input) and closes its
/// file when it goes out of scope.
// @unchecked: the reader's buffers and file descriptor live in a non-Sendable class that only this reader
// references; the reader is noncopyable, so nothing else can reach them, and it may move between tasks like
// any uniquely owned value.
public struct CSVReader: ~Copyable, @unchecked Sendable {
    private let options: CSVReadOptions
    private let scanner: CSVScanner
    private let missingTokens: [[UInt8]]
    /// The file descriptor and the buffers.
    private let resources: CSVReaderResources
    /// The first unconsumed byte.
    private var start: Int
    /// One past the last buffered byte.
    private var end: Int
    /// Whether every byte of the input is buffered.
    private var atEnd: Bool
    /// The line the byte at `start` is on.
    private var line: Int
    private var scratch: [UInt8]
    /// Whether reads fill all free buffer space (reading the whole file) rather than one chunk.
    private var readWhole: Bool
    /// Bytes dropped from the front of the buffer so far: a buffer index plus this is an offset in the input.
    private var discarded: Int

    /// The column names: from the header, from ``CSVReadOptions/schema``, or `column1`, `column2`, …
    public private(set) var columnNames: [String]
    /// The column types once fixed: given by ``CSVReadOptions/schema``, or inferred by the first
    /// ``nextBatch(maxRows:)`` or ``readAll()``; `nil` before that.
    public private(set) var schema: TableSchema?

    /// A reader of the file at `path`; reads the header.
    /// - Throws: `MLOpsError.notFound` / `ioError` when the file cannot be opened or read,
    ///   `invalidArgument` for bad options, `parseError` for a bad header or an empty file (without a schema),
    ///   `limitExceeded` for a header over ``CSVReadOptions/maxColumns`` fields or with a field over
    ///   ``CSVReadOptions/maxFieldBytes``.
    public init(path: String, options: CSVReadOptions = CSVReadOptions()) throws {
        // A noncopyable value must be in the same state (initialised or not) on every path that throws, so
        // failures before `self` exists are held back until it does.
        var failure: (any Error)?
        var descriptor: Int32 = -1
        do {
            try Self.validate(options)
            descriptor = try Self.openFile(path)
        } catch {
            failure = error
        }
        self.init(
            options: options,
            resources: CSVReaderResources(descriptor: descriptor, capacity: max(options.bufferSize, 16)),
            end: 0,
            atEnd: descriptor < 0
        )
        if let failure { throw failure }
        try prepare()
    }

    /// A reader of CSV bytes held in memory; reads the header.
    /// - Throws: `invalidArgument` for bad options, `parseError` for a bad header or an empty input (without a
    ///   schema), `limitExceeded` for a header over the column or field-size limit.
    public init(bytes: [UInt8], options: CSVReadOptions = CSVReadOptions()) throws {
        let resources = CSVReaderResources(descriptor: -1, capacity: max(bytes.count, 1))
        bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { resources.buffer.initialize(from: base, count: source.count) }
        }
        self.init(options: options, resources: resources, end: bytes.count, atEnd: true)
        try Self.validate(options)
        try prepare()
    }

    /// A reader of CSV text; reads the header.
    /// - Throws: `invalidArgument` for bad options, `parseError` for a bad header or an empty input (without a
    ///   schema), `limitExceeded` for a header over the column or field-size limit.
    public init(string: String, options: CSVReadOptions = CSVReadOptions()) throws {
        try self.init(bytes: Array(string.utf8), options: options)
    }

    private init(options: CSVReadOptions, resources: CSVReaderResources, end: Int, atEnd: Bool) {
        self.options = options
        self.scanner = CSVScanner(
            delimiter: (try? options.delimiterByte()) ?? UInt8(ascii: ","),
            maxFields: max(options.maxColumns, 1),
            maxFieldBytes: max(options.maxFieldBytes, 1)
        )
        self.missingTokens = options.missingTokens.filter { !$0.isEmpty }.map { Array($0.utf8) }
        self.resources = resources
        self.start = 0
        self.end = end
        self.atEnd = atEnd
        self.line = 1
        self.scratch = []
        self.readWhole = false
        self.discarded = 0
        self.columnNames = []
        self.schema = nil
    }

    private static func validate(_ options: CSVReadOptions) throws {
        _ = try options.delimiterByte()
        guard options.bufferSize > 0, options.maxRecordBytes > 0 else {
            throw MLOpsError(
                .invalidArgument,
                "bufferSize and maxRecordBytes must be positive",
                value: "\(options.bufferSize), \(options.maxRecordBytes)"
            )
        }
        guard options.maxColumns > 0, options.maxFieldBytes > 0 else {
            throw MLOpsError(
                .invalidArgument,
                "maxColumns and maxFieldBytes must be positive",
                value: "\(options.maxColumns), \(options.maxFieldBytes)"
            )
        }
        if let limit = options.inferenceRowLimit, limit < 1 {
            throw MLOpsError(.invalidArgument, "inferenceRowLimit must be at least 1 (or nil)", value: String(limit))
        }
    }

    private static func openFile(_ path: String) throws -> Int32 {
        let descriptor = Platform.open(path, .readOnly)
        guard descriptor >= 0 else {
            let code = Platform.errno
            throw MLOpsError(
                code == Platform.noSuchFile ? .notFound : .ioError,
                "cannot open the CSV file: \(Platform.describe(errno: code))",
                value: path
            )
        }
        return descriptor
    }

    // MARK: - Reading

    /// The next at most `maxRows` rows as a table, or `nil` when the input is exhausted.
    ///
    /// The first call fixes ``schema`` (unless given): types are inferred from the first
    /// ``CSVReadOptions/inferenceRowLimit`` rows, or from this batch's rows when that is `nil`. Later batches
    /// must convert to those types.
    /// - Throws: `MLOpsError.parseError` for malformed CSV or a value that does not convert (line and column in
    ///   the message), `ioError` when reading fails, `limitExceeded` for a record over
    ///   ``CSVReadOptions/maxRecordBytes`` or ``CSVReadOptions/maxColumns`` or a field over
    ///   ``CSVReadOptions/maxFieldBytes``, `invalidArgument` when `maxRows < 1`.
    public mutating func nextBatch(maxRows: Int) throws -> Table? {
        guard maxRows > 0 else {
            throw MLOpsError(.invalidArgument, "maxRows must be at least 1", value: String(maxRows))
        }
        let (table, rows) = try readRows(limit: maxRows, schema: knownSchema())
        return rows == 0 ? nil : table
    }

    /// All remaining rows as one table (possibly with no rows).
    ///
    /// When ``schema`` is not fixed yet, types are inferred from all remaining rows (or the first
    /// ``CSVReadOptions/inferenceRowLimit``), so the whole input is buffered first.
    /// - Throws: as ``nextBatch(maxRows:)``.
    public mutating func readAll() throws -> Table {
        try bufferWholeFile()
        return try readRows(limit: Int.max, schema: knownSchema()).table
    }

    /// Calls `body` with each remaining record as text, without building a table or holding the file in memory.
    ///
    /// The header is not included (see ``columnNames``). Records are checked for their field count and UTF-8.
    /// - Throws: what `body` throws, or as ``nextBatch(maxRows:)``.
    public mutating func forEachRecord(_ body: (CSVRecord) throws -> Void) throws {
        let names = columnNames
        var scratch = self.scratch
        _ = try scan(limit: Int.max, consume: true, expectedFields: names.count) { record in
            var fields: [String] = []
            fields.reserveCapacity(record.fieldCount)
            for column in 0..<record.fieldCount {
                guard let text = record.text(column, scratch: &scratch) else {
                    throw Self.invalidUTF8(record, column: column, names: names)
                }
                fields.append(text)
            }
            try body(CSVRecord(line: record.line, fields: fields))
        }
    }

    /// Calls `body` with each remaining record in place, its fields neither copied nor converted: for a caller
    /// that looks at every record and keeps little of each (hashing, comparing).
    ///
    /// The view is valid only during the call. Field counts are checked; UTF-8 is not (``CSVRecordView/text(_:scratch:)``
    /// checks a field it converts). ``CSVRecordView/offset`` is the record's byte offset in the input, which
    /// ``CSVRecordParser`` can scan again when the input is in memory.
    /// - Throws: what `body` throws, or as ``nextBatch(maxRows:)``.
    package mutating func forEachRecordView(_ body: (CSVRecordView) throws -> Void) throws {
        _ = try scan(limit: Int.max, consume: true, expectedFields: columnNames.count, visit: body)
    }

    /// Type inference as this reader's reads do it (missing-value tokens, ``CSVReadOptions/columnTypes``,
    /// ``CSVReadOptions/schema``), for records the caller visits with ``forEachRecordView(_:)``.
    package func typeInference() -> CSVTypeInference {
        CSVTypeInference(
            names: columnNames, missingTokens: missingTokens, overrides: options.columnTypes, schema: options.schema)
    }

    /// Reads up to `limit` rows into a table: with the fixed `schema`, or, when it is `nil`, inferring the types
    /// from these rows while converting them (which then fixes ``schema``).
    private mutating func readRows(limit: Int, schema: TableSchema?) throws -> (table: Table, rows: Int) {
        let inferring = schema == nil
        let policy = options.numberPolicy
        var builders: [CSVColumnBuilder]
        if let schema {
            builders = schema.fields.map {
                CSVColumnBuilder(name: $0.name, type: $0.type, reserve: min(limit, 1 << 16), policy: policy)
            }
        } else {
            builders = columnNames.map { name in
                if let type = options.columnTypes[name] {
                    return CSVColumnBuilder(name: name, type: type, reserve: min(limit, 1 << 16), policy: policy)
                }
                return CSVColumnBuilder(inferringName: name, policy: policy)
            }
        }
        let tokens = missingTokens
        let names = columnNames
        var scratch = self.scratch
        var rejected = [CSVRejectedNumber?](repeating: nil, count: builders.count)
        // While inferring, the rows stay buffered (not consumed) so that a column that turns out to be text
        // can re-read its earlier rows.
        let pass = try builders.withUnsafeMutableBufferPointer { columns in
            try scan(limit: limit, consume: !inferring, expectedFields: names.count) { record in
                try Self.append(
                    record, to: columns, tokens: tokens, names: names, scratch: &scratch, rejected: &rejected)
            }
        }
        if inferring {
            for index in builders.indices { builders[index].finishInference() }
            // A rejected number fails the read only if its column stayed numeric (text keeps it as text).
            let failures = builders.indices.compactMap { builders[$0].type == .string ? nil : rejected[$0] }
            if let first = failures.min(by: { ($0.line, $0.column) < ($1.line, $1.column) }) { throw first.error }
            try fillTextPrefixes(&builders, scratch: &scratch)
            start += pass.endOffset
            line = pass.endLine
            self.schema = TableSchema(builders.map { TableSchema.Field(name: $0.name, type: $0.type) })
        }
        self.scratch = scratch
        return (try Table(columns: builders.map { $0.build() }), pass.count)
    }

    /// Re-reads, as text, the rows of columns that became text after those rows were parsed as another type.
    private mutating func fillTextPrefixes(_ builders: inout [CSVColumnBuilder], scratch: inout [UInt8]) throws {
        let pending = builders.indices.filter { builders[$0].pendingPrefix > 0 }
        guard let rows = pending.map({ builders[$0].pendingPrefix }).max() else { return }
        let limits = pending.map { builders[$0].pendingPrefix }
        var strings = [[String]](repeating: [], count: pending.count)
        var missing = [[Int]](repeating: [], count: pending.count)
        let tokens = missingTokens
        let names = columnNames
        var row = 0
        _ = try scan(limit: rows, consume: false, expectedFields: names.count) { record in
            for (slot, column) in pending.enumerated() where row < limits[slot] {
                let raw = record.content(column)
                let quoted = record.spans[column].quoted
                if !quoted && (raw.isEmpty || (!tokens.isEmpty && Self.isToken(raw, tokens))) {
                    missing[slot].append(row)
                    strings[slot].append("")
                } else if let text = record.text(column, scratch: &scratch) {
                    strings[slot].append(text)
                } else {
                    throw Self.invalidUTF8(record, column: column, names: names)
                }
            }
            row += 1
        }
        for (slot, column) in pending.enumerated() {
            builders[column].fillPrefix(strings: strings[slot], missingRows: missing[slot])
        }
    }

    /// A number an inferring column could not accept (`inf`, `1e999`): the error to throw if the column stays
    /// numeric.
    private struct CSVRejectedNumber {
        var line: Int
        var column: Int
        var error: MLOpsError
    }

    /// Converts one record's fields into the column builders; `rejected` keeps, per inferring column, the first
    /// number its policy rejected.
    @inline(__always)
    private static func append(
        _ record: CSVRecordView,
        to builders: UnsafeMutableBufferPointer<CSVColumnBuilder>,
        tokens: [[UInt8]],
        names: [String],
        scratch: inout [UInt8],
        rejected: inout [CSVRejectedNumber?]
    ) throws {
        for column in 0..<record.fieldCount {
            let quoted = record.spans[column].quoted
            let raw = record.content(column)
            if raw.isEmpty {
                if quoted {
                    builders[column].appendQuotedEmpty()
                } else {
                    builders[column].appendMissing()
                }
                continue
            }
            if !quoted && !tokens.isEmpty && isToken(raw, tokens) {
                builders[column].appendMissing()
                continue
            }
            if builders[column].type != .string && builders[column].settled {
                if builders[column].append(parsing: raw) { continue }
                if !builders[column].inferring {
                    throw conversionError(
                        record, column: column, names: names, type: builders[column].type,
                        policy: builders[column].policy)
                }
            } else if !builders[column].inferring {
                guard let text = record.text(column, scratch: &scratch) else {
                    throw invalidUTF8(record, column: column, names: names)
                }
                builders[column].append(string: text)
                continue
            }
            // Inferring: the first value, a value of a wider type, or text.
            switch builders[column].appendInferring(record, column: column, scratch: &scratch) {
            case .appended:
                break
            case .invalidUTF8:
                throw invalidUTF8(record, column: column, names: names)
            case .rejected:
                if rejected[column] == nil {
                    let error = conversionError(
                        record, column: column, names: names, type: builders[column].type,
                        policy: builders[column].policy)
                    rejected[column] = CSVRejectedNumber(
                        line: record.line + record.spans[column].lineOffset, column: column, error: error)
                }
            }
        }
    }

    /// The `parseError` for a field that does not convert to `type`: out of range, non-finite, or not a value of
    /// the type at all. The field's text is quoted with control characters escaped.
    private static func conversionError(
        _ record: CSVRecordView, column: Int, names: [String], type: ColumnType, policy: CSVNumberParsing.Policy
    ) -> MLOpsError {
        let text = record.displayText(column)
        // A long field is cut short in the message (the error's value keeps more of it).
        let shown = text.count > 80 ? String(text.prefix(80)) + "…" : text
        let quoted = "\"" + CSVScanner.escaped(shown) + "\""
        let reason: String
        switch CSVNumberParsing.rejection(record.content(column), as: type, policy: policy) {
        case .nonFinite?:
            reason =
                "\(quoted) is not a finite number; set CSVReadOptions.allowNonFiniteNumbers to read NaN and "
                + "infinities, list it in CSVReadOptions.missingTokens to read it as missing, or read the column "
                + "as string (CSVReadOptions.columnTypes)"
        case .overflow?:
            reason =
                "\(quoted) is too large for a \(type) (it would round to infinity); fix the value, read the column "
                + "as string (CSVReadOptions.columnTypes), or set CSVReadOptions.allowOutOfRangeNumbers"
        case .underflow?:
            reason =
                "\(quoted) is too small for a \(type) (it would round to zero); fix the value, read the column as "
                + "string (CSVReadOptions.columnTypes), or set CSVReadOptions.allowOutOfRangeNumbers"
        case .tooManyDigits?:
            reason =
                "the number (\(record.content(column).count) characters) has more than "
                + "\(CSVNumberParsing.maxSignificantDigits) significant digits, more than any \(type) can hold; read "
                + "the column as string (CSVReadOptions.columnTypes), or set CSVReadOptions.allowOutOfRangeNumbers "
                + "to round it"
        case nil:
            reason =
                "\(quoted) is not a valid \(type); fix the value, or read the column with another type "
                + "(CSVReadOptions.columnTypes)"
        }
        return MLOpsError(.parseError, "\(position(record, column: column, names: names)): \(reason)", value: text)
    }

    @inline(__always)
    static func isToken(_ raw: UnsafeBufferPointer<UInt8>, _ tokens: [[UInt8]]) -> Bool {
        for token in tokens where token.count == raw.count && token.elementsEqual(raw) {
            return true
        }
        return false
    }

    private static func position(_ record: CSVRecordView, column: Int, names: [String]) -> String {
        CSVScanner.position(line: record.line + record.spans[column].lineOffset, field: column, names: names)
    }

    private static func invalidUTF8(
        _ record: CSVRecordView, column: Int, names: [String], fileID: String = #fileID, line: Int = #line
    ) -> MLOpsError {
        MLOpsError(
            .parseError,
            "\(position(record, column: column, names: names)): the field is not valid UTF-8; "
                + "convert the file to UTF-8",
            value: record.displayText(column), fileID: fileID, line: line
        )
    }

    // MARK: - Header and schema

    /// Skips a byte order mark, reads the header and checks the options against it.
    private mutating func prepare() throws {
        while end - start < 3 && !atEnd { _ = try fill() }
        let buffer = resources.buffer
        if end - start >= 3 && buffer[start] == 0xEF && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF {
            start += 3
        }
        while end == start && !atEnd { _ = try fill() }
        if end == start && options.schema == nil {
            throw MLOpsError(
                .parseError,
                "the input CSV is empty; expected "
                    + (options.hasHeader ? "a header line naming the columns" : "at least one record")
            )
        }
        if options.hasHeader {
            var names: [String] = []
            var headerLine = 1
            var scratch = self.scratch
            _ = try scan(limit: 1, consume: true, expectedFields: nil) { record in
                headerLine = record.line
                for column in 0..<record.fieldCount {
                    guard let text = record.text(column, scratch: &scratch) else {
                        throw Self.invalidUTF8(record, column: column, names: [])
                    }
                    names.append(text)
                }
            }
            try Self.checkNames(names, line: headerLine)
            columnNames = names
        } else {
            var fieldCount = 0
            _ = try scan(limit: 1, consume: false, expectedFields: nil) { record in fieldCount = record.fieldCount }
            columnNames = options.schema?.names ?? (0..<fieldCount).map { "column\($0 + 1)" }
        }
        if let given = options.schema {
            try checkSchema(given)
            if columnNames.isEmpty { columnNames = given.names }
            schema = applyOverrides(given)
        }
        if !columnNames.isEmpty {
            for name in options.columnTypes.keys.sorted() where !columnNames.contains(name) {
                throw MLOpsError(
                    .invalidArgument,
                    "columnTypes names the column '\(CSVScanner.escaped(name))', which the CSV does not have; the "
                        + "columns are " + columnNames.map { "'\(CSVScanner.escaped($0))'" }.joined(separator: ", "),
                    value: name
                )
            }
        }
    }

    /// Header names must be non-empty and unique.
    private static func checkNames(_ names: [String], line: Int) throws {
        var seen: [String: Int] = [:]
        for (column, name) in names.enumerated() {
            guard !name.isEmpty else {
                if names.count == 1 {
                    throw MLOpsError(
                        .parseError,
                        "line \(line): the header line is blank; the first line must name the columns",
                        value: name
                    )
                }
                throw MLOpsError(
                    .parseError,
                    "line \(line), column \(column + 1): the header has an empty column name; name every column",
                    value: name
                )
            }
            if let first = seen[name] {
                throw MLOpsError(
                    .parseError,
                    "line \(line), column \(column + 1): the header repeats the column name '\(CSVScanner.escaped(name))' "
                        + "(first in column \(first + 1)); column names must be unique",
                    value: name
                )
            }
            seen[name] = column
        }
    }

    private func checkSchema(_ given: TableSchema) throws {
        var seen = Set<String>()
        for name in given.names where name.isEmpty || !seen.insert(name).inserted {
            throw MLOpsError(
                .invalidArgument,
                "the schema's column names must be non-empty and unique",
                value: name
            )
        }
        if options.hasHeader && !columnNames.isEmpty && columnNames != given.names {
            throw MLOpsError(
                .parseError,
                "line 1: the header (\(CSVScanner.escaped(columnNames.joined(separator: ", ")))) does not match the "
                    + "schema (\(CSVScanner.escaped(given.names.joined(separator: ", ")))); fix the header or the schema",
                value: columnNames.joined(separator: ",")
            )
        }
    }

    private func applyOverrides(_ schema: TableSchema) -> TableSchema {
        guard !options.columnTypes.isEmpty else { return schema }
        return TableSchema(
            schema.fields.map { TableSchema.Field(name: $0.name, type: options.columnTypes[$0.name] ?? $0.type) }
        )
    }

    /// The fixed schema, if there is one yet. With ``CSVReadOptions/inferenceRowLimit`` set, the first call
    /// infers it from that many rows ahead (without consuming them); otherwise `nil` means "infer while reading".
    private mutating func knownSchema() throws -> TableSchema? {
        if let schema { return schema }
        guard let limit = options.inferenceRowLimit else { return nil }
        var inference = typeInference()
        _ = try scan(limit: limit, consume: false, expectedFields: columnNames.count) { record in
            inference.observe(record)
        }
        let fixed = inference.schema
        schema = fixed
        return fixed
    }

    // MARK: - Scanning

    /// How far a scan got.
    private struct CSVScanProgress {
        /// Records handed to the visitor.
        var count: Int
        /// Where the scan stopped, counted from ``CSVReader/start`` (which compaction may move).
        var endOffset: Int
        /// The line the scan stopped on.
        var endLine: Int
    }

    /// Scans up to `limit` records from the current position and hands each to `visit`.
    ///
    /// With `consume` false the position does not move and the records stay buffered, so they can be scanned
    /// again (type inference, then conversion). `expectedFields` (when known) is checked for every record.
    private mutating func scan(
        limit: Int,
        consume: Bool,
        expectedFields: Int?,
        visit: (CSVRecordView) throws -> Void
    ) throws -> CSVScanProgress {
        var position = start
        var currentLine = line
        var visited = 0
        let names = columnNames
        let resources = self.resources
        while visited < limit {
            let bytes = UnsafeBufferPointer(start: resources.buffer, count: end)
            let spans = resources.spans
            let result = try scanner.scanRecord(
                bytes, from: position, isFinal: atEnd, spans: spans, capacity: resources.spanCapacity,
                line: currentLine, names: names
            )
            switch result {
            case .end:
                return CSVScanProgress(count: visited, endOffset: position - start, endLine: currentLine)
            case .needMore:
                if end - position > options.maxRecordBytes {
                    throw MLOpsError(
                        .limitExceeded,
                        "line \(currentLine): the record is longer than maxRecordBytes (\(options.maxRecordBytes) "
                            + "bytes); check for an unterminated quote, or raise the limit",
                        value: CSVScanner.snippet(bytes, position, position + 80)
                    )
                }
                position -= try fill()
            case .record(let next, let fieldCount, let lines):
                // A wrong field count is reported without storing the fields (the first span always is).
                if let expectedFields, fieldCount != expectedFields {
                    let blank = fieldCount == 1 && !spans[0].quoted && spans[0].start == spans[0].end
                    if !(blank && expectedFields > 1) {
                        throw MLOpsError(
                            .parseError,
                            "line \(currentLine): expected \(expectedFields) fields, found \(fieldCount); every "
                                + "record needs one field per column (quote fields that contain the delimiter)",
                            value: CSVScanner.snippet(bytes, position, min(next, position + 80))
                        )
                    }
                } else if fieldCount > resources.spanCapacity {
                    resources.growSpans(to: fieldCount)
                    continue
                } else {
                    try visit(
                        CSVRecordView(
                            bytes: bytes, spans: spans, fieldCount: fieldCount, line: currentLine,
                            offset: discarded + position))
                    visited += 1
                }
                position = next
                currentLine += lines
                if consume {
                    start = position
                    line = currentLine
                }
            }
        }
        return CSVScanProgress(count: visited, endOffset: position - start, endLine: currentLine)
    }

    /// Makes room for the rest of the file and switches to reading as much as fits, so that a whole-file read
    /// does not grow the buffer step by step.
    private mutating func bufferWholeFile() throws {
        guard !atEnd, let remaining = resources.remainingFileBytes() else { return }
        readWhole = true
        let needed = (end - start) + remaining + 1
        if resources.capacity - end < needed {
            if start > 0 {
                Platform.moveBytes(to: resources.buffer, from: resources.buffer + start, count: end - start)
                end -= start
                discarded += start
                start = 0
            }
            resources.grow(to: end + needed, keeping: end)
        }
    }

    /// Moves the unconsumed bytes to the front and reads more; returns how far the bytes moved.
    private mutating func fill() throws -> Int {
        guard !atEnd, resources.descriptor >= 0 else {
            atEnd = true
            return 0
        }
        let shift = start
        if shift > 0 {
            Platform.moveBytes(to: resources.buffer, from: resources.buffer + shift, count: end - shift)
            end -= shift
            discarded += shift
            start = 0
        }
        // Grow reads with the buffered data so that a long record or a large first batch costs O(log n) rescans.
        let want = max(options.bufferSize, end)
        if resources.capacity - end < want { resources.grow(to: end + want, keeping: end) }
        let goal = readWhole ? resources.capacity - end : want
        // A pipe returns at most a pipe buffer per read: once a record outgrows the read size, keep reading until
        // what is buffered doubles (or the input ends), so that a long record is rescanned a logarithmic number of
        // times from a pipe too. Shorter records take what one read gives, as soon as it arrives.
        let minimum = end >= options.bufferSize ? min(goal, end) : 1
        var added = 0
        while added < minimum {
            let count = try resources.read(into: end, count: goal - added)
            if count == 0 {
                atEnd = true
                resources.closeDescriptor()
                break
            }
            end += count
            added += count
        }
        return shift
    }
}

/// The reader's file descriptor and raw buffers, released when the last reader referring to them goes away.
final class CSVReaderResources {
    /// The open file, or -1 (memory input, or closed at the end of the file).
    private(set) var descriptor: Int32
    private(set) var buffer: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var spans: UnsafeMutablePointer<CSVFieldSpan>
    private(set) var spanCapacity: Int

    init(descriptor: Int32, capacity: Int) {
        self.descriptor = descriptor
        self.capacity = capacity
        self.buffer = .allocate(capacity: capacity)
        self.spanCapacity = 16
        self.spans = .allocate(capacity: spanCapacity)
    }

    deinit {
        closeDescriptor()
        buffer.deallocate()
        spans.deallocate()
    }

    func closeDescriptor() {
        if descriptor >= 0 { Platform.close(descriptor) }
        descriptor = -1
    }

    /// Reallocates the byte buffer to `newCapacity`, keeping the first `kept` bytes.
    func grow(to newCapacity: Int, keeping kept: Int) {
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.initialize(from: buffer, count: kept)
        buffer.deallocate()
        buffer = grown
        capacity = newCapacity
    }

    /// Makes room for at least `count` field spans; the old spans are not kept.
    func growSpans(to count: Int) {
        let newCapacity = max(count, spanCapacity * 2)
        spans.deallocate()
        spans = .allocate(capacity: newCapacity)
        spanCapacity = newCapacity
    }

    /// The bytes between the file offset and the end of a regular file, or `nil` when that is not known.
    func remainingFileBytes() -> Int? {
        guard descriptor >= 0 else { return nil }
        guard let status = Platform.status(descriptor), status.type == .regular else { return nil }
        let offset = Platform.offset(descriptor)
        guard offset >= 0 else { return nil }
        return max(0, status.size - offset)
    }

    /// Reads up to `count` bytes into the buffer at `offset`; 0 means end of file.
    func read(into offset: Int, count: Int) throws -> Int {
        var result: Int
        repeat {
            result = posixRead(descriptor, buffer + offset, count)
        } while result < 0 && Platform.errno == Platform.interrupted
        if result < 0 {
            let code = Platform.errno
            throw MLOpsError(.ioError, "reading the CSV file failed: \(Platform.describe(errno: code))")
        }
        return result
    }
}
