import MLOpsCore
import Testing

/// Every malformed input gives a `parseError` whose message names the line and column.
struct CSVErrorTests {
    /// The error thrown by reading `text` in one go; fails the test when nothing (or something else) is thrown.
    private func failure(
        _ text: String, _ options: CSVReadOptions = CSVReadOptions(), sourceLocation: SourceLocation = #_sourceLocation
    ) -> MLOpsError? {
        #expect(throws: MLOpsError.self, sourceLocation: sourceLocation) {
            try Table.readCSV(string: text, options: options)
        }
    }

    @Test func unterminatedQuoteSaysWhereItStarted() throws {
        let error = try #require(failure("a,b\n1,2\n3,\"abc\n4,5\n6,7\n"))
        #expect(error.code == .parseError)
        #expect(error.message.hasPrefix("line 3, column 2 ('b'):"))
        #expect(error.message.contains("never closed"))
        #expect(error.value?.hasPrefix("abc") == true)
        let inHeader = try #require(failure("\"a,b\n1,2\n"))
        #expect(inHeader.message.hasPrefix("line 1, column 1:"))
    }

    @Test func strayQuoteInUnquotedField() throws {
        let error = try #require(failure("a,b\n1,2\n3,ab\"c\n"))
        #expect(error.code == .parseError)
        #expect(error.message.hasPrefix("line 3, column 2 ('b'):"))
        #expect(error.message.contains("double quote inside an unquoted field"))
    }

    @Test func characterAfterClosingQuote() throws {
        let error = try #require(failure("a,b\n\"x\"y,1\n"))
        #expect(error.message.hasPrefix("line 2, column 1 ('a'):"))
        #expect(error.value == "y")
    }

    @Test func wrongFieldCountNamesTheLine() throws {
        var text = "a,b,c,d,e\n"
        for row in 2...16 { text += "\(row),1,2,3,4\n" }
        text += "17,1,2,3\n18,1,2,3,4\n"
        let error = try #require(failure(text))
        #expect(error.message.hasPrefix("line 17: expected 5 fields, found 4"))
        let tooMany = try #require(failure("a,b\n1,2,3\n"))
        #expect(tooMany.message.hasPrefix("line 2: expected 2 fields, found 3"))
    }

    @Test func lineNumbersCountLineBreaksInsideQuotes() throws {
        let afterMultiline = try #require(failure("a,b\n\"x\ny\r\nz\",1\n1,2,3\n"))
        #expect(afterMultiline.message.hasPrefix("line 5: expected 2 fields, found 3"))
        let insideRecord = try #require(
            failure("a,b,c\n\"two\nlines\",\"more\nlines\",zz\n", CSVReadOptions(columnTypes: ["c": .int]))
        )
        #expect(insideRecord.message.hasPrefix("line 4, column 3 ('c'):"))
        let crOnly = try #require(failure("a\r1\r\"x\ry\"z\r"))
        #expect(crOnly.message.hasPrefix("line 4, column 1 ('a'):"))
    }

    @Test func valueThatDoesNotConvertToTheOverride() throws {
        let error = try #require(failure("a,b\n1,x\n1.5,y\n", CSVReadOptions(columnTypes: ["a": .int])))
        #expect(error.code == .parseError)
        #expect(error.message.hasPrefix("line 3, column 1 ('a'): \"1.5\" is not a valid int"))
        #expect(error.value == "1.5")
        let bool = try #require(failure("a\ntrue\nyes\n", CSVReadOptions(columnTypes: ["a": .bool])))
        #expect(bool.message.hasPrefix("line 3, column 1 ('a'): \"yes\" is not a valid bool"))
        let double = try #require(failure("a\n1\n0x10\n", CSVReadOptions(columnTypes: ["a": .double])))
        #expect(double.message.hasPrefix("line 3, column 1 ('a')"))
        let overflow = try #require(failure("a\n9223372036854775808\n", CSVReadOptions(columnTypes: ["a": .int])))
        #expect(overflow.message.hasPrefix("line 2, column 1 ('a')"))
    }

    @Test func valueAfterTheInferenceWindow() throws {
        let options = CSVReadOptions(inferenceRowLimit: 2)
        let error = try #require(failure("a\n1\n2\n3\nfour\n", options))
        #expect(error.message.hasPrefix("line 5, column 1 ('a'): \"four\" is not a valid int"))
        var reader = try CSVReader(string: "a\n1\n2\nthree\n")
        _ = try reader.nextBatch(maxRows: 2)
        let streamed = #expect(throws: MLOpsError.self) { try reader.nextBatch(maxRows: 2) }
        #expect(streamed?.message.hasPrefix("line 4, column 1 ('a')") == true)
    }

    @Test func invalidUTF8() throws {
        let body: [UInt8] = Array("name,n\nok,1\n".utf8) + [0x61, 0xFF, 0x62] + Array(",2\n".utf8)
        let error = #expect(throws: MLOpsError.self) { try Table.readCSV(bytes: body) }
        #expect(error?.message.hasPrefix("line 3, column 1 ('name'): the field is not valid UTF-8") == true)
        let header: [UInt8] = [0x61, 0x2C, 0xC3, 0x28] + Array("\n1,2\n".utf8)
        let headerError = #expect(throws: MLOpsError.self) { try Table.readCSV(bytes: header) }
        #expect(headerError?.message.hasPrefix("line 1, column 2:") == true)
        var reader = try CSVReader(bytes: Array("a\n".utf8) + [0xED, 0xA0, 0x80])
        let rawError = #expect(throws: MLOpsError.self) { try reader.forEachRecord { _ in } }
        #expect(rawError?.message.hasPrefix("line 2, column 1 ('a')") == true)
    }

    @Test func badHeaderNames() throws {
        let duplicate = try #require(failure("a,b,a\n1,2,3\n"))
        #expect(duplicate.message.hasPrefix("line 1, column 3: the header repeats the column name 'a'"))
        let empty = try #require(failure("a,,c\n1,2,3\n"))
        #expect(empty.message.hasPrefix("line 1, column 2: the header has an empty column name"))
        let quotedEmpty = try #require(failure("a,\"\"\n1,2\n"))
        #expect(quotedEmpty.message.hasPrefix("line 1, column 2:"))
        let mismatch = try #require(failure("a,b\n1,2\n", CSVReadOptions(schema: TableSchema(["a": .int, "c": .int]))))
        #expect(mismatch.message.contains("does not match the schema"))
    }

    @Test func badOptions() {
        #expect(throws: MLOpsError(.invalidArgument, "")) {
            try Table.readCSV(string: "a\n1\n", options: CSVReadOptions(delimiter: "\""))
        }
        #expect(throws: MLOpsError(.invalidArgument, "")) {
            try Table.readCSV(string: "a\n1\n", options: CSVReadOptions(delimiter: "é"))
        }
        #expect(throws: MLOpsError(.invalidArgument, "")) {
            try Table.readCSV(string: "a\n1\n", options: CSVReadOptions(delimiter: "\r\n"))
        }
        #expect(throws: MLOpsError(.invalidArgument, "")) {
            try Table.readCSV(string: "a\n1\n", options: CSVReadOptions(columnTypes: ["b": .int]))
        }
        #expect(throws: MLOpsError(.invalidArgument, "")) {
            try Table.readCSV(string: "a\n1\n", options: CSVReadOptions(inferenceRowLimit: 0))
        }
        #expect(throws: MLOpsError(.invalidArgument, "")) {
            try Table.readCSV(string: "a\n1\n", options: CSVReadOptions(bufferSize: 0))
        }
        #expect(throws: MLOpsError(.invalidArgument, "")) {
            var reader = try CSVReader(string: "a\n1\n")
            _ = try reader.nextBatch(maxRows: 0)
        }
        #expect(throws: MLOpsError(.invalidArgument, "")) {
            try Table.readCSV(string: "a\n1\n", options: CSVReadOptions(schema: TableSchema(["a": .int, "a": .int])))
        }
    }

    @Test func oversizedRecord() throws {
        let path = try CSVTestFiles.path("oversized.csv")
        defer { CSVTestFiles.remove(path) }
        try CSVTestFiles.write("a,b\n1,2\n3,\"" + String(repeating: "x", count: 5000) + "\n", to: path)
        let options = CSVReadOptions(bufferSize: 256, maxRecordBytes: 1000)
        let error = #expect(throws: MLOpsError.self) { try Table.readCSV(path: path, options: options) }
        #expect(error?.code == .limitExceeded)
        #expect(error?.message.hasPrefix("line 3:") == true)
        // Without the limit the same file fails as an unterminated quote.
        let unterminated = #expect(throws: MLOpsError.self) {
            try Table.readCSV(path: path, options: CSVReadOptions(bufferSize: 256))
        }
        #expect(unterminated?.message.hasPrefix("line 3, column 2 ('b')") == true)
    }

    /// Random corruptions of valid CSV either parse or throw an `MLOpsError`; they never crash.
    @Test func corruptedInputNeverCrashes() throws {
        let long = CSVTestEnvironment.longTests
        var random = CSVTestRandom(seed: 42)
        let table = CSVTestTables.random(rows: 30, random: &random)
        let valid = try table.csvBytes()
        let alphabet: [UInt8] = Array("\",\r\n\\ax0.-e".utf8) + [0xFF, 0xC3, 0xEF, 0xBB, 0xBF, 0x00]
        for _ in 0..<(long ? 20_000 : 500) {
            var bytes = valid
            for _ in 0..<(1 + random.next(below: 4)) {
                let position = random.next(below: bytes.count)
                switch random.next(below: 3) {
                case 0: bytes[position] = alphabet[random.next(below: alphabet.count)]
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet[random.next(below: alphabet.count)], at: position)
                }
            }
            let cut = random.next(below: bytes.count + 1)
            for candidate in [bytes, Array(bytes[..<cut])] {
                do {
                    _ = try Table.readCSV(bytes: candidate)
                } catch let error as MLOpsError {
                    #expect(error.code == .parseError || error.code == .invalidArgument)
                } catch {
                    Issue.record("unexpected error type: \(error)")
                }
            }
        }
    }
}
