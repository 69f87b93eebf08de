/// Text from data (stored names, input fields, filter strings) made safe to show to a person.
package enum DisplayText {
    /// `text` with control characters (C0, DEL, C1) and the bidirectional-override characters
    /// written as Swift escapes (`\0`, `\t`, `\n`, `\r`, else `\u{1B}`…), so that text quoted in a
    /// message or printed on a terminal cannot hide itself, move the cursor, recolour the
    /// terminal, ring the bell or reorder what follows it. Other text, a backslash included, is
    /// unchanged.
    package static func escapingControlCharacters(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\0": result += "\\0"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default: result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }

    /// Whether `scalar` is a control character or a bidirectional override.
    package static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
