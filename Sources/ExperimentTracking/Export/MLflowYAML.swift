/// Writes the flat `meta.yaml` files of an MLflow file store: one `key: value`
/// line per entry, keys sorted (as `yaml.safe_dump` writes them), strings
/// quoted so that PyYAML's `safe_load` reads back exactly the same string.
struct MLflowYAML {
    /// A value of one entry.
    enum Value {
        /// A string, quoted as needed.
        case string(String)
        /// A string that YAML would read as a number, written `'…'` (MLflow's IDs).
        case quotedString(String)
        /// An integer.
        case integer(Int64)
        /// An integer or `null`.
        case optionalInteger(Int64?)
        /// `null`.
        case null
        /// A literal such as `[]` or `{}`.
        case literal(String)
        /// A mapping of strings, written as a block (keys sorted, indented two
        /// spaces), or `{}` when empty.
        case mapping([String: String])
    }

    private var entries: [(String, Value)] = []

    /// Adds an entry.
    mutating func set(_ key: String, _ value: Value) {
        entries.append((key, value))
    }

    /// The document: sorted `key: value` lines, each ending in a newline.
    var text: String {
        var out = ""
        for (key, value) in entries.sorted(by: { $0.0 < $1.0 }) {
            out += key + ":"
            switch value {
            case .string(let text): out += " " + Self.scalar(text)
            case .quotedString(let text): out += " " + (Self.singleQuoted(text) ?? Self.doubleQuoted(text))
            case .integer(let number): out += " " + String(number)
            case .optionalInteger(let number): out += " " + (number.map { String($0) } ?? "null")
            case .null: out += " null"
            case .literal(let literal): out += " " + literal
            case .mapping(let mapping):
                if mapping.isEmpty { out += " {}" }
                for key in mapping.keys.sorted() {
                    out += "\n  " + Self.scalar(key) + ": " + Self.scalar(mapping[key] ?? "")
                }
            }
            out += "\n"
        }
        return out
    }

    /// `text` as a YAML scalar: plain when it is unambiguously a string made of
    /// safe characters, else single-quoted, else (control characters, line
    /// breaks, characters PyYAML refuses raw) double-quoted with escapes.
    static func scalar(_ text: String) -> String {
        if isSafePlain(text) { return text }
        return singleQuoted(text) ?? doubleQuoted(text)
    }

    private static let reservedWords: Set<String> = [
        "y", "n", "yes", "no", "true", "false", "on", "off", "null",
    ]

    /// Starts with an ASCII letter (so never a number, date or special float),
    /// uses only letters, digits, spaces and `_ - . / % ~ + @`, and `:` only
    /// when not followed by a space (so URIs stay plain, as PyYAML writes them),
    /// does not end with a space or `:`, and is not a YAML 1.1 boolean or null word.
    static func isSafePlain(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, isASCIILetter(first), let last = bytes.last, last != UInt8(ascii: " "),
            last != UInt8(ascii: ":")
        else { return false }
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: ":") {
                if bytes[index + 1] == UInt8(ascii: " ") { return false }
                continue
            }
            let ok =
                isASCIILetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || Self.plainPunctuation.contains(byte)
            if !ok { return false }
        }
        return !reservedWords.contains(text.lowercased())
    }

    private static let plainPunctuation: Set<UInt8> = Set("_-./%~+@ ".utf8)

    /// `'…'` with `'` doubled, or `nil` when the text holds a character that must be escaped.
    static func singleQuoted(_ text: String) -> String? {
        for scalar in text.unicodeScalars where needsEscape(scalar) { return nil }
        return "'" + text.replacing("'", with: "''") + "'"
    }

    /// `"…"` with `\` escapes for `"`, `\`, and every character ``needsEscape(_:)`` names.
    static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if needsEscape(scalar) {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    if scalar.value <= 0xFF {
                        out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                    } else if scalar.value <= 0xFFFF {
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out += "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Control characters, DEL, C1 controls, line and paragraph separators and
    /// non-characters: what PyYAML rejects or folds inside a quoted scalar.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == 0xFEFF
            || v == 0xFFFE || v == 0xFFFF
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
