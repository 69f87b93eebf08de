import Foundation
import MLOpsCore
import Testing

/// How values are written, quoted and terminated.
struct CSVWriterTests {
    @Test func quotesOnlyWhenNeeded() throws {
        let values = [
            "plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", " lead", "trail ", "\ttab", "", "mid space",
        ]
        let table = try Table(columns: [.string("s", values)])
        let expected =
            [
                "s", "plain", "\"a,b\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"", "\"cr\rhere\"", "\" lead\"",
                "\"trail \"", "\"\ttab\"", "\"\"", "mid space",
            ].joined(separator: "\n") + "\n"
        #expect(table.csvString() == expected)
        let semicolons = try table.csvString(options: CSVWriteOptions(delimiter: ";"))
        #expect(semicolons.contains("\na,b\n"))
    }

    @Test func valueFormats() throws {
        let table = try Table(columns: [
            .double("d", [1, 0.1, nil, -.infinity, .nan, 1e-7]),
            .float("f", [1, 0.1, nil, .infinity, .nan, 3e38]),
            .int("i", [0, -42, nil, .max, .min, 7]),
            .bool("b", [true, false, nil, true, false, true]),
            .string("s", ["x", "", nil, "y", "z", "w"]),
        ])
        let expected = """
            d,f,i,b,s
            1.0,1.0,0,true,x
            0.1,0.1,-42,false,""
            ,,,,
            -inf,inf,9223372036854775807,true,y
            NaN,NaN,-9223372036854775808,false,z
            1e-07,3e+38,7,true,w

            """
        #expect(table.csvString() == expected)
        #expect(CSVWriter.format(Double.nan) == "NaN")
        #expect(CSVWriter.format(-Double.infinity) == "-inf")
        #expect(CSVWriter.format(Float(0.1)) == "0.1")
        #expect(TableValue.double(.infinity).description == "inf")
        #expect(TableValue.missing.description == "")
    }

    @Test func lineEndingsAndHeader() throws {
        let table = try Table(columns: [.int("a", [1, 2]), .string("b c", ["x", "y\r\nz"])])
        #expect(try table.csvString(options: CSVWriteOptions(lineEnding: .crlf)) == "a,b c\r\n1,x\r\n2,\"y\r\nz\"\r\n")
        #expect(try table.csvString(options: CSVWriteOptions(includeHeader: false)) == "1,x\n2,\"y\r\nz\"\n")
        let quotedHeader = try Table(columns: [.int("a,b", [1])])
        #expect(quotedHeader.csvString() == "\"a,b\"\n1\n")
        #expect(Table().csvString() == "")
        #expect(try Table(columns: [.int("a", [])]).csvString() == "a\n")
    }

    @Test func singleColumnMissingValuesSurvive() throws {
        let table = try Table(columns: [.double("v", [nil, 1, nil])])
        #expect(table.csvString() == "v\n\n1.0\n\n")
        #expect(try Table.readCSV(string: table.csvString()) == table)
        let text = try Table(columns: [.string("s", [nil, "", "x", nil])])
        #expect(try Table.readCSV(string: text.csvString()) == text)
    }

    @Test func byteOrderMarkInFirstNameIsKept() throws {
        let table = try Table(columns: [.int("\u{FEFF}id", [1])])
        #expect(try Table.readCSV(string: table.csvString()) == table)
    }

    @Test func streamingWriterAppendsBatches() throws {
        let path = try CSVTestFiles.path("batches.csv")
        defer { CSVTestFiles.remove(path) }
        let first = try Table(columns: [.int("a", [1, 2]), .string("b", ["x", nil])])
        let second = try Table(columns: [.int("a", [3]), .string("b", ["z"])])
        var writer = try CSVWriter(path: path)
        try writer.write(first)
        try writer.write(second)
        #expect(throws: MLOpsError(.invalidArgument, "")) { try writer.write(Table(columns: [.int("a", [1])])) }
        try writer.close()
        try writer.close()
        #expect(throws: MLOpsError(.invalidState, "")) { try writer.write(first) }
        #expect(try Table.readCSV(path: path) == (try first.appending(second)))
    }

    @Test func writerFlushesLargeOutput() throws {
        let path = try CSVTestFiles.path("large.csv")
        defer { CSVTestFiles.remove(path) }
        let rows = 110_000
        let table = try Table(columns: [
            .int("i", (0..<rows).map { Int64($0) }),
            .string("s", (0..<rows).map { $0 % 3 == 0 ? "a,\($0)" : "b" }),
        ])
        try table.writeCSV(path: path)
        #expect(try Table.readCSV(path: path) == table)
        #expect(throws: MLOpsError(.ioError, "")) { try table.writeCSV(path: path + "/not-a-directory/x.csv") }
    }

    @Test func droppedWriterFlushesAndReaderClosesItsFile() throws {
        let path = try CSVTestFiles.path("dropped.csv")
        defer { CSVTestFiles.remove(path) }
        let table = try Table(columns: [.int("a", [1, 2, 3]), .string("b", ["x", "y", "z"])])
        do {
            var writer = try CSVWriter(path: path)
            try writer.write(table)
        }
        #expect(try Table.readCSV(path: path) == table)
        // Readers dropped before the end of the file must close it (other tests may hold a few files meanwhile).
        let before = openDescriptors()
        for _ in 0..<500 {
            var reader = try CSVReader(path: path)
            _ = try reader.nextBatch(maxRows: 1)
        }
        if let before, let after = openDescriptors() {
            #expect(after - before < 100)
        }
    }

    /// How many file descriptors this process has open, where the system says (Linux).
    private func openDescriptors() -> Int? {
        try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }
}
