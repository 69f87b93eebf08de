/// Writes the Prometheus text exposition format, version 0.0.4: metric families with one
/// `# HELP` and one `# TYPE` line, then their samples, each line ending in `\n`.
///
/// The writer only formats; it does not check the order of calls. A caller writes a family's
/// header with ``family(_:type:help:)`` and then that family's samples, and validates names it
/// did not choose itself with ``isValidMetricName(_:)`` and ``isValidLabelName(_:)`` first
/// (the writer writes whatever it is given). Label values are escaped (`\\`, `\"`, `\n`) and
/// HELP text too (`\\`, `\n`), as the format requires.
package struct PrometheusWriter: Sendable {
    /// The kinds of metric family the writer writes.
    package enum MetricType: String, Sendable {
        /// A value that only goes up (and resets to zero on restart).
        case counter
        /// A value that goes up and down.
        case gauge
        /// Cumulative `_bucket{le="…"}` samples with `_sum` and `_count`.
        case histogram
        /// A family of unknown type.
        case untyped
    }

    /// The text written so far.
    package private(set) var text: String

    /// An empty writer.
    package init() {
        text = ""
    }

    /// Writes a family's `# HELP` and `# TYPE` lines.
    package mutating func family(_ name: String, type: MetricType, help: String) {
        text += "# HELP "
        text += name
        text += " "
        Self.appendEscaped(help, to: &text, quotes: false)
        text += "\n# TYPE "
        text += name
        text += " "
        text += type.rawValue
        text += "\n"
    }

    /// Writes one sample line, `name{label="value",…} value`, with the labels in the given
    /// order and no braces when there are none. `value` is written as it is: format it with
    /// ``number(_:)-(Double)`` or ``number(_:)-(Int)``.
    package mutating func sample(_ name: String, labels: [(String, String)] = [], value: String) {
        text += name
        if !labels.isEmpty {
            text += "{"
            for (index, label) in labels.enumerated() {
                if index > 0 { text += "," }
                text += label.0
                text += "=\""
                Self.appendEscaped(label.1, to: &text, quotes: true)
                text += "\""
            }
            text += "}"
        }
        text += " "
        text += value
        text += "\n"
    }

    /// Writes one sample of a gauge or counter with a floating-point value.
    package mutating func sample(_ name: String, labels: [(String, String)] = [], value: Double) {
        sample(name, labels: labels, value: Self.number(value))
    }

    /// Writes one sample of a gauge or counter with an integer value.
    package mutating func sample(_ name: String, labels: [(String, String)] = [], value: Int) {
        sample(name, labels: labels, value: String(value))
    }

    /// Writes the samples of one histogram series: a cumulative `_bucket` line per upper bound
    /// (label `le` appended after `labels`), the `le="+Inf"` bucket holding `count`, then
    /// `_sum` and `_count`. Bounds and sum are written as given (format them with
    /// ``number(_:)-(Double)`` or ``decimalSeconds(nanoseconds:)``).
    package mutating func histogram(
        _ name: String, labels: [(String, String)] = [], buckets: [(upperBound: String, cumulativeCount: Int)],
        sum: String, count: Int
    ) {
        let bucket = name + "_bucket"
        for entry in buckets {
            sample(bucket, labels: labels + [("le", entry.upperBound)], value: String(entry.cumulativeCount))
        }
        sample(bucket, labels: labels + [("le", "+Inf")], value: String(count))
        sample(name + "_sum", labels: labels, value: sum)
        sample(name + "_count", labels: labels, value: String(count))
    }

    // MARK: Formatting

    /// A floating-point sample value: `NaN`, `+Inf`, `-Inf`, or the shortest text that reads
    /// back as the same `Double` (`0.25`, `1e-05`, `3.0`).
    package static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return String(value)
    }

    /// An integer sample value.
    package static func number(_ value: Int) -> String { String(value) }

    /// Nanoseconds as seconds in plain decimal (`0.000001`, `12.5`), no exponent.
    package static func decimalSeconds(nanoseconds: Int) -> String {
        let sign = nanoseconds < 0 ? "-" : ""
        let magnitude = nanoseconds.magnitude
        let whole = magnitude / 1_000_000_000
        var fraction = String(magnitude % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// A label value with `\`, `"` and newlines escaped.
    package static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        appendEscaped(value, to: &out, quotes: true)
        return out
    }

    private static func appendEscaped(_ value: String, to out: inout String, quotes: Bool) {
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"" where quotes: out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
    }

    // MARK: Names

    /// Whether `name` is a valid metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    package static func isValidMetricName(_ name: String) -> Bool {
        var first = true
        for byte in name.utf8 {
            let valid =
                isLetter(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || (!first && isDigit(byte))
            guard valid else { return false }
            first = false
        }
        return !first
    }

    /// Whether `name` is a valid label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`
    /// (reserved for Prometheus itself).
    package static func isValidLabelName(_ name: String) -> Bool {
        var first = true
        for byte in name.utf8 {
            let valid = isLetter(byte) || byte == UInt8(ascii: "_") || (!first && isDigit(byte))
            guard valid else { return false }
            first = false
        }
        return !first && !name.hasPrefix("__")
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
