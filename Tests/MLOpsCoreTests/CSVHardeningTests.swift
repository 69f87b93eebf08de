import Dispatch
import Foundation
import MLOpsCore
import Synchronization
import Testing

/// Regressions from the adversarial run (issue 9): hostile headers, out-of-range numbers, and messages.
struct CSVHardeningTests {
    /// The error thrown by reading `text` in one go; fails the test when nothing (or something else) is thrown.
    private func failure(
        _ text: String, _ options: CSVReadOptions = CSVReadOptions(), sourceLocation: SourceLocation = #_sourceLocation
    ) -> MLOpsError? {
        #expect(throws: MLOpsError.self, sourceLocation: sourceLocation) {
            try Table.readCSV(string: text, options: options)
        }
    }

    // MARK: - Column count and field size

    @Test func headerWithTooManyColumnsIsRefused() throws {
        let header = (1...70_000).map { "c\($0)" }.joined(separator: ",")
        let error = try #require(failure(header + "\n"))
        #expect(error.code == .limitExceeded)
        #expect(error.message.hasPrefix("line 1, column 65537: the record has more than 65536 fields"))
        #expect(error.message.contains("CSVReadOptions.maxColumns"))
        // Exactly at the limit is fine; one more field in a data row fails there, before the field count check.
        let options = CSVReadOptions(maxColumns: 3)
        #expect(try Table.readCSV(string: "a,b,c\n1,2,3\n", options: options).columnCount == 3)
        let row = try #require(failure("a,b,c\n1,2,3\n\"x\ny\",2,3,4\n", options))
        #expect(row.code == .limitExceeded)
        #expect(row.message.hasPrefix("line 4, column 4: the record has more than 3 fields"))
        let raised = try Table.readCSV(string: header + "\n", options: CSVReadOptions(maxColumns: 70_000))
        #expect(raised.columnCount == 70_000)
    }

    @Test func oversizedFieldIsRefusedWhereItStarts() throws {
        let big = String(repeating: "x", count: 3 << 20)
        let options = CSVReadOptions(maxFieldBytes: 1 << 20)
        let header = try #require(failure(big + ",b\n1,2\n", options))
        #expect(header.code == .limitExceeded)
        #expect(header.message.hasPrefix("line 1, column 1: the field is longer than 1048576 bytes"))
        #expect(header.message.contains("CSVReadOptions.maxFieldBytes"))
        #expect(header.value == String(repeating: "x", count: 40))
        let quoted = try #require(failure("a,b\n1,2\n3,\"\n" + big + "\"\n", options))
        #expect(quoted.message.hasPrefix("line 3, column 2 ('b'): the field is longer than 1048576 bytes"))
        // Doubled quotes count as written; a field of exactly the limit is accepted.
        let doubled = "\"" + String(repeating: "\"\"", count: 1 << 19) + "x\""
        let quotes = try #require(failure("a\n" + doubled + "\n", options))
        #expect(quotes.message.hasPrefix("line 2, column 1 ('a'): the field is longer"))
        let exact = String(repeating: "y", count: 1 << 20)
        let table = try Table.readCSV(string: "a\n" + exact + "\n", options: options)
        #expect(table["a"] == .string("a", [exact]))
        // The default limit is 16 MiB.
        let huge = [UInt8](repeating: UInt8(ascii: "z"), count: (16 << 20) + 1)
        let defaultLimit = #expect(throws: MLOpsError.self) { try Table.readCSV(bytes: huge) }
        #expect(defaultLimit?.code == .limitExceeded)
        #expect(defaultLimit?.message.hasPrefix("line 1, column 1: the field is longer than 16777216 bytes") == true)
    }

    @Test func limitOptionsMustBePositive() {
        for options in [CSVReadOptions(maxColumns: 0), CSVReadOptions(maxFieldBytes: 0)] {
            #expect(throws: MLOpsError(.invalidArgument, "")) { try Table.readCSV(string: "a\n1\n", options: options) }
        }
    }

    /// A hostile header streamed through a pipe (the 200 MB header line took 58 s and 6 GB): the reader
    /// fails after a few MB and closes its end, so the writer, which would send 300 MB, stops early.
    @Test(arguments: [
        HostileHeader(
            name: "one huge field", unit: "x", options: CSVReadOptions(maxFieldBytes: 1 << 20), bound: 4 << 20),
        HostileHeader(name: "too many columns", unit: "c,", options: CSVReadOptions(), bound: 4 << 20),
        HostileHeader(
            name: "huge quoted field", unit: "\"\"", options: CSVReadOptions(maxFieldBytes: 1 << 20), bound: 4 << 20),
        HostileHeader(name: "default field limit", unit: "y", options: CSVReadOptions(), bound: 40 << 20),
    ])
    func hostileHeaderStopsEarly(_ hostile: HostileHeader) throws {
        let (name, unit, options, bound) = (hostile.name, hostile.unit, hostile.options, hostile.bound)
        let path = try CSVTestFiles.path("hostile.fifo")
        defer { CSVTestFiles.remove(path) }
        #expect(mkfifo(path, 0o600) == 0)
        let opening = unit == "\"\"" ? "\"" : ""
        let writer = PipeWriter(path: path, opening: opening, unit: unit, total: 300 << 20)
        writer.start()
        let error = #expect(throws: MLOpsError.self, "\(name)") { _ = try CSVReader(path: path, options: options) }
        #expect(error?.code == .limitExceeded, "\(name): \(String(describing: error))")
        #expect(error?.message.hasPrefix("line 1, column ") == true, "\(name)")
        let written = try #require(writer.finish(), "\(name): the writer did not finish")
        #expect(written < bound, "\(name): \(written) bytes were consumed before the reader stopped")
    }

    // MARK: - Out-of-range and non-finite numbers

    @Test func overflowIsAnErrorUnlessAllowed() throws {
        for (text, word) in [("1e999", "1e999"), ("-1e999", "-1e999"), ("1.8e308", "1.8e308")] {
            let error = try #require(failure("v\n1.5\n\(text)\n"))
            #expect(error.code == .parseError)
            #expect(
                error.message.hasPrefix("line 3, column 1 ('v'): \"\(word)\" is too large for a double"), "\(text)")
            #expect(error.message.contains("allowOutOfRangeNumbers"))
            #expect(error.value == text)
        }
        let allowed = try Table.readCSV(
            string: "v\n1e999\n-1e999\n", options: CSVReadOptions(allowOutOfRangeNumbers: true))
        #expect(try allowed.doubles(column: "v") == [.infinity, -.infinity])
        // The largest finite values and the smallest subnormal are in range.
        let edges = try Table.readCSV(string: "v\n1.7976931348623157e308\n-1.7976931348623157e308\n4.9e-324\n")
        #expect(
            try edges.doubles(column: "v") == [
                .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
            ])
    }

    @Test func underflowOfANonZeroNumberIsAnErrorUnlessAllowed() throws {
        for text in ["1e-400", "-2.4e-324", "0." + String(repeating: "0", count: 5000) + "1"] {
            let error = try #require(failure("v\n\(text)\n"))
            #expect(error.message.hasPrefix("line 2, column 1 ('v'): \""), "\(text.prefix(20))")
            #expect(error.message.contains("is too small for a double (it would round to zero)"))
        }
        let allowed = try Table.readCSV(
            string: "v\n1e-400\n-1e-400\n", options: CSVReadOptions(allowOutOfRangeNumbers: true))
        let values = try allowed.doubles(column: "v")
        #expect(values[0].bitPattern == 0.0.bitPattern && values[1].bitPattern == (-0.0).bitPattern)
        // Zero written any way is zero, not an underflow.
        let zeros = try Table.readCSV(string: "v\n0e-400\n0.000\n-0e999\n")
        #expect(try zeros.doubles(column: "v").map(\.bitPattern) == [0.0, 0.0, -0.0].map(\.bitPattern))
    }

    @Test func numbersWithTooManyDigitsAreErrorsUnlessAllowed() throws {
        let manyOnes = String(repeating: "1", count: 10_000)
        for text in [manyOnes, "1." + manyOnes, "0." + String(repeating: "1", count: 768)] {
            for options in [CSVReadOptions(), CSVReadOptions(columnTypes: ["v": .double]), .init(inferenceRowLimit: 5)]
            {
                let error = try #require(failure("v\n2\n\(text)\n", options))
                #expect(error.code == .parseError)
                #expect(
                    error.message.hasPrefix(
                        "line 3, column 1 ('v'): the number (\(text.utf8.count) characters) has more than 767 "
                            + "significant digits"))
            }
        }
        // 767 significant digits are fine, and so are leading and trailing zeros.
        let fine = [
            "0." + String(repeating: "1", count: 767), "1." + String(repeating: "0", count: 10_000),
            String(repeating: "0", count: 10_000) + "1",
        ]
        let table = try Table.readCSV(string: "v\n" + fine.joined(separator: "\n") + "\n")
        #expect(try table.doubles(column: "v") == [try #require(Double(fine[0])), 1, 1])
        let allowed = try Table.readCSV(
            string: "v\n1." + manyOnes + "\n", options: CSVReadOptions(allowOutOfRangeNumbers: true))
        #expect(try allowed.doubles(column: "v") == [1.1111111111111112])
    }

    @Test func floatColumnsUseTheFloatRange() throws {
        let floats = CSVReadOptions(columnTypes: ["v": .float])
        let large = try #require(failure("v\n3.5e38\n", floats))
        #expect(large.message.hasPrefix("line 2, column 1 ('v'): \"3.5e38\" is too large for a float"))
        let small = try #require(failure("v\n1e-46\n", floats))
        #expect(small.message.hasPrefix("line 2, column 1 ('v'): \"1e-46\" is too small for a float"))
        let edges = try Table.readCSV(string: "v\n3.4028235e38\n1e-45\n-0\n", options: floats)
        let values = try edges.floats(column: "v")
        #expect(values[0] == .greatestFiniteMagnitude && values[1] == .leastNonzeroMagnitude)
        #expect(values[2].bitPattern == Float(-0.0).bitPattern)
    }

    /// Type inference counts out-of-range numbers as numbers: a numeric column fails, a text column keeps them.
    @Test func inferenceNeverTurnsOutOfRangeNumbersIntoInfinities() throws {
        let long = String(repeating: "9", count: 10_000)
        for options in [CSVReadOptions(), CSVReadOptions(inferenceRowLimit: 2), CSVReadOptions(inferenceRowLimit: 10)] {
            let error = try #require(failure("v,w\n1,a\n2,b\n1e999,c\n", options))
            // Inferred from two rows the column is int, and 1e999 is not an int.
            let expected = options.inferenceRowLimit == 2 ? "is not a valid int" : "is too large for a double"
            #expect(error.message.hasPrefix("line 4, column 1 ('v'): \"1e999\" \(expected)"))
            let only = try #require(failure("v\n1e999\n", options))
            #expect(only.message.hasPrefix("line 2, column 1 ('v')"))
            let digits = try #require(failure("v\n\(long)\n", options))
            #expect(digits.message.hasPrefix("line 2, column 1 ('v'): the number (10000 characters) has more than"))
        }
        let text = try Table.readCSV(string: "v\n1e999\nabc\n\(long)\n")
        #expect(text["v"] == .string("v", ["1e999", "abc", long]))
        let int = try #require(failure("v\n1e999\n", CSVReadOptions(columnTypes: ["v": .int])))
        #expect(int.message.hasPrefix("line 2, column 1 ('v'): \"1e999\" is not a valid int"))
        // Later batches of a streaming read are checked against the fixed type the same way.
        var reader = try CSVReader(string: "v\n1.5\n2\n-1e999\n")
        #expect(try reader.nextBatch(maxRows: 2)?.rowCount == 2)
        let streamed = #expect(throws: MLOpsError.self) { try reader.nextBatch(maxRows: 2) }
        #expect(streamed?.message.hasPrefix("line 4, column 1 ('v'): \"-1e999\" is too large") == true)
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let table = try Table.readCSV(string: "d,i\n-0,-0\n-0.0,1\n1.5,2\n-0e5,3\n")
        #expect(try table.doubles(column: "d").map(\.bitPattern) == [-0.0, -0.0, 1.5, -0.0].map(\.bitPattern))
        #expect(table["i"] == .int("i", [0, 1, 2, 3]))
        let typed = try Table.readCSV(string: "v\n-0\n", options: CSVReadOptions(columnTypes: ["v": .double]))
        #expect(try typed.doubles(column: "v")[0].bitPattern == (-0.0).bitPattern)
        // An int column that widens to double keeps an earlier -0 as -0.0.
        let widened = try Table.readCSV(string: "v\n-0\n0\n0.5\n")
        #expect(try widened.doubles(column: "v").map(\.bitPattern) == [-0.0, 0.0, 0.5].map(\.bitPattern))
        // Written back, -0.0 stays -0.0 and reads back with its sign.
        let written = table.csvString()
        #expect(written.contains("\n-0.0,0\n-0.0,1\n"))
        let back = try Table.readCSV(string: written)
        #expect(back == table)
        #expect(try back.doubles(column: "d")[0].sign == .minus)
        let floats = try Table(columns: [.float("f", [-0.0])])
        let floatBack = try Table.readCSV(
            string: floats.csvString(), options: CSVReadOptions(columnTypes: ["f": .float]))
        #expect(floatBack == floats)
    }

    // MARK: - Messages

    @Test func emptyInputSaysSo() throws {
        for bytes in [[], [0xEF, 0xBB, 0xBF]] as [[UInt8]] {
            let error = #expect(throws: MLOpsError.self) { try Table.readCSV(bytes: bytes) }
            #expect(error?.code == .parseError)
            #expect(error?.message.hasPrefix("the input CSV is empty; expected a header line") == true)
        }
        let path = try CSVTestFiles.path("empty.csv")
        defer { CSVTestFiles.remove(path) }
        try CSVTestFiles.write("", to: path)
        let file = #expect(throws: MLOpsError.self) { try Table.readCSV(path: path) }
        #expect(file?.message.hasPrefix("the input CSV is empty") == true)
        let blank = try #require(failure("\n1\n"))
        #expect(blank.message.hasPrefix("line 1: the header line is blank"))
    }

    @Test func controlCharactersInMessagesAreEscaped() throws {
        let nul = try #require(failure("a\nx\u{0}y\n", CSVReadOptions(columnTypes: ["a": .int])))
        #expect(nul.message.hasPrefix("line 2, column 1 ('a'): \"x\\0y\" is not a valid int"))
        #expect(nul.value == "x\u{0}y")
        let escape = try #require(failure("a\u{1B}[31m,b\n1,2\nx,3\n", CSVReadOptions(inferenceRowLimit: 1)))
        #expect(escape.message.hasPrefix("line 3, column 1 ('a\\u{1B}[31m'): \"x\" is not a valid int"))
        let duplicate = try #require(failure("a\u{7},a\u{7}\n1,2\n"))
        #expect(duplicate.message.contains("repeats the column name 'a\\u{7}'"))
        let afterQuote = try #require(failure("a\n\"x\"\u{0}\n"))
        #expect(afterQuote.message.contains("unexpected character '\\0' after the closing quote"))
        let bidi = try #require(failure("a\n\u{202E}1\u{85}\n", CSVReadOptions(columnTypes: ["a": .double])))
        #expect(bidi.message.contains("\"\\u{202E}1\\u{85}\" is not a valid double"))
        let names = #expect(throws: MLOpsError.self) {
            try Table.readCSV(string: "a\tb\n1\n", options: CSVReadOptions(columnTypes: ["\r": .int]))
        }
        #expect(names?.message.contains("columnTypes names the column '\\r'") == true)
        #expect(names?.message.contains("'a\\tb'") == true)
        for error in [nul, escape, duplicate, afterQuote, bidi] {
            #expect(!error.message.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        }
    }
}

