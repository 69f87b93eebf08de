import Foundation
import MLOpsCore
import Testing

/// Random and hostile CSV (seeded, so a failure names the case that reproduces it): the reader never crashes,
/// it returns a table or throws an `MLOpsError` that says where, and every table `CSVWriter` writes reads back.
/// A short budget by default, a long one with `MLOPS_LONG_TESTS=1`.
struct CSVFuzzTests {
    private static var cases: Int { CSVTestEnvironment.longTests ? 20_000 : 300 }

    /// The result of one read: a table, or the error's message.
    private enum Outcome: Equatable {
        case table(Table)
        case error(String)
    }

    /// Reads and checks that any failure is an `MLOpsError` that names its line (or says the input is empty),
    /// with control characters escaped in the message.
    private func outcome(_ label: String, _ read: () throws -> Table) -> Outcome {
        do {
            return .table(try read())
        } catch let error as MLOpsError {
            #expect(error.code == .parseError || error.code == .limitExceeded, "\(label): \(error)")
            #expect(
                error.message.hasPrefix("line ") || error.message.hasPrefix("the input CSV is empty"),
                "\(label): \(error)")
            #expect(
                !error.message.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                "\(label): unescaped control character in \(error.message.debugDescription)")
            return .error(error.message)
        } catch {
            Issue.record("\(label): not an MLOpsError: \(error)")
            return .error("\(error)")
        }
    }

    @Test func hostileInputsParseOrFailWithAPosition() throws {
        let path = try CSVTestFiles.path("fuzz.csv")
        defer { CSVTestFiles.remove(path) }
        var tables = 0
        for index in 0..<Self.cases {
            let seed = 0xC5F0_0000 + UInt64(index)
            var random = SeededRandom(seed: seed)
            // Half the cases are tame (well-formed, numbers allowed out of range) so that many read as tables.
            let tame = random.int(in: 0..<2) == 0
            let options = CSVFuzzInputs.options(&random, tame: tame)
            let bytes = CSVFuzzInputs.csv(
                &random, delimiter: UInt8(ascii: options.delimiter.unicodeScalars.first ?? ","), tame: tame)
            let label = "case \(index) (seed \(seed)), \(bytes.count) bytes"
            let inMemory = outcome(label) { try Table.readCSV(bytes: bytes, options: options) }
            if case .table = inMemory { tables += 1 }
            // The same bytes from a file read in small chunks (boundaries inside quotes, CRLF, UTF-8 and numbers)
            // give the same table, or the same error.
            guard index % 3 == 0 else { continue }
            try CSVTestFiles.write(bytes, to: path)
            var chunked = options
            chunked.bufferSize = 1 + random.int(in: 0..<64)
            let fromFile = outcome(label + ", bufferSize \(chunked.bufferSize)") {
                try Table.readCSV(path: path, options: chunked)
            }
            #expect(fromFile == inMemory, "\(label): memory and chunked file reads differ")
            // Streaming in batches never crashes either (types come from the first batch, so tables may differ).
            _ = outcome(label + ", batches") {
                var reader = try CSVReader(path: path, options: chunked)
                var rows = 0
                while let batch = try reader.nextBatch(maxRows: 1 + random.int(in: 0..<4)) { rows += batch.rowCount }
                return Table()
            }
        }
        // The generator must produce readable inputs too, or the property says little.
        #expect(tables > Self.cases / 4, "only \(tables) of \(Self.cases) inputs read as tables")
    }

    @Test func writtenTablesReadBackEqual() throws {
        for index in 0..<Self.cases {
            let seed = 0xC5F1_0000 + UInt64(index)
            var random = SeededRandom(seed: seed)
            let table = try CSVFuzzInputs.table(&random)
            let delimiter = [",", ";", "\t", "|"][random.int(in: 0..<4)] as Character
            let write = CSVWriteOptions(
                delimiter: delimiter, lineEnding: random.int(in: 0..<2) == 0 ? .lf : .crlf,
                includeHeader: random.int(in: 0..<4) != 0)
            let bytes = try CSVWriter.encode(table, options: write)
            // Missing doubles are stored as NaN: only present values count.
            let nonFinite = table.columns.contains { column in
                switch column.storage {
                case .double(let values): values.indices.contains { !column.isMissing(at: $0) && !values[$0].isFinite }
                case .float(let values): values.indices.contains { !column.isMissing(at: $0) && !values[$0].isFinite }
                default: false
                }
            }
            let label =
                "case \(index) (seed \(seed)): \(String(decoding: bytes.prefix(300), as: UTF8.self).debugDescription)"
            var read = CSVReadOptions(delimiter: delimiter, hasHeader: write.includeHeader, schema: table.schema)
            read.allowNonFiniteNumbers = nonFinite
            do {
                let back = try Table.readCSV(bytes: bytes, options: read)
                // Table equality compares doubles bit for bit (so -0.0 and NaN count) and the missing masks.
                #expect(back == table, "\(label)")
                if !nonFinite {
                    // Finite tables need no opt-in, also with the types given by name rather than a schema.
                    var inferred = CSVReadOptions(delimiter: delimiter, hasHeader: write.includeHeader)
                    inferred.columnTypes = Dictionary(
                        uniqueKeysWithValues: table.schema.fields.map { ($0.name, $0.type) })
                    if write.includeHeader && table.rowCount > 0 {
                        #expect(try Table.readCSV(bytes: bytes, options: inferred) == table, "\(label)")
                    }
                }
            } catch {
                Issue.record("\(label): \(error)")
            }
        }
    }
}

