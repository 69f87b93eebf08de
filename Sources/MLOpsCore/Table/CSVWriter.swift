private func posixClose(_ descriptor: Int32) -> Int32 { Platform.close(descriptor) }

private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    Platform.write(descriptor, UnsafeRawBufferPointer(start: bytes, count: count))
}

/// Writes ``Table``s as CSV (RFC 4180) to a file, batch by batch, or encodes a table in memory.
///
/// Values are written so that ``CSVReader`` reads them back exactly:
/// - `Double` / `Float`: the shortest text that round-trips (Swift's `description`), e.g. `0.1`, `1e+308`,
///   `5e-324`, `-0.0`; NaN as `NaN`, infinities as `inf` and `-inf`;
/// - integers in decimal, booleans as `true` / `false`;
/// - strings as they are, quoted only when needed (see ``CSVWriteOptions``); the empty string as `""`;
/// - missing values as an empty field.
///
/// CSV carries no types, so reading back infers them; to get exactly the original
/// column types (a `float` column, or text that looks like numbers) read with
/// ``CSVReadOptions/schema`` set to the table's ``Table/schema``.
///
/// ```swift
/// var writer = try CSVWriter(path: "out.csv")
/// for batch in batches { try writer.write(batch) }
/// try writer.close()
/// ```
///
/// The writer is noncopyable and buffers output; call ``close()`` to flush and see any error. A writer dropped
/// without `close()` flushes and closes on a best-effort basis.
public struct CSVWriter: ~Copyable, Sendable {
    private let options: CSVWriteOptions
    private let delimiter: UInt8
    private let path: String
    private var descriptor: Int32
    private var output: [UInt8] = []
    /// The schema of the first batch; later batches must match it.
    private var schema: TableSchema?

    /// Bytes buffered before they are written to the file.
    private static let flushThreshold = 1 << 20
    /// Rows encoded per column pass.
    private static let rowsPerChunk = 4096

    /// A writer that creates (or truncates) the file at `path`.
    /// - Throws: `MLOpsError.invalidArgument` for a bad delimiter, `ioError` when the file cannot be created.
    public init(path: String, options: CSVWriteOptions = CSVWriteOptions()) throws {
        let delimiter = try options.delimiterByte()
        let descriptor = Platform.open(path, [.writeOnly, .create, .truncate], mode: 0o644)
        guard descriptor >= 0 else {
            let code = Platform.errno
            throw MLOpsError(
                .ioError,
                "cannot create the CSV file: \(Platform.describe(errno: code))",
                value: path
            )
        }
        self.options = options
        self.delimiter = delimiter
        self.path = path
        self.descriptor = descriptor
        self.output.reserveCapacity(Self.flushThreshold + (64 << 10))
    }

    deinit {
        if descriptor >= 0 {
            try? Self.writeAll(output, to: descriptor, path: path)
            _ = posixClose(descriptor)
        }
    }

    /// Appends the rows of `table`; the first call also writes the header (if ``CSVWriteOptions/includeHeader``).
    /// - Throws: `MLOpsError.invalidArgument` when the schema differs from the first batch's,
    ///   `invalidState` after ``close()``, `ioError` when writing fails.
    public mutating func write(_ table: Table) throws {
        guard descriptor >= 0 else {
            throw MLOpsError(.invalidState, "the CSV writer is closed", value: path)
        }
        if let schema {
            guard schema == table.schema else {
                throw MLOpsError(
                    .invalidArgument,
                    "every batch written to one CSV file must have the schema \(schema)",
                    value: table.schema.description
                )
            }
        } else {
            schema = table.schema
            if options.includeHeader { Self.appendHeader(table, to: &output, options: options, delimiter: delimiter) }
        }
        var row = 0
        while row < table.rowCount {
            let upper = min(table.rowCount, row + Self.rowsPerChunk)
            Self.appendRows(table, row..<upper, to: &output, options: options, delimiter: delimiter)
            row = upper
            if output.count >= Self.flushThreshold { try flush() }
        }
    }

    /// Writes buffered bytes and closes the file. Calling it again does nothing.
    /// - Throws: `MLOpsError.ioError` when writing or closing fails.
    public mutating func close() throws {
        guard descriptor >= 0 else { return }
        let descriptor = self.descriptor
        self.descriptor = -1
        defer { output = [] }
        do {
            try Self.writeAll(output, to: descriptor, path: path)
        } catch {
            _ = posixClose(descriptor)
            throw error
        }
        if posixClose(descriptor) != 0 {
            let code = Platform.errno
            throw MLOpsError(.ioError, "closing the CSV file failed: \(Platform.describe(errno: code))", value: path)
        }
    }

    private mutating func flush() throws {
        try Self.writeAll(output, to: descriptor, path: path)
        output.removeAll(keepingCapacity: true)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { raw in
            guard var base = raw.baseAddress else { return }
            var remaining = raw.count
            while remaining > 0 {
                let written = posixWrite(descriptor, base, remaining)
                if written < 0 {
                    let code = Platform.errno
                    if code == Platform.interrupted { continue }
                    throw MLOpsError(
                        .ioError,
                        "writing the CSV file failed: \(Platform.describe(errno: code))",
                        value: path
                    )
                }
                remaining -= written
                base += written
            }
        }
    }

    // MARK: - Encoding

