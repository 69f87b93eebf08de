import MLOpsCore
import Testing

/// RFC 4180 parsing cases and the reader's documented conventions.
struct CSVReaderTests {
    private func read(_ text: String, _ options: CSVReadOptions = CSVReadOptions()) throws -> Table {
        try Table.readCSV(string: text, options: options)
    }

    private func records(_ text: String, _ options: CSVReadOptions = CSVReadOptions()) throws -> [[String]] {
        var reader = try CSVReader(string: text, options: options)
        var result: [[String]] = []
        try reader.forEachRecord { result.append($0.fields) }
        return result
    }

    @Test func rfcRule1RecordsOnSeparateLinesCRLF() throws {
        let table = try read("aaa,bbb,ccc\r\nzzz,yyy,xxx\r\n", CSVReadOptions(hasHeader: false))
        #expect(table.rowCount == 2)
        #expect(table.columnNames == ["column1", "column2", "column3"])
        #expect(table["column1"] == .string("column1", ["aaa", "zzz"]))
        #expect(table["column3"] == .string("column3", ["ccc", "xxx"]))
    }

    @Test func rfcRule2LastRecordWithoutLineBreak() throws {
        let with = try read("a,b\n1,2\n3,4\n")
        let without = try read("a,b\n1,2\n3,4")
        #expect(with == without)
        #expect(with["b"] == .int("b", [2, 4]))
        #expect(try read("a,b\r\n1,2\r\n3,4") == with)
    }

    @Test func rfcRule3OptionalHeader() throws {
        let headed = try read("x,y\n1,2\n")
        #expect(headed.columnNames == ["x", "y"])
        #expect(headed.rowCount == 1)
        let bare = try read("x,y\n1,2\n", CSVReadOptions(hasHeader: false))
        #expect(bare.columnNames == ["column1", "column2"])
        #expect(bare.rowCount == 2)
        #expect(bare["column1"] == .string("column1", ["x", "1"]))
    }

    @Test func rfcRule4SpacesArePartOfFields() throws {
        let table = try read("a,b\n x , y\n")
        #expect(table["a"] == .string("a", [" x "]))
        #expect(table["b"] == .string("b", [" y"]))
        let padded = try read("n\n 1\n")
        #expect(padded["n"]?.type == .string)
    }

    @Test func rfcRule5QuotedAndUnquotedFields() throws {
        let table = try read("a,b,c\n\"aaa\",\"bbb\",ccc\n\"1\",2,\"3.5\"\n")
        #expect(table["a"] == .string("a", ["aaa", "1"]))
        #expect(table["b"] == .string("b", ["bbb", "2"]))
        #expect(table["c"] == .string("c", ["ccc", "3.5"]))
        let numbers = try read("a,b\n\"1\",\"2.5\"\n")
        #expect(numbers["a"] == .int("a", [1]))
        #expect(numbers["b"] == .double("b", [2.5]))
    }

    @Test func rfcRule6LineBreaksQuotesAndCommasInsideQuotes() throws {
        let text = "a,b\n\"line1\r\nline2\",\"x,y\"\n\"lf\nonly\",\"cr\ronly\"\n"
        let table = try read(text)
        #expect(table["a"] == .string("a", ["line1\r\nline2", "lf\nonly"]))
        #expect(table["b"] == .string("b", ["x,y", "cr\ronly"]))
    }

    @Test func rfcRule7DoubledQuotes() throws {
        let table = try read("a\n\"b\"\"bb\"\n\"\"\"\"\n\"x\"\"\"\n")
        #expect(table["a"] == .string("a", ["b\"bb", "\"", "x\""]))
        #expect(try records("a\n\"say \"\"hi\"\", ok\"\n") == [["say \"hi\", ok"]])
    }

