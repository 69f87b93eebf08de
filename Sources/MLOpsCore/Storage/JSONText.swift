/// JSON text written by hand where a `JSONEncoder` does not fit (a value inside a larger
/// document, metadata strings): one escaping rule for every module.
package enum JSONText {
    /// `text` as a JSON string literal: `"` and `\` escaped, newline, return and tab as `\n`,
    /// `\r`, `\t`, other control characters and U+2028/U+2029 (line breaks to JavaScript) as
    /// `\uXXXX`; every other character as itself.
    package static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `values` as a JSON array of strings.
    package static func array(_ values: [String]) -> String {
        "[" + values.map(quoted).joined(separator: ",") + "]"
    }
}