    /// The CSV bytes for `table`.
    /// - Throws: `MLOpsError.invalidArgument` for a bad delimiter.
    public static func encode(_ table: Table, options: CSVWriteOptions = CSVWriteOptions()) throws -> [UInt8] {
        let delimiter = try options.delimiterByte()
        var output: [UInt8] = []
        if options.includeHeader { appendHeader(table, to: &output, options: options, delimiter: delimiter) }
        appendRows(table, 0..<table.rowCount, to: &output, options: options, delimiter: delimiter)
        return output
    }

    /// The text the writer uses for a `Double`: shortest round-trip, `NaN`, `inf`, `-inf`.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return value.description
    }

    /// The text the writer uses for a `Float`: shortest round-trip (as a `Float`), `NaN`, `inf`, `-inf`.
    public static func format(_ value: Float) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return value.description
    }

    private static func appendHeader(
        _ table: Table, to output: inout [UInt8], options: CSVWriteOptions, delimiter: UInt8
    ) {
        guard table.columnCount > 0 else { return }
        for (index, name) in table.columnNames.enumerated() {
            if index > 0 { output.append(delimiter) }
            appendText(name, to: &output, delimiter: delimiter)
        }
        output.append(contentsOf: options.lineEnding.bytes)
    }

    /// Encodes `rows` column by column into cells, then interleaves the cells into records.
    private static func appendRows(
        _ table: Table, _ rows: Range<Int>, to output: inout [UInt8], options: CSVWriteOptions, delimiter: UInt8
    ) {
        guard table.columnCount > 0, !rows.isEmpty else { return }
        // Cell (column c, row r) ends at ends[c * rowCount + r] in cells and starts where the previous cell ends.
        var cells: [UInt8] = []
        var ends: [Int] = []
        cells.reserveCapacity(rows.count * table.columnCount * 8)
        ends.reserveCapacity(rows.count * table.columnCount)
        for column in table.columns {
            encodeCells(column, rows, delimiter: delimiter, cells: &cells, ends: &ends)
        }
        let lineEnding = options.lineEnding.bytes
        let rowCount = rows.count
        let columnCount = table.columnCount
        output.reserveCapacity(output.count + cells.count + rowCount * (columnCount + lineEnding.count))
        cells.withUnsafeBufferPointer { cells in
            ends.withUnsafeBufferPointer { ends in
                for row in 0..<rowCount {
                    for column in 0..<columnCount {
                        if column > 0 { output.append(delimiter) }
                        let index = column * rowCount + row
                        let start = index == 0 ? 0 : ends[index - 1]
                        output.append(contentsOf: UnsafeBufferPointer(rebasing: cells[start..<ends[index]]))
                    }
                    output.append(contentsOf: lineEnding)
                }
            }
        }
    }

    /// Appends the encoded cells of `rows` of one column to `cells`, and each cell's end offset to `ends`.
    private static func encodeCells(
        _ column: Column, _ rows: Range<Int>, delimiter: UInt8, cells: inout [UInt8], ends: inout [Int]
    ) {
        let missing = column.missing
        let anyMissing = missing.hasMissing
        switch column.storage {
        case .double(let values):
            for row in rows {
                if !anyMissing || !missing[row] { appendText(format(values[row]), unquotedTo: &cells) }
                ends.append(cells.count)
            }
        case .float(let values):
            for row in rows {
                if !anyMissing || !missing[row] { appendText(format(values[row]), unquotedTo: &cells) }
                ends.append(cells.count)
            }
        case .int(let values):
            for row in rows {
                if !anyMissing || !missing[row] { appendInteger(values[row], to: &cells) }
                ends.append(cells.count)
            }
        case .bool(let values):
            for row in rows {
                if !anyMissing || !missing[row] { cells.append(contentsOf: values[row] ? trueBytes : falseBytes) }
                ends.append(cells.count)
            }
        case .string(let values):
            for row in rows {
                if !anyMissing || !missing[row] { appendText(values[row], to: &cells, delimiter: delimiter) }
                ends.append(cells.count)
            }
        }
    }

    private static let trueBytes: [UInt8] = Array("true".utf8)
    private static let falseBytes: [UInt8] = Array("false".utf8)

    /// Appends the UTF-8 bytes of `text` as they are.
    @inline(__always)
    private static func appendText(_ text: String, unquotedTo output: inout [UInt8]) {
        var text = text
        text.withUTF8 { output.append(contentsOf: $0) }
    }

    private static func appendInteger(_ value: Int64, to output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                scratch[23 - count] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
                magnitude /= 10
                count += 1
            } while magnitude > 0
            output.append(contentsOf: scratch[(24 - count)..<24])
        }
    }

    /// Appends `text`, quoted (with quotes doubled) when it contains the delimiter, a quote, CR or LF, starts or
    /// ends with a space or tab, starts with a byte order mark, or is empty.
    private static func appendText(_ text: String, to output: inout [UInt8], delimiter: UInt8) {
        let utf8 = text.utf8
        guard needsQuotes(utf8, delimiter: delimiter) else {
            output.append(contentsOf: utf8)
            return
        }
        output.append(CSVScanner.quote)
        for byte in utf8 {
            output.append(byte)
            if byte == CSVScanner.quote { output.append(CSVScanner.quote) }
        }
        output.append(CSVScanner.quote)
    }

    private static func needsQuotes(_ utf8: String.UTF8View, delimiter: UInt8) -> Bool {
        guard let first = utf8.first, let last = utf8.last else { return true }
        if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 || first == 0xEF { return true }
        for byte in utf8
        where byte == delimiter || byte == CSVScanner.quote || byte == CSVScanner.lineFeed
            || byte == CSVScanner.carriageReturn
        {
            return true
        }
        return false
    }
}