/// Generators for ``CSVFuzzTests``.
enum CSVFuzzInputs {
    /// Numbers at the edges of `Double`'s (and `Float`'s) range, and spellings that must not slip through.
    static let edgeNumbers: [String] = [
        "0", "-0", "-0.0", "+0", "0e-999", "1", "-1", "1.5", "1.7976931348623157e308", "-1.7976931348623157e308",
        "1.7976931348623159e308", "1.8e308", "1e308", "1e309", "1e999", "-1e999", "4.9e-324", "5e-324",
        "2.4e-324", "2.5e-324", "1e-400", "-1e-400", "2.2250738585072014e-308", "2.2250738585072011e-308",
        "3.4028235e38", "3.5e38", "1e-45", "1e-46", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "nan", "NaN", "-nan", "inf", "-inf", "+Infinity", "INF",
        "1e", "e5", ".", "-", "1.2.3", "0x10", "1_000", " 1", "1 ", "١٢",
        String(repeating: "1", count: 767), "0." + String(repeating: "7", count: 768),
        String(repeating: "9", count: 10_000), "1." + String(repeating: "3", count: 2_000),
        "0." + String(repeating: "0", count: 400) + "1", "1e99999999999999999999", "1e-99999999999999999999",
    ]

    /// Pieces of field text: quotes, line ends, byte order marks, NULs, control characters, invalid UTF-8.
    static let pieces: [[UInt8]] = [
        Array("a".utf8), Array("x y".utf8), Array("\"".utf8), Array("\"\"".utf8), [0x0A], [0x0D], [0x0D, 0x0A],
        [0xEF, 0xBB, 0xBF], [0x00], [0x1B], Array("\u{202E}".utf8), [0x09], Array(" ".utf8), Array("é".utf8),
        Array("😀".utf8), [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], Array("NA".utf8),
        Array(",".utf8), Array(";".utf8), Array("|".utf8), Array("true".utf8), Array("\\".utf8),
    ]

    /// Pieces that are valid UTF-8 (for tame inputs).
    static let textPieces = pieces.filter { String(validating: $0, as: UTF8.self) != nil }

