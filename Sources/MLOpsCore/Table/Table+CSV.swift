extension Table {
    /// Reads a whole CSV file into a table (see ``CSVReader`` for the parsing rules).
    ///
    /// Column types are inferred from all rows (or ``CSVReadOptions/inferenceRowLimit``) unless given; the file
    /// is held in memory while it is parsed. For files larger than memory use ``CSVReader/nextBatch(maxRows:)``.
    /// - Throws: `MLOpsError.parseError` (with line and column; also for an empty file), `limitExceeded` (a record
    ///   or field over the limits in ``CSVReadOptions``), `notFound` / `ioError`, `invalidArgument`.
    public static func readCSV(path: String, options: CSVReadOptions = CSVReadOptions()) throws -> Table {
        var reader = try CSVReader(path: path, options: options)
        return try reader.readAll()
    }

    /// Reads CSV text into a table (see ``readCSV(path:options:)``).
    public static func readCSV(string: String, options: CSVReadOptions = CSVReadOptions()) throws -> Table {
        var reader = try CSVReader(string: string, options: options)
        return try reader.readAll()
    }

    /// Reads CSV bytes (UTF-8) into a table (see ``readCSV(path:options:)``).
    public static func readCSV(bytes: [UInt8], options: CSVReadOptions = CSVReadOptions()) throws -> Table {
        var reader = try CSVReader(bytes: bytes, options: options)
        return try reader.readAll()
    }

    /// The table as CSV text with the default options: comma, LF line ends, a header row.
    public func csvString() -> String {
        (try? csvString(options: CSVWriteOptions())) ?? ""
    }

    /// The table as CSV text (see ``CSVWriter`` for how values are written).
    /// - Throws: `MLOpsError.invalidArgument` for a bad delimiter.
    public func csvString(options: CSVWriteOptions) throws -> String {
        String(decoding: try CSVWriter.encode(self, options: options), as: UTF8.self)
    }

    /// The table as CSV bytes (see ``CSVWriter`` for how values are written).
    /// - Throws: `MLOpsError.invalidArgument` for a bad delimiter.
    public func csvBytes(options: CSVWriteOptions = CSVWriteOptions()) throws -> [UInt8] {
        try CSVWriter.encode(self, options: options)
    }

    /// Writes the table to a CSV file at `path`, replacing any file there.
    /// - Throws: `MLOpsError.ioError` when the file cannot be written, `invalidArgument` for a bad delimiter.
    public func writeCSV(path: String, options: CSVWriteOptions = CSVWriteOptions()) throws {
        var writer = try CSVWriter(path: path, options: options)
        try writer.write(self)
        try writer.close()
    }
}
