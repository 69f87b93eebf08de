import MLOpsCore
import Testing

/// Column types inferred from the text, and overrides.
struct CSVTypeInferenceTests {
    private func schema(_ text: String, _ options: CSVReadOptions = CSVReadOptions()) throws -> TableSchema {
        try Table.readCSV(string: text, options: options).schema
    }

    @Test func narrowestTypeThatFitsEveryValue() throws {
        let text = """
            b,i,d,s,mixed,big,missing,e
            true,1,1,x,true,9223372036854775807,,1e5
            FALSE,-2,2.5,1,1,9223372036854775808,,-1E-5
            True,+3,-.5,2.5,,1,,.5
            """
        let inferred = try schema(text)
        #expect(
            inferred
                == TableSchema([
                    "b": .bool, "i": .int, "d": .double, "s": .string, "mixed": .string, "big": .double,
                    "missing": .double, "e": .double,
                ])
        )
        let table = try Table.readCSV(string: text)
        #expect(table["b"] == .bool("b", [true, false, true]))
        #expect(table["i"] == .int("i", [1, -2, 3]))
        #expect(table["d"] == .double("d", [1, 2.5, -0.5]))
        #expect(table["s"] == .string("s", ["x", "1", "2.5"]))
        #expect(table["big"] == .double("big", [0x1p63, 0x1p63, 1]))
        #expect(table["e"] == .double("e", [1e5, -1e-5, 0.5]))
    }

    @Test func specialFloatingPointWordsNeedTheOptIn() throws {
        let allow = CSVReadOptions(allowNonFiniteNumbers: true)
        let text = "v\nNaN\nnan\ninf\n-inf\nInfinity\n-Infinity\n+INF\n1.5\n"
        let table = try Table.readCSV(string: text, options: allow)
        let values = try table.doubles(column: "v")
        #expect(values[0].isNaN && values[1].isNaN)
        #expect(values[2...6] == [.infinity, -.infinity, .infinity, -.infinity, .infinity])
        #expect(try schema("v\nNaN\n", allow) == TableSchema(["v": .double]))
        #expect(try schema("v\nnand\n") == TableSchema(["v": .string]))
        // Without the opt-in every spelling is an error naming its line and column, inferred or typed.
        let lines = text.split(separator: "\n").dropFirst()
        for (offset, word) in lines.enumerated() where word != "1.5" {
            for options in [CSVReadOptions(), CSVReadOptions(columnTypes: ["v": .float])] {
                let error = #expect(throws: MLOpsError.self) {
                    try Table.readCSV(string: "v\n1\n\(word)\n", options: options)
                }
                #expect(error?.code == .parseError)
                #expect(error?.message.hasPrefix("line 3, column 1 ('v'): \"\(word)\" is not a finite number") == true)
                #expect(error?.value == String(word))
            }
            let firstBatch = #expect(throws: MLOpsError.self) {
                try Table.readCSV(string: "v\n1\n\(word)\n", options: CSVReadOptions(inferenceRowLimit: 1))
            }
            #expect(firstBatch?.message.hasPrefix("line 3, column 1 ('v')") == true, "\(offset)")
        }
        // A text column keeps the words as text.
        let names = try Table.readCSV(string: "v\ninf\nbob\nnan\n")
        #expect(names["v"] == .string("v", ["inf", "bob", "nan"]))
    }

    @Test func notNumbers() throws {
        for text in ["0x10", "1_000", "1e", "e5", ".", "-", "+", "1.2.3", "1e5.5", "١٢", " 1", "1 ", "--1", "tru"] {
            #expect(try schema("v\n\"\(text)\"\n") == TableSchema(["v": .string]), "\(text)")
        }
        let outOfRange = CSVReadOptions(allowOutOfRangeNumbers: true)
        for text in ["1.", ".5", "-0", "+0.0", "00012", "1e+308", "1e999", "-1e-999"] {
            #expect(try schema("v\n\(text)\n", outOfRange).fields[0].type != .string, "\(text)")
        }
        let table = try Table.readCSV(string: "v\n1e999\n-1e-999\n", options: outOfRange)
        let values = try table.doubles(column: "v")
        #expect(values[0] == .infinity)
        #expect(values[1].bitPattern == (-0.0).bitPattern)
    }

    @Test func overridesByName() throws {
        let options = CSVReadOptions(columnTypes: ["zip": .string, "n": .double, "f": .float, "i": .int])
        let table = try Table.readCSV(string: "zip,n,f,i\n00501,1,0.1,\n02134,2,,7\n", options: options)
        #expect(table["zip"] == .string("zip", ["00501", "02134"]))
        #expect(table["n"] == .double("n", [1, 2]))
        #expect(table["f"] == .float("f", [0.1, nil]))
        #expect(table["i"] == .int("i", [nil, 7]))
        let forced = try Table.readCSV(string: "b\ntrue\n", options: CSVReadOptions(columnTypes: ["b": .string]))
        #expect(forced["b"] == .string("b", ["true"]))
    }

    @Test func overridesApplyOnTopOfAGivenSchema() throws {
        let options = CSVReadOptions(columnTypes: ["b": .string], schema: TableSchema(["a": .int, "b": .int]))
        let table = try Table.readCSV(string: "a,b\n1,2\n", options: options)
        #expect(table.schema == TableSchema(["a": .int, "b": .string]))
    }

    @Test func inferenceRowLimit() throws {
        let options = CSVReadOptions(inferenceRowLimit: 2)
        let table = try Table.readCSV(string: "a\n1\n2\n3.5\n", options: CSVReadOptions(columnTypes: ["a": .double]))
        #expect(table["a"] == .double("a", [1, 2, 3.5]))
        #expect(throws: MLOpsError(.parseError, "")) { try Table.readCSV(string: "a\n1\n2\n3.5\n", options: options) }
        #expect(try schema("a\nx\n1\n", options) == TableSchema(["a": .string]))
        var reader = try CSVReader(string: "a\n1\n2\n3\n4.5\n", options: CSVReadOptions(inferenceRowLimit: 4))
        let first = try #require(try reader.nextBatch(maxRows: 1))
        #expect(first["a"] == .double("a", [1]))
        let rest = try #require(try reader.nextBatch(maxRows: 10))
        #expect(rest["a"] == .double("a", [2, 3, 4.5]))
    }

    @Test func missingTokensDoNotAffectInference() throws {
        let options = CSVReadOptions(missingTokens: ["NA", "-"])
        #expect(try schema("a,b\nNA,-\n1,2.5\n-,NA\n", options) == TableSchema(["a": .int, "b": .double]))
        #expect(try schema("a\nNA\n", options) == TableSchema(["a": .double]))
    }

    @Test func wideningKeepsEarlierValuesExact() throws {
        let table = try Table.readCSV(
            string: "a,b,c,d,e\n-0,007,true,1.5,1\n1,8,false,2,9223372036854775808\n2.5,x,1,y,3\n")
        let a = try table.doubles(column: "a")
        #expect(a.map(\.bitPattern) == [(-0.0).bitPattern, (1.0).bitPattern, (2.5).bitPattern])
        #expect(table["b"] == .string("b", ["007", "8", "x"]))
        #expect(table["c"] == .string("c", ["true", "false", "1"]))
        #expect(table["d"] == .string("d", ["1.5", "2", "y"]))
        #expect(table["e"] == .double("e", [1, 0x1p63, 3]))
    }

    @Test func lateTextKeepsEarlierMissingAndEmptyValues() throws {
        let text = "n,m\n1,\n,\"\"\nNA,\n\"\",\"\"\n4,NA\nhello,z\n"
        let table = try Table.readCSV(string: text, options: CSVReadOptions(missingTokens: ["NA"]))
        #expect(table["n"] == .string("n", ["1", nil, nil, "", "4", "hello"]))
        #expect(table["m"] == .string("m", [nil, "", nil, "", nil, "z"]))
    }

    @Test func firstValueAfterMissingRowsSetsTheType() throws {
        let table = try Table.readCSV(string: "a,b,c\n,,\n,\"\",\ntrue,1,\"\"\n")
        #expect(table["a"] == .bool("a", [nil, nil, true]))
        #expect(table["b"] == .int("b", [nil, nil, 1]))
        #expect(table["c"] == .string("c", [nil, nil, ""]))
    }

    /// Inferring while reading gives the same table as inferring in a separate pass over all rows.
    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func singlePassInferenceMatchesTwoPassInference(seed: UInt64) throws {
        var random = CSVTestRandom(seed: seed)
        let pools: [[String]] = [
            ["1", "-0", "+7", "", "\"\"", "NA"],
            ["1", "2.5", "-0", "1e3", "", "9223372036854775808"],
            ["true", "FALSE", "", "\"\""],
            ["1", "true", "", "x"],
            ["2.5", "nan", "-inf", "", "\"\"", "text", "\"q,\"\"\""],
            ["", "\"\""],
            ["", "NA"],
            ["007", "8", "", "a b"],
        ]
        let rows = 1 + random.next(below: 400)
        var lines = [(0..<pools.count).map { "c\($0)" }.joined(separator: ",")]
        for _ in 0..<rows {
            lines.append(
                pools.map { pool in
                    // Mostly the first value, so that type changes happen late.
                    random.chance(0.95) ? pool[0] : pool[random.next(below: pool.count)]
                }.joined(separator: ",")
            )
        }
        let text = lines.joined(separator: "\n")
        let path = try CSVTestFiles.path("infer.csv")
        defer { CSVTestFiles.remove(path) }
        try CSVTestFiles.write(text, to: path)
        // With and without NaN / infinities allowed: the same table, or the same error, every way.
        for allow in [true, false] {
            let options = CSVReadOptions(missingTokens: ["NA"], allowNonFiniteNumbers: allow)
            var twoPassOptions = options
            twoPassOptions.inferenceRowLimit = .max
            let onePass = Result { try Table.readCSV(string: text, options: options) }
            let twoPass = Result { try Table.readCSV(string: text, options: twoPassOptions) }
            var streamedOptions = options
            streamedOptions.bufferSize = 61
            let streamed = Result {
                var reader = try CSVReader(path: path, options: streamedOptions)
                let batch = try reader.nextBatch(maxRows: rows) ?? Table()
                #expect(try reader.nextBatch(maxRows: rows) == nil)
                return batch
            }
            switch (onePass, twoPass, streamed) {
            case (.success(let one), .success(let two), .success(let batch)):
                #expect(one == two)
                #expect(one.schema == two.schema)
                #expect(batch == two)
            case (.failure(let one), .failure(let two), .failure(let batch)):
                #expect(!allow)
                let messages = [one, two, batch].map { ($0 as? MLOpsError)?.message ?? "\($0)" }
                #expect(messages[0] == messages[1] && messages[1] == messages[2], "\(messages)")
                #expect(messages[0].contains("is not a finite number"))
            default:
                Issue.record("seed \(seed), allow \(allow): \(onePass), \(twoPass), \(streamed)")
            }
        }
    }
}