    /// Random read options, sometimes with tight limits; tame options allow every number and set no limits.
    static func options(_ random: inout SeededRandom, tame: Bool) -> CSVReadOptions {
        var options = CSVReadOptions()
        options.delimiter = [",", ",", ";", "\t", "|"][random.int(in: 0..<5)]
        options.hasHeader = random.int(in: 0..<5) != 0
        options.allowNonFiniteNumbers = random.int(in: 0..<2) == 0
        options.allowOutOfRangeNumbers = random.int(in: 0..<2) == 0
        if tame {
            options.hasHeader = true
            options.allowNonFiniteNumbers = true
            options.allowOutOfRangeNumbers = true
            return options
        }
        if random.int(in: 0..<4) == 0 { options.maxColumns = 1 + random.int(in: 0..<8) }
        if random.int(in: 0..<4) == 0 { options.maxFieldBytes = 1 + random.int(in: 0..<4096) }
        if random.int(in: 0..<4) == 0 { options.missingTokens = ["NA", "nan"] }
        if random.int(in: 0..<4) == 0 { options.inferenceRowLimit = 1 + random.int(in: 0..<5) }
        return options
    }

    /// One field as written: a number, text, a quoted field (well or badly formed), or a huge run. A tame field
    /// is a number or a well-formed quoted field of valid UTF-8.
    static func field(_ random: inout SeededRandom, delimiter: UInt8, tame: Bool) -> [UInt8] {
        if tame {
            if random.int(in: 0..<2) == 0 { return Array(edgeNumbers[random.int(in: 0..<edgeNumbers.count)].utf8) }
            let content = (0..<random.int(in: 0..<4)).flatMap { _ in textPieces[random.int(in: 0..<textPieces.count)] }
            return [UInt8(ascii: "\"")] + content.flatMap { $0 == UInt8(ascii: "\"") ? [$0, $0] : [$0] }
                + [UInt8(ascii: "\"")]
        }
        switch random.int(in: 0..<10) {
        case 0..<4:
            return Array(edgeNumbers[random.int(in: 0..<edgeNumbers.count)].utf8)
        case 4..<6:
            return (0..<random.int(in: 0..<4)).flatMap { _ in pieces[random.int(in: 0..<pieces.count)] }
        case 6..<9:
            // Quoted: quotes inside doubled, except now and then.
            var content: [UInt8] = []
            for _ in 0..<random.int(in: 0..<5) {
                let piece =
                    random.int(in: 0..<3) == 0
                    ? Array(edgeNumbers[random.int(in: 0..<edgeNumbers.count)].utf8)
                    : pieces[random.int(in: 0..<pieces.count)]
                content += piece
            }
            var escaped = content.flatMap { $0 == UInt8(ascii: "\"") ? [$0, $0] : [$0] }
            if random.int(in: 0..<8) == 0, !escaped.isEmpty { escaped.remove(at: random.int(in: 0..<escaped.count)) }
            let closing: [UInt8] = random.int(in: 0..<12) == 0 ? [] : [UInt8(ascii: "\"")]
            return [UInt8(ascii: "\"")] + escaped + closing
        default:
            let byte = random.int(in: 0..<2) == 0 ? UInt8(ascii: "x") : delimiter
            return [UInt8](repeating: byte, count: 1 + random.int(in: 0..<(random.int(in: 0..<4) == 0 ? 70_000 : 300)))
        }
    }

