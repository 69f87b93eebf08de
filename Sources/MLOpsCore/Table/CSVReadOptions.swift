/// How ``CSVReader`` and `Table.readCSV` parse CSV text.
///
/// The defaults read RFC 4180 files: comma-separated, a header row, double
/// quotes, LF / CRLF / CR line ends, an optional UTF-8 byte order mark.
/// Hostile input is bounded: at most ``maxColumns`` fields per record, ``maxFieldBytes`` per field and
/// ``maxRecordBytes`` per record, each checked while scanning (`limitExceeded`, naming the line). Numbers
/// must be finite and in range unless ``allowNonFiniteNumbers`` / ``allowOutOfRangeNumbers`` say otherwise.
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
    /// always values. `"NaN"` is not missing by default (see ``allowNonFiniteNumbers``); list it here to read it
    /// as missing. Default none.
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
    /// The most fields a record (the header included) may have; a record with more is a `limitExceeded` error
    /// naming its line, found while scanning, before the fields are stored. Default 65,536: four times Excel's
    /// 16,384 columns, enough for wide data such as gene-expression tables, and it bounds the per-column memory a
    /// hostile header can claim to a few MiB.
    public var maxColumns: Int
    /// The largest field accepted, in bytes as written in the file (between the quotes of a quoted field, doubled
    /// quotes counted as two bytes); a longer
    /// field is a `limitExceeded` error naming its line and column, found while scanning, so the reader never
    /// buffers much more than this for one field. Default 16 MiB.
    public var maxFieldBytes: Int
    /// Whether the literals `nan`, `inf` and `infinity` (any letter case, optionally signed) read as NaN and
    /// infinities in `double` and `float` columns. By default they are a `parseError` naming the line and column:
    /// a non-finite number in input data is more often an upstream bug than a measurement. They still count as
    /// numbers for type inference, so a numeric column holding one fails rather than silently becoming text;
    /// a column that also holds other text is a `string` column and keeps them as text. ``CSVWriter`` writes NaN
    /// and infinities as `NaN`, `inf` and `-inf`: read such a file back with this option set. Default `false`.
    public var allowNonFiniteNumbers: Bool
    /// Whether numbers outside the range of the column's type are accepted, rounded: a finite number whose
    /// magnitude overflows to infinity (`1e999`), a non-zero number that underflows to zero (`1e-400`), or a number
    /// written with more than 767 significant digits (the most any `Double`'s exact decimal value has).
    /// By default each is a `parseError` naming the line and column. Like non-finite literals, they count as
    /// numbers for type inference. Default `false`.
    public var allowOutOfRangeNumbers: Bool

    /// Options with the defaults described on each property, changed where given.
    public init(
        delimiter: Character = ",",
        hasHeader: Bool = true,
        missingTokens: Set<String> = [],
        columnTypes: [String: ColumnType] = [:],
        schema: TableSchema? = nil,
        inferenceRowLimit: Int? = nil,
        bufferSize: Int = 1 << 20,
        maxRecordBytes: Int = 256 << 20,
        maxColumns: Int = 65_536,
        maxFieldBytes: Int = 16 << 20,
        allowNonFiniteNumbers: Bool = false,
        allowOutOfRangeNumbers: Bool = false
    ) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.missingTokens = missingTokens
        self.columnTypes = columnTypes
        self.schema = schema
        self.inferenceRowLimit = inferenceRowLimit
        self.bufferSize = bufferSize
        self.maxRecordBytes = maxRecordBytes
        self.maxColumns = maxColumns
        self.maxFieldBytes = maxFieldBytes
        self.allowNonFiniteNumbers = allowNonFiniteNumbers
        self.allowOutOfRangeNumbers = allowOutOfRangeNumbers
    }

    /// The delimiter as a byte, or an `invalidArgument` error.
    func delimiterByte() throws -> UInt8 {
        try CSVWriteOptions.byte(of: delimiter)
    }

    /// Which numbers outside the finite range of their type are accepted.
    var numberPolicy: CSVNumberParsing.Policy {
        CSVNumberParsing.Policy(allowNonFinite: allowNonFiniteNumbers, allowOutOfRange: allowOutOfRangeNumbers)
    }
}
