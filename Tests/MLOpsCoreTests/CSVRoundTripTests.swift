import Foundation
import MLOpsCore
import Testing

/// SplitMix64: a small deterministic generator for the CSV tests (the SDK's own RNG lives elsewhere).
struct CSVTestRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (`bound > 0`).
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// `true` with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
}

/// Whether the long stress runs are enabled (`MLOPS_LONG_TESTS=1`).
enum CSVTestEnvironment {
    static var longTests: Bool { ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1" }
}

/// Temporary files for the CSV tests.
enum CSVTestFiles {
    static func path(_ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mlops-csv-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(UUID().uuidString + "-" + name).path
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}

/// Random tables with every column type and the awkward values CSV must survive.
enum CSVTestTables {
    static let specialDoubles: [Double] = [
        0, -0.0, 1, -1, 0.1, 1e308, -1e308, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
        .greatestFiniteMagnitude, .leastNormalMagnitude, .nan, .infinity, -.infinity, 123_456_789_012_345_680, 1e22,
        1e23, 9_007_199_254_740_994, 0.3, Double.leastNormalMagnitude.nextDown,
    ]
    static let specialFloats: [Float] = [
        0, -0.0, 1, 0.1, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude, .nan,
        .infinity, -.infinity, 16_777_218, 3.4e38,
    ]
    static let specialInts: [Int64] = [0, -1, 1, .max, .min, 1 << 53, -(1 << 53) - 1]
    static let pieces: [String] = [
        "a", "Z", " ", ",", ";", "\"", "\"\"", "\n", "\r", "\r\n", "\t", "é", "漢字", "😀", "🇸🇪", "x y",
        "1", "-", ".", "e", "\u{FEFF}", "\\", "'",
    ]

    static func double(_ random: inout CSVTestRandom) -> Double {
        if random.chance(0.3) { return specialDoubles[random.next(below: specialDoubles.count)] }
        let value = Double(bitPattern: random.next())
        if value.isNaN { return .nan }
        return random.chance(0.5) ? value : Double(random.next(below: 2_000_001) - 1_000_000) / 1000
    }

    static func float(_ random: inout CSVTestRandom) -> Float {
        if random.chance(0.3) { return specialFloats[random.next(below: specialFloats.count)] }
        let value = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
        return value.isNaN ? .nan : value
    }

    static func string(_ random: inout CSVTestRandom) -> String {
        (0..<random.next(below: 6)).map { _ in pieces[random.next(below: pieces.count)] }.joined()
    }