/// One hostile header for ``CSVHardeningTests/hostileHeaderStopsEarly(_:)``: `unit` repeated forever.
struct HostileHeader: Sendable, CustomTestStringConvertible {
    var name: String
    var unit: String
    var options: CSVReadOptions
    /// The most bytes the reader may consume before it fails.
    var bound: Int
    var testDescription: String { name }
}

/// Writes `opening` and then `unit` repeatedly (up to `total` bytes) into a FIFO from its own thread, counting
/// the bytes the pipe accepted, until the reading end closes.
private final class PipeWriter: Sendable {
    private let path: String
    private let opening: [UInt8]
    private let chunk: [UInt8]
    private let total: Int
    private let written = Mutex(0)
    private let done = DispatchSemaphore(value: 0)

    init(path: String, opening: String, unit: String, total: Int) {
        self.path = path
        self.opening = Array(opening.utf8)
        let unitBytes = Array(unit.utf8)
        self.chunk = Array(repeating: unitBytes, count: (64 << 10) / unitBytes.count).flatMap { $0 }
        self.total = total
    }

    func start() {
        let thread = Thread { [self] in
            // A write to a pipe whose reader has gone fails with EPIPE; keep the signal from killing the process.
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &signals, nil)
            run()
            done.signal()
        }
        thread.start()
    }

    private func run() {
        // Blocks until the reader opens the FIFO.
        let descriptor = open(path, O_WRONLY)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var sent = 0
        var pending = opening
        while sent < total {
            if pending.isEmpty { pending = chunk }
            let count = pending.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            sent += count
            written.withLock { $0 = sent }
            pending.removeFirst(count)
        }
    }

    /// Waits for the writer to stop (the reader closed, or everything was sent) and returns the bytes sent, or
    /// `nil` if it did not stop within a minute.
    func finish() -> Int? {
        guard done.wait(timeout: .now() + 60) == .success else { return nil }
        return written.withLock { $0 }
    }
}
