/// Scans single records of CSV bytes held in memory again, at the offsets a ``CSVReader`` pass reported
/// (``CSVRecordView/offset``): random access for a caller that indexes a file in one pass and then looks back at
/// some of its records, such as DataVersioning's table diff.
///
/// Parse with the options the pass used; a record that pass accepted scans the same way again.
package final class CSVRecordParser {
    private let scanner: CSVScanner
    private var spans: UnsafeMutablePointer<CSVFieldSpan>
    private var capacity: Int

    /// A parser for CSV written with `options`' delimiter and limits.
    /// - Throws: `invalidArgument` for a bad delimiter.
    package init(options: CSVReadOptions) throws {
        scanner = CSVScanner(
            delimiter: try options.delimiterByte(),
            maxFields: max(options.maxColumns, 1),
            maxFieldBytes: max(options.maxFieldBytes, 1)
        )
        capacity = 16
        spans = .allocate(capacity: capacity)
    }

    deinit { spans.deallocate() }

    /// Scans the record that starts at `offset` in `bytes` (the whole input) and calls `body` with it.
    ///
    /// `line` is the record's line, for the view and for error messages.
    /// - Throws: `parseError` or `limitExceeded` when the bytes at `offset` are not a valid record, `invalidArgument`
    ///   when `offset` is outside `bytes`; what `body` throws.
    package func withRecord<Result>(
        in bytes: UnsafeBufferPointer<UInt8>, at offset: Int, line: Int, _ body: (CSVRecordView) throws -> Result
    ) throws -> Result {
        guard offset >= 0 && offset < bytes.count else {
            throw MLOpsError(
                .invalidArgument, "the record offset is outside the CSV bytes (\(bytes.count) bytes)",
                value: String(offset))
        }
        while true {
            let result = try scanner.scanRecord(
                bytes, from: offset, isFinal: true, spans: spans, capacity: capacity, line: line, names: [])
            guard case .record(_, let fieldCount, _) = result else {
                throw MLOpsError(.invalidArgument, "no CSV record starts at this offset", value: String(offset))
            }
            if fieldCount > capacity {
                spans.deallocate()
                capacity = max(fieldCount, capacity * 2)
                spans = .allocate(capacity: capacity)
                continue
            }
            return try body(
                CSVRecordView(bytes: bytes, spans: spans, fieldCount: fieldCount, line: line, offset: offset))
        }
    }
}
