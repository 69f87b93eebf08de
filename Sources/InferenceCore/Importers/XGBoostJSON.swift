import MLOpsCore

/// A small, bounded JSON reader for XGBoost model files.
///
/// It builds a light document tree over the input bytes. Numbers are not converted while
/// parsing: a number keeps its byte range, so each field is converted exactly once, to the
/// type the importer needs (`Float(text)` rounds the decimal text straight to float32, with no
/// detour through `Double`). Arrays made only of numbers — nearly all of a model — are stored
/// as one byte range plus a count instead of one node per element.
///
/// Every error is an `MLOpsError` `parseError` naming the byte offset; nesting depth, element
/// counts and string lengths are bounded, so hostile input cannot exhaust the stack or memory.
struct XGBoostJSON {
    /// A parsed JSON value.
    indirect enum Value {
        case null
        case bool(Bool)
        /// A number: its text is `bytes[start ..< end]`.
        case number(start: Int, end: Int)
        case string(String)
        /// An array whose elements are all numbers: the text between the brackets.
        case numbers(start: Int, end: Int, count: Int)
        case array([Value])
        case object([String: Value])

        /// A short description of the value's kind, for error messages.
        var kind: String {
            switch self {
            case .null: "null"
            case .bool: "a boolean"
            case .number: "a number"
            case .string: "a string"
            case .numbers, .array: "an array"
            case .object: "an object"
            }
        }
    }

    /// The input bytes; number values point into them.
    let bytes: [UInt8]
    /// The root value.
    private(set) var root: Value = .null

    private static let maxDepth = 64

    /// Parses a whole document.
    init(bytes: [UInt8]) throws {
        self.bytes = bytes
        var parser = Parser(bytes: bytes)
        root = try parser.parseDocument()
    }

    // MARK: - Conversions

    /// The text of a byte range.
    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// Converts a number value to `Double`.
    func double(_ value: Value, _ what: @autoclosure () -> String) throws -> Double {
        guard case .number(let start, let end) = value, let result = Double(text(start, end)) else {
            throw MLOpsError(.parseError, "\(what()) must be a number, found \(value.kind).")
        }
        return result
    }

    /// Converts a number value to `Int` (it must be an integer in range).
    func int(_ value: Value, _ what: @autoclosure () -> String) throws -> Int {
        guard case .number(let start, let end) = value, let result = Self.parseInt(bytes, start, end) else {
            throw MLOpsError(.parseError, "\(what()) must be an integer, found \(value.kind).")
        }
        return result
    }

    /// The elements of an array of numbers, each as its byte range.
    func numberRanges(_ value: Value, _ what: @autoclosure () -> String) throws -> [(Int, Int)] {
        switch value {
        case .numbers(let start, let end, let count):
            var ranges: [(Int, Int)] = []
            ranges.reserveCapacity(count)
            var position = start
            while position < end {
                while position < end, Self.isSeparator(bytes[position]) { position += 1 }
                let tokenStart = position
                while position < end, !Self.isSeparator(bytes[position]) { position += 1 }
                if position > tokenStart { ranges.append((tokenStart, position)) }
            }
            return ranges
        case .array(let elements) where elements.isEmpty:
            return []
        default:
            throw MLOpsError(.parseError, "\(what()) must be an array of numbers, found \(value.kind).")
        }
    }

    /// An array of numbers converted to `Float`, each rounded once from its decimal text.
    func floats(_ value: Value, _ what: @autoclosure () -> String) throws -> [Float] {
        try numberRanges(value, what()).map { start, end in
            guard let result = Float(text(start, end)) else {
                throw MLOpsError(.parseError, "\(what()) holds a number that is not a float.", value: text(start, end))
            }
            return result
        }
    }

    /// An array of integers.
    func ints(_ value: Value, _ what: @autoclosure () -> String) throws -> [Int] {
        try numberRanges(value, what()).map { start, end in
            guard let result = Self.parseInt(bytes, start, end) else {
                throw MLOpsError(.parseError, "\(what()) must hold integers.", value: text(start, end))
            }
            return result
        }
    }

