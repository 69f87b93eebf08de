// What every compare executable does around its measurement: read `--option value` pairs, report
// progress and failures on standard error, print its result as one JSON line.
import Foundation

/// The executable's name (the product name when run from the build directory), for messages.
public let toolName = CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? ""

/// Writes a progress line to standard error.
public func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

/// Prints `message` to standard error, after the executable's name, and exits with `code`.
public func fail(_ message: String, code: Int32 = 1) -> Never {
    log(toolName + ": " + message)
    exit(code)
}

/// Reads the command line as `--option value` pairs (a missing last value reads as ""; the options
/// in `flags` take no value and read as ""), handing each to `apply`; an option `apply` does not
/// know (it returns false) exits with status 2.
public func parseOptions(flags: Set<String> = [], _ apply: (_ option: String, _ value: String) -> Bool) {
    var words = CommandLine.arguments.dropFirst()
    while let word = words.popFirst() {
        let value = flags.contains(word) ? "" : words.popFirst() ?? ""
        if !apply(word, value) { fail("unknown argument \(word)", code: 2) }
    }
}

/// The comma-separated integers of `value` ("1,2" → [1, 2]); words that are not integers are left out.
public func integers(_ value: String) -> [Int] {
    value.split(separator: ",").compactMap { Int($0) }
}

/// Prints `object` (dictionaries, arrays, numbers, strings, booleans) as one line of JSON with
/// sorted keys on standard output.
public func printJSON(_ object: Any) throws {
    let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
}
