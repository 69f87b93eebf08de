/// How ``CSVReader`` and `Table.readCSV` parse CSV text.
///
/// The defaults read RFC 4180 files: comma-separated, a header row, double
/// quotes, LF / CRLF / CR line ends, an optional UTF-8 byte order mark.
///
/// ```swift
/// var options = CSVReadOptions()
/// options.delimiter = ";"
/// options.missingTokens = ["NA"]
/// options.columnTypes = ["zip": .string]
/// let table = try Table.readCSV(path: "data.csv", options: options)
/// ```
public struct CSVReadOptions: Sendable, Hashable {
    /// The field separator: one ASCII character other than a double quote, CR or LF. Default `,`.
    public var delimiter: Character
    /// Whether the first record holds the column names. Without a header, columns are named
    /// `column1`, `column2`, … Default `true`.
    public var hasHeader: Bool
    /// Unquoted field texts, besides the empty field, that mean "missing" (e.g. `"NA"`). Quoted fields are
    /// always values. `"NaN"` is not missing by default: it reads as a `Double` NaN. Default none.
    public var missingTokens: Set<String>
    /// Element types for named columns, overriding inference. A value that does not convert is a `parseError`
    /// naming its line and column. Every name must be a column of the file.
    public var columnTypes: [String: ColumnType]
    /// The complete schema, when known in advance: no inference, and with a header the header names must equal
    /// the schema names in order. Without a header the schema names the columns.
    public var schema: TableSchema?
    /// How many data rows type inference looks at; `nil` means all rows of a one-shot read, and the first batch
    /// of a streaming read. Rows past the limit must convert to the inferred types.
    public var inferenceRowLimit: Int?
    /// How many bytes a streaming read asks the operating system for at a time. Default 1 MiB.
    public var bufferSize: Int
    /// The largest record (one row, in bytes) accepted; guards against an unterminated quote swallowing a huge
    /// file. Default 256 MiB.
    public var maxRecordBytes: Int

    /// Options with the defaults described on each property, changed where given.
    public init(
        delimiter: Character = ",",
        hasHeader: Bool = true,
        missingTokens: Set<String> = [],
        columnTypes: [String: ColumnType] = [:],
        schema: TableSchema? = nil,
        inferenceRowLimit: Int? = nil,
        bufferSize: Int = 1 << 20,
        maxRecordBytes: Int = 256 << 20
    ) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.missingTokens = missingTokens
        self.columnTypes = columnTypes
        self.schema = schema
        self.inferenceRowLimit = inferenceRowLimit
        self.bufferSize = bufferSize
        self.maxRecordBytes = maxRecordBytes
    }

    /// The delimiter as a byte, or an `invalidArgument` error.
    func delimiterByte() throws -> UInt8 {
        try CSVWriteOptions.byte(of: delimiter)
    }
}
