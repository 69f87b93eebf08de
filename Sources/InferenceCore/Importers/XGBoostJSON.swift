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
        root = try bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(
                scanner: JSONScanner(
                    bytes: buffer, maxDepth: Self.maxDepth,
                    hint: "Is this an XGBoost model saved with save_model(\"model.json\")?"))
            let value = try parser.parseValue()
            try parser.scanner.finish()
            return value
        }
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

    /// Builds the document tree from the shared JSON scanner's tokens.
    private struct Parser {
        var scanner: JSONScanner

        mutating func parseValue() throws -> Value {
            switch try scanner.peek() {
            case UInt8(ascii: "{"): return try parseObject()
            case UInt8(ascii: "["): return try parseArray()
            case UInt8(ascii: "\""): return .string(try scanner.string())
            case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool(try scanner.bool())
            case UInt8(ascii: "n"):
                try scanner.literal("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let range = try scanner.numberRange()
                return .number(start: range.lowerBound, end: range.upperBound)
            case let byte:
                throw scanner.error("unexpected character '\(JSONScanner.printable(byte))'")
            }
        }

        mutating func parseArray() throws -> Value {
            try scanner.beginArray()
            let open = scanner.position
            var first = true
            // Fast path: an array of numbers only.
            if try scanner.peek() == UInt8(ascii: "-") || (try scanner.peek() &- 0x30) < 10 {
                let start = scanner.position
                var count = 0
                var end = start
                var onlyNumbers = true
                while try scanner.nextElement(first: &first) {
                    let byte = try scanner.peek()
                    guard byte == UInt8(ascii: "-") || (byte &- 0x30) < 10 else {
                        onlyNumbers = false
                        break
                    }
                    end = try scanner.numberRange().upperBound
                    count += 1
                }
                if onlyNumbers { return .numbers(start: start, end: end, count: count) }
                // A non-number element: parse the array again, generally.
                scanner.position = open
                first = true
            }
            var elements: [Value] = []
            while try scanner.nextElement(first: &first) {
                elements.append(try parseValue())
            }
            return .array(elements)
        }

        mutating func parseObject() throws -> Value {
            try scanner.beginObject()
            var members: [String: Value] = [:]
            var first = true
            while let key = try scanner.nextKey(first: &first) {
                members[key] = try parseValue()
            }
            return .object(members)
        }
    }
}
