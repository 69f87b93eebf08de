/// A pull reader of JSON text over a byte buffer: the lexing every hand-written JSON reader of the
/// package shares (XGBoost model files, the Open Inference Protocol).
///
/// It reads one token at a time and never builds a document: the caller walks objects with
/// ``nextKey(first:)`` and arrays with ``nextElement(first:)`` and converts each value where it
/// stands, numbers straight from their bytes (``numberBytes()``, then `CSVNumberParsing`). The
/// grammar is RFC 8259's, strictly: no comments, no trailing commas, no `NaN` or `Infinity`, no
/// leading zeros, control characters only escaped.
///
/// Every error is an `MLOpsError` `parseError` whose message names the byte offset, followed by the
/// ``hint`` given at creation (what the input was supposed to be). Nesting is bounded by
/// ``maxDepth``; a number is at most 64 characters long.
///
/// The scanner borrows its bytes: use it only inside the closure that lent the buffer
/// (`withUnsafeBufferPointer`).
package struct JSONScanner {
    /// The bytes read.
    package let bytes: UnsafeBufferPointer<UInt8>
    /// The offset of the next byte to read.
    package var position: Int
    /// How many arrays and objects are open.
    package private(set) var depth = 0
    /// The deepest nesting accepted.
    package let maxDepth: Int
    /// A sentence appended to every error message, e.g. what the input should have been.
    package let hint: String

    /// Creates a scanner at the start of `bytes`.
    package init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = 64, hint: String = "") {
        self.bytes = bytes
        self.position = 0
        self.maxDepth = maxDepth
        self.hint = hint
    }

    /// A `parseError` at the current byte: "Malformed JSON at byte N: MESSAGE." and the hint.
    package func error(_ message: String, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
        MLOpsError(
            .parseError, "Malformed JSON at byte \(position): \(message).\(hint.isEmpty ? "" : " " + hint)",
            value: String(position), fileID: fileID, line: line)
    }

    /// Whether only whitespace is left.
    package mutating func isAtEnd() -> Bool {
        skipWhitespace()
        return position >= bytes.count
    }

    /// Checks that only whitespace is left after the document.
    package mutating func finish(fileID: String = #fileID, line: Int = #line) throws {
        guard isAtEnd() else {
            throw error("unexpected text after the end of the JSON document", fileID: fileID, line: line)
        }
    }

    /// Skips spaces, tabs, newlines and carriage returns.
    @inline(__always)
    package mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// The next non-whitespace byte, not consumed.
    ///
    /// - Throws: `parseError` at the end of the input ("the input ends where `what` was expected").
    @inline(__always)
    package mutating func peek(_ what: @autoclosure () -> String = "a value") throws -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw error("the input ends where \(what()) was expected") }
        return bytes[position]
    }

    // MARK: - Structure

    /// Consumes `{` and opens an object.
    package mutating func beginObject(fileID: String = #fileID, line: Int = #line) throws {
        guard try peek("an object") == UInt8(ascii: "{") else {
            throw error("expected an object, found \(kindAhead())", fileID: fileID, line: line)
        }
        try enter()
        position += 1
    }

    /// Consumes `[` and opens an array.
    package mutating func beginArray(fileID: String = #fileID, line: Int = #line) throws {
        guard try peek("an array") == UInt8(ascii: "[") else {
            throw error("expected an array, found \(kindAhead())", fileID: fileID, line: line)
        }
        try enter()
        position += 1
    }

    /// The next key of the open object (its `:` consumed), or `nil` after its closing `}`.
    ///
    /// - Parameter first: `true` before the first key; set to `false` by the call.
    package mutating func nextKey(first: inout Bool) throws -> String? {
        guard try moreMembers(first: &first, close: UInt8(ascii: "}"), "object") else { return nil }
        guard try peek("a key") == UInt8(ascii: "\"") else { throw error("expected a quoted key in an object") }
        let key = try string()
        guard try peek("':'") == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
        position += 1
        return key
    }

    /// Whether the open array has another element (the separator consumed), or `false` after its
    /// closing `]`.
    ///
    /// - Parameter first: `true` before the first element; set to `false` by the call.
    @inline(__always)
    package mutating func nextElement(first: inout Bool) throws -> Bool {
        try moreMembers(first: &first, close: UInt8(ascii: "]"), "array")
    }

    @inline(__always)
    private mutating func moreMembers(first: inout Bool, close: UInt8, _ kind: StaticString) throws -> Bool {
        let byte = try peek("'\(Character(Unicode.Scalar(close)))'")
        if byte == close {
            position += 1
            depth -= 1
            return false
        }
        if first {
            first = false
            return true
        }
        guard byte == UInt8(ascii: ",") else {
            throw error("expected ',' or '\(Character(Unicode.Scalar(close)))' in an \(kind)")
        }
        position += 1
        if try peek() == close { throw error("a trailing ',' in an \(kind)") }
        return true
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= maxDepth else { throw error("arrays and objects nest deeper than \(maxDepth) levels") }
    }

    /// Skips one value of any kind, checking its grammar.
    package mutating func skipValue() throws {
        switch try peek() {
        case UInt8(ascii: "{"):
            try beginObject()
            var first = true
            while try nextKey(first: &first) != nil { try skipValue() }
        case UInt8(ascii: "["):
            try beginArray()
            var first = true
            while try nextElement(first: &first) { try skipValue() }
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = try bool()
        case UInt8(ascii: "n"):
            try literal("null")
        default:
            _ = try numberRange()
        }
    }

    /// What the next value is, for messages: "an object", "a string", "a number"….
    package mutating func kindAhead() -> String {
        skipWhitespace()
        guard position < bytes.count else { return "the end of the input" }
        switch bytes[position] {
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return "a number"
        case let byte: return "'\(Self.printable(byte))'"
        }
    }

    // MARK: - Scalars

    /// Whether the next value is `null`; consumes it if so.
    @inline(__always)
    package mutating func consumeNull() throws -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// Reads `true` or `false`.
    package mutating func bool() throws -> Bool {
        switch try peek("a boolean") {
        case UInt8(ascii: "t"):
            try literal("true")
            return true
        case UInt8(ascii: "f"):
            try literal("false")
            return false
        default:
            throw error("expected true or false, found \(kindAhead())")
        }
    }

    /// Reads the literal `word` (`true`, `false`, `null`).
    package mutating func literal(_ word: StaticString) throws {
        _ = try peek()
        let count = word.utf8CodeUnitCount
        let letters = word.utf8Start
        for offset in 0..<count {
            guard position < bytes.count, bytes[position] == letters[offset] else {
                throw error("expected '\(word)'")
            }
            position += 1
        }
    }

    /// Reads a number per the JSON grammar and returns its byte range.
    package mutating func numberRange() throws -> Range<Int> {
        let first = try peek("a number")
        guard first == UInt8(ascii: "-") || (first &- 0x30) < 10 else {
            throw error("expected a number, found \(kindAhead())")
        }
        let start = position
        if first == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { throw error("the input ends inside a number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, bytes[position] &- 0x30 < 10 { throw error("a number has a leading zero") }
        } else if digits() == 0 {
            throw error("a number needs digits")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw error("a number needs digits after '.'") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits() > 0 else { throw error("a number needs digits in its exponent") }
        }
        guard position - start <= 64 else {
            position = start
            throw error("a number is longer than 64 characters")
        }
        return start..<position
    }

    /// Reads a number per the JSON grammar and returns its bytes, for `CSVNumberParsing`.
    @inline(__always)
    package mutating func numberBytes() throws -> UnsafeBufferPointer<UInt8> {
        let range = try numberRange()
        return UnsafeBufferPointer(rebasing: bytes[range])
    }

    @inline(__always)
    private mutating func digits() -> Int {
        let begin = position
        while position < bytes.count, bytes[position] &- 0x30 < 10 { position += 1 }
        return position - begin
    }

    /// Reads a string, resolving escapes; invalid UTF-8 is repaired with U+FFFD.
    package mutating func string() throws -> String {
        guard try peek("a string") == UInt8(ascii: "\"") else {
            throw error("expected a string, found \(kindAhead())")
        }
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let result = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
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

    private mutating func hex4() throws -> UInt32 {
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

    /// A byte as it reads in a message: itself when printable ASCII, `\0`, `\t`, `\n`, `\r`,
    /// else `\xHH` (a control character or a byte of a multi-byte character).
    package static func printable(_ byte: UInt8) -> String {
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
}