    /// A table of `rows` rows (row 0 never missing, and its text is "text", so inference sees every type).
    static func random(rows: Int, random: inout CSVTestRandom, withFloat: Bool = true) -> Table {
        func values<T>(_ make: (inout CSVTestRandom) -> T) -> [T?] {
            (0..<rows).map { row in row > 0 && random.chance(0.1) ? nil : make(&random) }
        }
        var strings = values { string(&$0) }
        if rows > 0 { strings[0] = "text" }
        var columns: [Column] = [
            .double("d", values { double(&$0) }),
            .int(
                "weird, \"name\"",
                values { random in
                    random.chance(0.2)
                        ? specialInts[random.next(below: specialInts.count)] : Int64(bitPattern: random.next())
                }),
            .string(" naïve s", strings),
            .bool("b", values { $0.chance(0.5) }),
        ]
        if withFloat { columns.insert(.float("f", values { float(&$0) }), at: 1) }
        do {
            return try Table(columns: columns)
        } catch {
            Issue.record("generator made an invalid table: \(error)")
            return Table()
        }
    }
}

/// Writing then reading gives back the same table.
struct CSVRoundTripTests {
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomTablesRoundTripWithSchema(seed: UInt64) throws {
        var random = CSVTestRandom(seed: seed)
        let table = CSVTestTables.random(rows: 1 + random.next(below: 300), random: &random)
        let writes = [
            CSVWriteOptions(),
            CSVWriteOptions(delimiter: ";", lineEnding: .crlf),
            CSVWriteOptions(delimiter: "\t", includeHeader: false),
        ]
        for write in writes {
            let bytes = try table.csvBytes(options: write)
            let read = CSVReadOptions(
                delimiter: write.delimiter, hasHeader: write.includeHeader, schema: table.schema,
                allowNonFiniteNumbers: true)
            let back = try Table.readCSV(bytes: bytes, options: read)
            #expect(back == table, "delimiter \(write.delimiter), \(write.lineEnding)")
        }
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func randomTablesRoundTripWithInference(seed: UInt64) throws {
        var random = CSVTestRandom(seed: seed)
        let table = CSVTestTables.random(rows: 200, random: &random, withFloat: false)
        let back = try Table.readCSV(string: table.csvString(), options: CSVReadOptions(allowNonFiniteNumbers: true))
        #expect(back.schema == table.schema)
        #expect(back == table)
    }

    @Test func extremeDoublesRoundTripExactly() throws {
        let values =
            CSVTestTables.specialDoubles + [
                .pi, -.pi, 1 / 3, 2.0.squareRoot(), 1e-5, 123.456, 1e16, 1.7976931348623157e308,
            ]
        let table = try Table(columns: [.double("v", values)])
        let back = try Table.readCSV(string: table.csvString(), options: CSVReadOptions(allowNonFiniteNumbers: true))
        #expect(back == table)
        let text = table.csvString()
        #expect(text.contains("\n1e+308\n"))
        #expect(text.contains("\n5e-324\n"))
        #expect(text.contains("\n-0.0\n"))
        #expect(text.contains("\nNaN\n"))
        #expect(text.contains("\ninf\n"))
        #expect(text.contains("\n-inf\n"))
    }

    @Test func manyRandomDoublesParseExactly() throws {
        var random = CSVTestRandom(seed: 7)
        var values: [Double] = []
        var texts: [String] = []
        for _ in 0..<(CSVTestEnvironment.longTests ? 1_000_000 : 20_000) {
            let value = Double(bitPattern: random.next())
            if value.isNaN || value.isInfinite { continue }
            values.append(value)
            texts.append(value.description)
            // Short decimals exercise the fast path; compare with the standard library's parser.
            let digits = random.next(below: 100_000_000)
            let exponent = random.next(below: 40) - 20
            let short = "\(digits)e\(exponent)"
            texts.append(short)
            values.append(try #require(Double(short)))
        }
        let table = try Table.readCSV(string: "v\n" + texts.joined(separator: "\n"))
        let back = try table.doubles(column: "v")
        #expect(back.count == values.count)
        let mismatches = zip(back, values).filter { $0.bitPattern != $1.bitPattern }
        #expect(mismatches.isEmpty, "first: \(String(describing: mismatches.first))")
    }

    /// Long mantissas with small exponents take the exact 128-bit path; ties must round to even.
    @Test func longDecimalsMatchTheStandardLibrary() throws {
        var random = CSVTestRandom(seed: 31)
        var texts = [
            "9007199254740993", "9007199254740995", "18014398509481986", "18014398509481990", "0.1", "0.3",
            "1.7976931348623157e308", "2.2250738585072011e-308", "123456789012345678901234567890", "4.9e-324",
            "9999999999999999999", "1000000000000000000e19", "0.000000000000000000123456789", "8.98846567431158e307",
            "1.00000000000000011102230246251565404236316680908203125", "7.0064923216240854e-46",
        ]
        let count = CSVTestEnvironment.longTests ? 500_000 : 20_000
        for _ in 0..<count {
            switch random.next(below: 3) {
            case 0:
                // Integers in [2^53, 2^55): every odd one (and more) is a tie.
                texts.append(String(UInt64(1) << 53 + random.next() % (UInt64(3) << 53)))
            case 1:
                let digits = 15 + random.next(below: 5)
                var mantissa = String(random.next() % 10_000_000_000_000_000_000)
                mantissa = String(mantissa.prefix(digits))
                texts.append("\(mantissa)e\(random.next(below: 51) - 25)")
            default:
                let mantissa = random.next() % 100_000_000_000_000_000
                let point = random.next(below: 18)
                var text = String(mantissa)
                if point < text.count {
                    text.insert(".", at: text.index(text.endIndex, offsetBy: -point))
                }
                texts.append((random.chance(0.5) ? "-" : "") + text)
            }
        }
        let table = try Table.readCSV(string: "v\n" + texts.joined(separator: "\n"))
        let parsed = try table.doubles(column: "v")
        let expected = try texts.map { try #require(Double($0)) }
        let mismatches = zip(texts, zip(parsed, expected)).filter { $0.1.0.bitPattern != $0.1.1.bitPattern }
        #expect(mismatches.isEmpty, "first: \(String(describing: mismatches.first))")
    }

    @Test func floatsParseExactly() throws {
        var random = CSVTestRandom(seed: 8)
        var values: [Float] = []
        for _ in 0..<5000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
            if !value.isNaN { values.append(value) }
        }
        let texts = values.map(\.description) + ["0.1", "16777217", "3.4028236e38", "1e-46", "7e-46", "1.5e10"]
        let expected =
            values + ["0.1", "16777217", "3.4028236e38", "1e-46", "7e-46", "1.5e10"].compactMap { Float($0) }
        let table = try Table.readCSV(
            string: "v\n" + texts.joined(separator: "\n"),
            // 1e-46 underflows to zero as a Float: out of range unless allowed.
            options: CSVReadOptions(columnTypes: ["v": .float], allowOutOfRangeNumbers: true)
        )
        let back = try table.floats(column: "v")
        #expect(zip(back, expected).allSatisfy { $0.bitPattern == $1.bitPattern })
    }

    @Test func writeToFileAndReadBack() throws {
        var random = CSVTestRandom(seed: 99)
        let table = CSVTestTables.random(rows: 500, random: &random)
        let path = try CSVTestFiles.path("roundtrip.csv")
        defer { CSVTestFiles.remove(path) }
        try table.writeCSV(path: path, options: CSVWriteOptions(lineEnding: .crlf))
        let options = CSVReadOptions(schema: table.schema, allowNonFiniteNumbers: true)
        #expect(try Table.readCSV(path: path, options: options) == table)
    }
}