    @Test func lineEndingsLFCRLFAndLoneCR() throws {
        let expected = try read("a,b\n1,x\n2,y\n")
        #expect(try read("a,b\r\n1,x\r\n2,y\r\n") == expected)
        #expect(try read("a,b\r1,x\r2,y\r") == expected)
        #expect(try read("a,b\r1,x\n2,y\r\n") == expected)
        #expect(try read("a,b\r1,x\r2,y") == expected)
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,v\n1,2\n".utf8)
        let table = try Table.readCSV(bytes: bytes)
        #expect(table.columnNames == ["id", "v"])
        let onlyMark = #expect(throws: MLOpsError.self) { try Table.readCSV(bytes: [0xEF, 0xBB, 0xBF]) }
        #expect(onlyMark?.message.hasPrefix("the input CSV is empty") == true)
    }

    @Test func customDelimiter() throws {
        let table = try read("a;b\n1,5;\"x;y\"\n", CSVReadOptions(delimiter: ";"))
        #expect(table["a"] == .string("a", ["1,5"]))
        #expect(table["b"] == .string("b", ["x;y"]))
        let tabs = try read("a\tb\n1\t2\n", CSVReadOptions(delimiter: "\t"))
        #expect(tabs["b"] == .int("b", [2]))
        let pipes = try read("a|b\n~|é\n", CSVReadOptions(delimiter: "|"))
        #expect(pipes["b"] == .string("b", ["é"]))
    }

    @Test func emptyFieldsAreMissing() throws {
        let table = try read("a,b,c\n1,,x\n,2,\n")
        #expect(table["a"] == .int("a", [1, nil]))
        #expect(table["b"] == .int("b", [nil, 2]))
        #expect(table["c"] == .string("c", ["x", nil]))
    }

    @Test func quotedEmptyIsEmptyStringInTextColumnsAndMissingElsewhere() throws {
        let table = try read("a,b\n\"\",1\nx,\"\"\n,2\n")
        #expect(table["a"] == .string("a", ["", "x", nil]))
        #expect(table["b"] == .int("b", [1, nil, 2]))
        let onlyEmpty = try read("a\n\"\"\n\n")
        #expect(onlyEmpty["a"] == .string("a", ["", nil]))
    }

    @Test func trailingDelimiterMakesAnEmptyLastField() throws {
        let table = try read("1,2,\n3,4,\n", CSVReadOptions(hasHeader: false))
        #expect(throws: MLOpsError(.parseError, "")) { try read("1,2,\n3,4\n", CSVReadOptions(hasHeader: false)) }
        #expect(table.columnCount == 3)
        #expect(table.columns[2].missingCount == 2)
    }

    @Test func nanIsAValueWhenAllowedAndMissingTokensAreConfigurable() throws {
        let text = "a,b\nNaN,NA\nnan,1\n1.5,NA\n"
        let table = try read(text, CSVReadOptions(missingTokens: ["NA"], allowNonFiniteNumbers: true))
        let a = try table.doubles(column: "a")
        #expect(a[0].isNaN && a[1].isNaN && a[2] == 1.5)
        #expect(table["a"]?.missingCount == 0)
        let rejected = #expect(throws: MLOpsError.self) { try read(text, CSVReadOptions(missingTokens: ["NA"])) }
        #expect(rejected?.message.hasPrefix("line 2, column 1 ('a'): \"NaN\" is not a finite number") == true)
        let asMissing = try read(text, CSVReadOptions(missingTokens: ["NA", "NaN", "nan"]))
        #expect(asMissing["a"] == .double("a", [nil, nil, 1.5]))
        #expect(table["b"] == .int("b", [nil, 1, nil]))
        let quoted = try read("b\n\"NA\"\nNA\n", CSVReadOptions(missingTokens: ["NA"]))
        #expect(quoted["b"] == .string("b", ["NA", nil]))
        let plain = try read("b\nNA\n")
        #expect(plain["b"] == .string("b", ["NA"]))
    }

    @Test func blankLinesAreSkippedOnlyWithSeveralColumns() throws {
        let table = try read("a,b\n1,2\n\n3,4\n\n")
        #expect(table["a"] == .int("a", [1, 3]))
        let single = try read("a\n1\n\n3\n\n")
        #expect(single["a"] == .int("a", [1, nil, 3, nil]))
    }

