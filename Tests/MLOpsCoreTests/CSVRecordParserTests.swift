import MLOpsCore
import Testing

/// The package API that DataVersioning's table diff reads CSV through: records in place with their byte offsets,
/// records scanned again at those offsets, and type inference over visited records.
@Suite struct CSVRecordParserTests {
    /// Each record's fields as text, with its line and offset, from `forEachRecordView`.
    private func views(_ reader: inout CSVReader) throws -> [(line: Int, offset: Int, fields: [String])] {
        var found: [(line: Int, offset: Int, fields: [String])] = []
        var scratch: [UInt8] = []
        try reader.forEachRecordView { record in
            let fields = (0..<record.fieldCount).map { record.text($0, scratch: &scratch) ?? "<invalid>" }
            found.append((record.line, record.offset, fields))
        }
        return found
    }

    @Test func recordViewsCarryTheirOffsetsAndTheParserReadsThemAgain() throws {
        let text = "\u{FEFF}id,note\r\n1,\"two\nlines\"\r\n\r\n2,\"say \"\"hi\"\"\"\n3,plain"
        let bytes = Array(text.utf8)
        var reader = try CSVReader(bytes: bytes)
        let records = try views(&reader)
        #expect(records.map(\.fields) == [["1", "two\nlines"], ["2", "say \"hi\""], ["3", "plain"]])
        #expect(records.map(\.line) == [2, 5, 6])
        // Offsets count from the first byte of the input, the byte order mark included.
        #expect(records.first?.offset == 12)
        for record in records { #expect(bytes[record.offset] == record.fields[0].utf8.first) }
        let parser = try CSVRecordParser(options: CSVReadOptions())
        var scratch: [UInt8] = []
        for record in records.reversed() {
            let again = try bytes.withUnsafeBufferPointer { buffer in
                try parser.withRecord(in: buffer, at: record.offset, line: record.line) { view in
                    (view.line, (0..<view.fieldCount).map { view.text($0, scratch: &scratch) })
                }
            }
            #expect(again.0 == record.line)
            #expect(again.1 == record.fields)
        }
        // withField gives the unescaped bytes, copying only a field with doubled quotes.
        try bytes.withUnsafeBufferPointer { buffer in
            try parser.withRecord(in: buffer, at: records[1].offset, line: 5) { view in
                #expect(view.isQuoted(1) && !view.isQuoted(0))
                #expect(view.withField(1, scratch: &scratch) { Array($0) } == Array("say \"hi\"".utf8))
            }
        }
    }

    @Test func offsetsStayAbsoluteWhenAFileIsReadInSmallChunks() throws {
        var lines = ["a,b"]
        for row in 0..<2_000 { lines.append("\(row),\"v \(row)\nnext\"") }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let path = try CSVTestFiles.path("offsets.csv")
        defer { CSVTestFiles.remove(path) }
        try CSVTestFiles.write(bytes, to: path)
        var options = CSVReadOptions()
        options.bufferSize = 97
        var fromFile = try CSVReader(path: path, options: options)
        var fromMemory = try CSVReader(bytes: bytes)
        let streamed = try views(&fromFile)
        let inMemory = try views(&fromMemory)
        #expect(streamed.count == 2_000)
        #expect(streamed.map(\.offset) == inMemory.map(\.offset))
        #expect(streamed.map(\.line) == inMemory.map(\.line))
        let parser = try CSVRecordParser(options: options)
        var scratch: [UInt8] = []
        for record in streamed where record.line % 97 == 0 || record.offset == streamed.last?.offset {
            let fields = try bytes.withUnsafeBufferPointer { buffer in
                try parser.withRecord(in: buffer, at: record.offset, line: record.line) { view in
                    (0..<view.fieldCount).map { view.text($0, scratch: &scratch) }
                }
            }
            #expect(fields == record.fields)
        }
    }

    @Test func theParserRejectsOffsetsThatAreNotRecords() throws {
        let bytes = Array("a,b\n1,\"x\n".utf8)
        let parser = try CSVRecordParser(options: CSVReadOptions())
        bytes.withUnsafeBufferPointer { buffer in
            for offset in [-1, bytes.count, bytes.count + 10, Int.max] {
                #expect(throws: MLOpsError.invalidArgument) {
                    try parser.withRecord(in: buffer, at: offset, line: 1) { _ in () }
                }
            }
            // An unterminated quote is the scanner's parse error, as in a read.
            #expect(throws: MLOpsError.parseError) {
                try parser.withRecord(in: buffer, at: 4, line: 2) { _ in () }
            }
            // Any offset inside the bytes gives a record or an error, never a crash.
            for offset in 0..<bytes.count {
                _ = try? parser.withRecord(in: buffer, at: offset, line: 1) { $0.fieldCount }
            }
        }
        #expect(throws: MLOpsError.invalidArgument) { try CSVRecordParser(options: CSVReadOptions(delimiter: "\"")) }
        // A record wider than the parser's first span buffer.
        let wide = Array(((0..<100).map(String.init).joined(separator: ",") + "\n").utf8)
        let count = try wide.withUnsafeBufferPointer { buffer in
            try parser.withRecord(in: buffer, at: 0, line: 1) { $0.fieldCount }
        }
        #expect(count == 100)
    }

    @Test func typeInferenceOverViewsMatchesARead() throws {
        var random = CSVTestRandom(seed: 77)
        let table = CSVTestTables.random(rows: 400, random: &random)
        let bytes = try table.csvBytes()
        var options = CSVReadOptions()
        options.allowNonFiniteNumbers = true
        options.missingTokens = ["NA"]
        let expected = try Table.readCSV(bytes: bytes, options: options).schema
        var reader = try CSVReader(bytes: bytes, options: options)
        var inference = reader.typeInference()
        try reader.forEachRecordView { inference.observe($0) }
        #expect(inference.schema == expected)

        // A column of missing values is `double` only by default; overrides and a given schema decide it.
        var empty = try CSVReader(string: "a,b,c\n1,,x\n2,NA,\n", options: options)
        var guesses = empty.typeInference()
        try empty.forEachRecordView { guesses.observe($0) }
        #expect(guesses.schema == TableSchema(["a": .int, "b": .double, "c": .string]))
        #expect(guesses.isDetermined(0) && !guesses.isDetermined(1) && guesses.isDetermined(2))
        #expect(!guesses.isDetermined(3) && !guesses.isDetermined(-1))
        options.columnTypes = ["b": .string]
        var overridden = try CSVReader(string: "a,b,c\n1,,\n", options: options)
        var decided = overridden.typeInference()
        try overridden.forEachRecordView { decided.observe($0) }
        #expect(decided.schema == TableSchema(["a": .int, "b": .string, "c": .double]))
        #expect(decided.isDetermined(0) && decided.isDetermined(1) && !decided.isDetermined(2))
        options.schema = TableSchema(["a": .float, "b": .bool, "c": .int])
        var given = try CSVReader(string: "a,b,c\n1,,\n", options: options)
        var fixed = given.typeInference()
        try given.forEachRecordView { fixed.observe($0) }
        #expect(fixed.schema == TableSchema(["a": .float, "b": .string, "c": .int]))
        #expect(fixed.isDetermined(2))
    }
}
