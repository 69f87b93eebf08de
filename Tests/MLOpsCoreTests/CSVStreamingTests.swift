import MLOpsCore
import Testing

/// Streaming reads in batches and small chunks give the same table as a one-shot read.
struct CSVStreamingTests {
    /// Reads `path` in batches of `maxRows` with the given options and appends the batches.
    private func streamed(_ path: String, maxRows: Int, options: CSVReadOptions) throws -> (Table, Int) {
        var reader = try CSVReader(path: path, options: options)
        var result = Table()
        var batches = 0
        while let batch = try reader.nextBatch(maxRows: maxRows) {
            #expect(batch.rowCount <= maxRows)
            result = try result.appending(batch)
            batches += 1
        }
        #expect(try reader.nextBatch(maxRows: maxRows) == nil)
        return (result, batches)
    }

    @Test func batchesOverManyChunksEqualOneShotRead() throws {
        var random = CSVTestRandom(seed: 2024)
        let table = CSVTestTables.random(rows: 6000, random: &random)
        let path = try CSVTestFiles.path("chunks.csv")
        defer { CSVTestFiles.remove(path) }
        try table.writeCSV(path: path)
        let bytes = try table.csvBytes()
        let bufferSize = 16 << 10
        #expect(bytes.count > 10 * bufferSize)

        // The random tables hold NaN and infinities, which the writer writes as NaN / inf / -inf.
        let schema = CSVReadOptions(schema: table.schema, allowNonFiniteNumbers: true)
        let oneShot = try Table.readCSV(path: path, options: schema)
        #expect(oneShot == table)
        var options = schema
        options.bufferSize = bufferSize
        let (batched, batches) = try streamed(path, maxRows: 500, options: options)
        #expect(batches == 12)
        #expect(batched == oneShot)

        // With inference from the first batch (rows 0..<500 show every type), the result is the same.
        let inferred = try Table.readCSV(
            path: path, options: CSVReadOptions(columnTypes: ["f": .float], allowNonFiniteNumbers: true))
        let (inferredBatches, _) = try streamed(
            path, maxRows: 500,
            options: CSVReadOptions(columnTypes: ["f": .float], bufferSize: bufferSize, allowNonFiniteNumbers: true)
        )
        #expect(inferredBatches == inferred)
        #expect(inferred == table)
    }

    @Test func chunkBoundariesInsideQuotesAndCRLF() throws {
        var random = CSVTestRandom(seed: 77)
        let rows = CSVTestEnvironment.longTests ? 150_000 : 40_000
        let table = CSVTestTables.random(rows: rows, random: &random)
        let path = try CSVTestFiles.path("crlf.csv")
        defer { CSVTestFiles.remove(path) }
        try table.writeCSV(path: path, options: CSVWriteOptions(lineEnding: .crlf))
        let size = try table.csvBytes(options: CSVWriteOptions(lineEnding: .crlf)).count
        #expect(size > 2 << 20)
        let oneShot = try Table.readCSV(
            path: path, options: CSVReadOptions(schema: table.schema, allowNonFiniteNumbers: true))
        #expect(oneShot == table)
        // Odd buffer sizes put chunk boundaries inside quoted fields, between CR and LF, and inside UTF-8.
        for bufferSize in CSVTestEnvironment.longTests ? [1021, 4099, 65_521] : [997, 65_521] {
            let options = CSVReadOptions(schema: table.schema, bufferSize: bufferSize, allowNonFiniteNumbers: true)
            let (batched, _) = try streamed(path, maxRows: 1009, options: options)
            #expect(batched == table, "bufferSize \(bufferSize)")
        }
        let inferred = try Table.readCSV(
            path: path,
            options: CSVReadOptions(columnTypes: ["f": .float], bufferSize: 4099, allowNonFiniteNumbers: true))
        #expect(inferred == table)
    }

    @Test func everyBoundaryWithOneByteReads() throws {
        let text = "\u{FEFF}a,\"b\r\nc\"\r\n\"x\"\"\r\",1\r\n\"\",2\r\r\n\"😀,\n\",\"\"\"\"\r\nlast,3"
        let path = try CSVTestFiles.path("tiny.csv")
        defer { CSVTestFiles.remove(path) }
        try CSVTestFiles.write(text, to: path)
        let typed = CSVReadOptions(columnTypes: ["b\r\nc": .string])
        let expected = try Table.readCSV(string: text, options: typed)
        #expect(expected.columnNames == ["a", "b\r\nc"])
        #expect(expected["a"] == .string("a", ["x\"\r", "", "😀,\n", "last"]))
        for bufferSize in 1...7 {
            var options = typed
            options.bufferSize = bufferSize
            #expect(try Table.readCSV(path: path, options: options) == expected, "bufferSize \(bufferSize)")
            let (batched, batches) = try streamed(path, maxRows: 1, options: options)
            #expect(batches == 4)
            #expect(batched.rowCount == 4)
            #expect(batched == expected)
        }
    }

    @Test func forEachRecordMatchesTheTable() throws {
        var random = CSVTestRandom(seed: 5)
        let table = CSVTestTables.random(rows: 3000, random: &random)
        let path = try CSVTestFiles.path("records.csv")
        defer { CSVTestFiles.remove(path) }
        try table.writeCSV(path: path)
        var reader = try CSVReader(path: path, options: CSVReadOptions(bufferSize: 1000))
        #expect(reader.columnNames == table.columnNames)
        var count = 0
        let strings = try #require(table.column(named: " naïve s"))
        let position = try #require(table.columnIndex(named: " naïve s"))
        try reader.forEachRecord { record in
            #expect(record.fields.count == table.columnCount)
            let value = strings.value(at: count)
            #expect(record.fields[position] == (value == .missing ? "" : value.description))
            count += 1
        }
        #expect(count == table.rowCount)
    }

    @Test func readAllAfterABatchReadsTheRest() throws {
        var reader = try CSVReader(string: "a,b\n1,x\n2,y\n3,z\n")
        let first = try #require(try reader.nextBatch(maxRows: 1))
        #expect(first.rowCount == 1)
        let rest = try reader.readAll()
        #expect(rest["a"] == .int("a", [2, 3]))
        #expect(try reader.readAll().rowCount == 0)
    }
}