    @Test func headerOnlyAndEmptyInput() throws {
        let headerOnly = try read("a,b\n")
        #expect(headerOnly.columnNames == ["a", "b"])
        #expect(headerOnly.rowCount == 0)
        #expect(headerOnly.schema == TableSchema(["a": .double, "b": .double]))
        for options in [CSVReadOptions(), CSVReadOptions(hasHeader: false)] {
            let empty = #expect(throws: MLOpsError.self) { try read("", options) }
            #expect(empty?.code == .parseError)
            #expect(empty?.message.hasPrefix("the input CSV is empty") == true)
        }
        let empty = #expect(throws: MLOpsError.self) { _ = try CSVReader(path: "/dev/null") }
        #expect(empty?.message.hasPrefix("the input CSV is empty") == true)
        // With a schema, an empty input is a table of those columns with no rows.
        let schema = TableSchema(["a": .int, "b": .string])
        #expect(try read("", CSVReadOptions(schema: schema)).schema == schema)
        #expect(try read("", CSVReadOptions(hasHeader: false, schema: schema)).rowCount == 0)
        var reader = try CSVReader(string: "a,b\n")
        #expect(try reader.nextBatch(maxRows: 10) == nil)
    }

    @Test func unicodeFieldsAndHeaders() throws {
        let table = try read("名前,émoji\n\"漢字, かな\",😀\nÅngström,\"🇸🇪\"\n")
        #expect(table.columnNames == ["名前", "émoji"])
        #expect(table["名前"] == .string("名前", ["漢字, かな", "Ångström"]))
        #expect(table["émoji"] == .string("émoji", ["😀", "🇸🇪"]))
    }

    @Test func schemaWithoutHeaderNamesColumns() throws {
        let schema = TableSchema(["id": .int, "score": .float])
        let table = try read("1,0.5\n2,\n", CSVReadOptions(hasHeader: false, schema: schema))
        #expect(table == (try Table(columns: [.int("id", [1, 2]), .float("score", [0.5, nil])])))
        let headed = try read("id,score\n3,1e-3\n", CSVReadOptions(schema: schema))
        #expect(headed["score"] == .float("score", [1e-3]))
    }

    @Test func forEachRecordStreamsRawText() throws {
        var reader = try CSVReader(string: "a,b\n1,\"x\"\"y\"\n\n,\"\"\n\"multi\nline\",z\n")
        #expect(reader.columnNames == ["a", "b"])
        var seen: [CSVRecord] = []
        try reader.forEachRecord { seen.append($0) }
        #expect(
            seen == [
                CSVRecord(line: 2, fields: ["1", "x\"y"]),
                CSVRecord(line: 4, fields: ["", ""]),
                CSVRecord(line: 5, fields: ["multi\nline", "z"]),
            ]
        )
    }

    @Test func readerReportsSchemaAfterFirstBatch() throws {
        var reader = try CSVReader(string: "a,b\n1,x\n2,y\n3,z\n")
        #expect(reader.schema == nil)
        let first = try #require(try reader.nextBatch(maxRows: 2))
        #expect(first.rowCount == 2)
        #expect(reader.schema == TableSchema(["a": .int, "b": .string]))
        let second = try #require(try reader.nextBatch(maxRows: 2))
        #expect(second["a"] == .int("a", [3]))
        #expect(try reader.nextBatch(maxRows: 2) == nil)
        #expect(try reader.readAll().rowCount == 0)
    }

    @Test func readFromFile() throws {
        let path = try CSVTestFiles.path("read.csv")
        defer { CSVTestFiles.remove(path) }
        let table = try Table(columns: [.int("a", [1, 2]), .string("b", ["x", "y,z"])])
        try table.writeCSV(path: path)
        #expect(try Table.readCSV(path: path) == table)
        #expect(throws: MLOpsError(.notFound, "")) { try Table.readCSV(path: path + ".does-not-exist") }
    }
}