    /// An array of 0/1 integers or booleans.
    func bools(_ value: Value, _ what: @autoclosure () -> String) throws -> [Bool] {
        if case .array(let elements) = value, !elements.isEmpty {
            return try elements.map { element in
                guard case .bool(let flag) = element else {
                    throw MLOpsError(.parseError, "\(what()) must hold booleans or 0/1, found \(element.kind).")
                }
                return flag
            }
        }
        return try ints(value, what()).map { number in
            guard number == 0 || number == 1 else {
                throw MLOpsError(.parseError, "\(what()) must hold 0 or 1.", value: String(number))
            }
            return number == 1
        }
    }

    /// An array of strings.
    func strings(_ value: Value, _ what: @autoclosure () -> String) throws -> [String] {
        switch value {
        case .array(let elements):
            return try elements.map { element in
                guard case .string(let string) = element else {
                    throw MLOpsError(.parseError, "\(what()) must hold strings, found \(element.kind).")
                }
                return string
            }
        default:
            throw MLOpsError(.parseError, "\(what()) must be an array of strings, found \(value.kind).")
        }
    }

    static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }

    /// Parses a JSON integer token (no fraction or exponent) without overflow.
    static func parseInt(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
        var position = start
        var negative = false
        if position < end, bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < end else { return nil }
        var result = 0
        while position < end {
            let digit = Int(bytes[position]) - 48
            guard digit >= 0, digit <= 9 else { return nil }
            let (times, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) =
                negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            result = sum
            position += 1
        }
        return result
    }

    // MARK: - Parser

    private struct Parser {
        let bytes: [UInt8]
        var position = 0
        var depth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func parseDocument() throws -> Value {
            skipWhitespace()
            let value = try parseValue()
            skipWhitespace()
            guard position == bytes.count else {
                throw error("unexpected text after the end of the JSON document")
            }
            return value
        }

        func error(_ message: String, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
            MLOpsError(
                .parseError,
                "Malformed JSON at byte \(position): \(message). Is this an XGBoost model saved with "
                    + "save_model(\"model.json\")?",
                value: String(position), fileID: fileID, line: line
            )
        }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): position += 1
                default: return
                }
            }
        }

        mutating func parseValue() throws -> Value {
            guard position < bytes.count else { throw error("the input ends where a value was expected") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try parseObject()
            case UInt8(ascii: "["): return try parseArray()
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
            case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
            case UInt8(ascii: "n"): return try parseLiteral("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (start, end) = try scanNumber()
                return .number(start: start, end: end)
            default:
                throw error("unexpected character '\(Self.printable(bytes[position]))'")
            }
        }

        /// A byte as it reads in a message: itself when printable ASCII, `\0`, `\t`, `\n`, `\r`,
        /// else `\xHH` (a control character or a byte of a multi-byte character).
        static func printable(_ byte: UInt8) -> String {
            switch byte {
            case 0: return "\\0"
            case 0x09: return "\\t"
            case 0x0A: return "\\n"
            case 0x0D: return "\\r"
            case 0x20...0x7E: return String(Character(Unicode.Scalar(byte)))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                return "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }

        mutating func parseLiteral(_ word: String, _ value: Value) throws -> Value {
            for byte in word.utf8 {
                guard position < bytes.count, bytes[position] == byte else { throw error("expected '\(word)'") }
                position += 1
            }
            return value
        }

        /// Scans a number per the JSON grammar and returns its byte range.
        mutating func scanNumber() throws -> (Int, Int) {
            let start = position
            func digits() -> Int {
                let begin = position
                while position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 { position += 1 }
                return position - begin
            }
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count else { throw error("the input ends inside a number") }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
            } else if digits() == 0 {
                throw error("a number needs digits")
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw error("a number needs digits after '.'") }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")
                {
                    position += 1
                }
                guard digits() > 0 else { throw error("a number needs digits in its exponent") }
            }
            guard position - start <= 64 else { throw error("a number is longer than 64 characters") }
            return (start, position)
        }

        mutating func enter() throws {
            depth += 1
            guard depth <= XGBoostJSON.maxDepth else {
                throw error("arrays and objects nest deeper than \(XGBoostJSON.maxDepth) levels")
            }
        }

        mutating func parseArray() throws -> Value {
            try enter()
            defer { depth -= 1 }
            let open = position
            position += 1
            skipWhitespace()
            guard position < bytes.count else { throw error("the input ends inside an array") }
            if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array([])
            }
            // Fast path: an array of numbers only.
            let first = bytes[position]
            if first == UInt8(ascii: "-") || (first >= 48 && first <= 57) {
                let start = position
                var count = 0
                while true {
                    skipWhitespace()
                    guard position < bytes.count else { throw error("the input ends inside an array") }
                    let byte = bytes[position]
                    guard byte == UInt8(ascii: "-") || (byte >= 48 && byte <= 57) else { break }
                    _ = try scanNumber()
                    count += 1
                    skipWhitespace()
                    guard position < bytes.count else { throw error("the input ends inside an array") }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                        continue
                    }
                    if bytes[position] == UInt8(ascii: "]") {
                        let end = position
                        position += 1
                        return .numbers(start: start, end: end, count: count)
                    }
                    throw error("expected ',' or ']' in an array")
                }
                // A non-number element: parse the array again, generally.
                position = open + 1
            }
            var elements: [Value] = []
            while true {
                skipWhitespace()
                elements.append(try parseValue())
                skipWhitespace()
                guard position < bytes.count else { throw error("the input ends inside an array") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(elements)
                }
                throw error("expected ',' or ']' in an array")
            }
        }

        mutating func parseObject() throws -> Value {
            try enter()
            defer { depth -= 1 }
            position += 1
            var members: [String: Value] = [:]
            skipWhitespace()
            guard position < bytes.count else { throw error("the input ends inside an object") }
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw error("expected a quoted key in an object")
                }
                let key = try parseString()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                    throw error("expected ':' after an object key")
                }
                position += 1
                skipWhitespace()
                members[key] = try parseValue()
                skipWhitespace()
                guard position < bytes.count else { throw error("the input ends inside an object") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                if bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(members)
                }
                throw error("expected ',' or '}' in an object")
            }
        }

        mutating func parseString() throws -> String {
            position += 1
            let start = position
            // Fast path: no escapes.
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    let result = String(decoding: bytes[start..<position], as: UTF8.self)
                    position += 1
                    return result
                }
                if byte == UInt8(ascii: "\\") { break }
                guard byte >= 0x20 else { throw error("a control character inside a string") }
                position += 1
            }
            var scalars = Array(bytes[start..<position])
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: scalars, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard position < bytes.count else { throw error("the input ends inside a string escape") }
                    let escape = bytes[position]
                    position += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                    case UInt8(ascii: "b"): scalars.append(0x08)
                    case UInt8(ascii: "f"): scalars.append(0x0C)
                    case UInt8(ascii: "n"): scalars.append(0x0A)
                    case UInt8(ascii: "r"): scalars.append(0x0D)
                    case UInt8(ascii: "t"): scalars.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if code >= 0xD800, code < 0xDC00 {
                            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                                bytes[position + 1] == UInt8(ascii: "u")
                            else { throw error("an unpaired UTF-16 surrogate in a string") }
                            position += 2
                            let low = try hex4()
                            guard low >= 0xDC00, low < 0xE000 else { throw error("an invalid UTF-16 surrogate pair") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw error("an invalid \\u escape") }
                        scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default:
                        throw error("an invalid escape in a string")
                    }
                default:
                    guard byte >= 0x20 else { throw error("a control character inside a string") }
                    scalars.append(byte)
                }
            }
            throw error("the input ends inside a string")
        }

        mutating func hex4() throws -> UInt32 {
            guard position + 4 <= bytes.count else { throw error("the input ends inside a \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
                default: throw error("an invalid hex digit in a \\u escape")
                }
                value = value * 16 + digit
                position += 1
            }
            return value
        }
    }
}