    /// A whole CSV: header-ish first line, ragged or regular rows, mixed line ends, BOM, a cut at the end.
    static func csv(_ random: inout SeededRandom, delimiter: UInt8, tame: Bool) -> [UInt8] {
        var bytes: [UInt8] = random.int(in: 0..<6) == 0 ? [0xEF, 0xBB, 0xBF] : []
        let columns = 1 + random.int(in: 0..<5)
        let ragged = !tame && random.int(in: 0..<3) == 0
        for row in 0..<random.int(in: tame ? 1..<10 : 0..<10) {
            let count = ragged ? 1 + random.int(in: 0..<7) : columns
            for column in 0..<count {
                if column > 0 { bytes.append(delimiter) }
                if row == 0 && (tame || random.int(in: 0..<2) == 0) {
                    bytes += Array("c\(column)".utf8)
                } else {
                    bytes += field(&random, delimiter: delimiter, tame: tame)
                }
            }
            switch random.int(in: 0..<6) {
            case 0: bytes += [0x0D, 0x0A]
            case 1: bytes.append(0x0D)
            case 2: bytes += [0x0A, 0x0A]
            default: bytes.append(0x0A)
            }
        }
        if !tame && random.int(in: 0..<5) == 0, !bytes.isEmpty {
            bytes.removeLast(random.int(in: 0..<min(bytes.count, 20)))
        }
        return bytes
    }

    /// A random table with every column type, edge values, -0, NaN and infinities (in some tables only), and
    /// strings that need quoting or look like numbers.
    static func table(_ random: inout SeededRandom) throws -> Table {
        let rows = random.int(in: 0..<40)
        let nonFinite = random.int(in: 0..<2) == 0
        let missingRate = [0, 10, 50][random.int(in: 0..<3)]
        func present(_ random: inout SeededRandom) -> Bool { random.int(in: 0..<100) >= missingRate }
        let doubles: [Double] = [
            0, -0.0, 1, -1.5, 0.1, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
            -.leastNonzeroMagnitude, .leastNormalMagnitude, 1e22, 1e23, 9_007_199_254_740_994,
        ]
        let floats: [Float] = [0, -0.0, 1, 0.1, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 16_777_216]
        let strings = [
            "", " ", " lead", "trail ", "\ttab", "a,b", "say \"hi\"", "\"", "line\nbreak", "cr\rlf\r\n", "-0", "1e999",
            "inf", "NaN", "NA", "\u{FEFF}bom", "nul\u{0}", "esc\u{1B}[0m", "漢字", "😀", "=1+2", "true", "  ",
        ]
        var columns: [Column] = []
        for column in 0..<(1 + random.int(in: 0..<5)) {
            let name = ["d\(column)", "f \(column)", "\"q\(column)\"", "n,\(column)", " s\(column)"][
                random.int(in: 0..<5)]
            switch random.int(in: 0..<5) {
            case 0:
                columns.append(
                    .double(
                        name,
                        (0..<rows).map { _ -> Double? in
                            guard present(&random) else { return nil }
                            if nonFinite && random.int(in: 0..<6) == 0 {
                                return [Double.nan, .infinity, -.infinity][random.int(in: 0..<3)]
                            }
                            if random.int(in: 0..<2) == 0 { return doubles[random.int(in: 0..<doubles.count)] }
                            let value = Double(bitPattern: random.next())
                            return value.isFinite ? value : 0.5
                        }))
            case 1:
                columns.append(
                    .float(
                        name,
                        (0..<rows).map { _ -> Float? in
                            guard present(&random) else { return nil }
                            if nonFinite && random.int(in: 0..<6) == 0 { return .nan }
                            if random.int(in: 0..<2) == 0 { return floats[random.int(in: 0..<floats.count)] }
                            let value = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
                            return value.isFinite ? value : 0.25
                        }))
            case 2:
                columns.append(
                    .int(name, (0..<rows).map { _ in present(&random) ? Int64(bitPattern: random.next()) : nil }))
            case 3:
                columns.append(.bool(name, (0..<rows).map { _ in present(&random) ? random.int(in: 0..<2) == 0 : nil }))
            default:
                columns.append(
                    .string(
                        name,
                        (0..<rows).map { _ -> String? in
                            guard present(&random) else { return nil }
                            return (0..<random.int(in: 1..<4)).map { _ in strings[random.int(in: 0..<strings.count)] }
                                .joined()
                        }))
            }
        }
        // Names must be unique; the generator can repeat one.
        var seen = Set<String>()
        columns = columns.filter { seen.insert($0.name).inserted }
        return try Table(columns: columns)
    }
}
