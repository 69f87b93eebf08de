/// JSON text written by hand where a `JSONEncoder` does not fit (a value inside a larger
/// document, metadata strings): one escaping rule for every module, ``JSONWriter``'s.
package enum JSONText {
    /// `text` as a JSON string literal: `"` and `\` escaped, newline, return and tab as `\n`,
    /// `\r`, `\t`, other control characters and U+2028/U+2029 (line breaks to JavaScript) as
    /// `\uXXXX`; every other character as itself.
    package static func quoted(_ text: String) -> String {
        var writer = JSONWriter(capacity: text.utf8.count + 2)
        writer.string(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// `values` as a JSON array of strings.
    package static func array(_ values: [String]) -> String {
        "[" + values.map(quoted).joined(separator: ",") + "]"
    }
}
