/// How ``CSVWriter`` and `Table.csvString` format CSV text.
///
/// The output is RFC 4180 and reads back with ``CSVReader`` using the same
/// delimiter. Fields are quoted only when needed: when they contain the
/// delimiter, a double quote, CR or LF, start or end with a space or tab, start
/// with a byte order mark, or are the empty string (an unquoted empty field
/// means "missing").
public struct CSVWriteOptions: Sendable, Hashable {
    /// The field separator: one ASCII character other than a double quote, CR or LF. Default `,`.
    public var delimiter: Character
    /// The record terminator. Default ``CSVLineEnding/lf``.
    public var lineEnding: CSVLineEnding
    /// Whether to write the column names as the first record. Default `true`.
    public var includeHeader: Bool

    /// Options with the defaults described on each property, changed where given.
    public init(delimiter: Character = ",", lineEnding: CSVLineEnding = .lf, includeHeader: Bool = true) {
        self.delimiter = delimiter
        self.lineEnding = lineEnding
        self.includeHeader = includeHeader
    }

    /// The delimiter as a byte, or an `invalidArgument` error.
    func delimiterByte() throws -> UInt8 {
        try Self.byte(of: delimiter)
    }

    /// `character` as a delimiter byte: one ASCII scalar, not a quote, CR or LF.
    static func byte(of character: Character) throws -> UInt8 {
        guard let ascii = character.asciiValue, character.unicodeScalars.count == 1,
            ascii != UInt8(ascii: "\""), ascii != 0x0A, ascii != 0x0D
        else {
            throw MLOpsError(
                .invalidArgument,
                "the CSV delimiter must be one ASCII character other than a double quote, CR or LF",
                value: String(character)
            )
        }
        return ascii
    }
}
