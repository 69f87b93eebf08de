import MLOpsCore

/// Renders rows as left-aligned columns separated by two spaces, the first
/// row as the header followed by a rule; and formats times, durations,
/// numbers and stored text for the terminal.
enum TextTable {
    /// The rows as lines, every cell passed through ``escapingControlCharacters(_:)`` and cut
    /// to `maxColumnWidth` characters.
    static func render(_ rows: [[String]], maxColumnWidth: Int = 48) -> [String] {
        guard let header = rows.first else { return [] }
        let columns = rows.map(\.count).max() ?? header.count
        let cells = rows.map { row in
            (0..<columns).map { index -> String in
                let cell = index < row.count ? escapingControlCharacters(row[index]) : ""
                return cell.count > maxColumnWidth ? String(cell.prefix(maxColumnWidth - 1)) + "…" : cell
            }
        }
        var widths = [Int](repeating: 0, count: columns)
        for row in cells {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ row: [String]) -> String {
            var text = ""
            for (index, cell) in row.enumerated() {
                text +=
                    index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var lines = [line(cells[0])]
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in cells.dropFirst() { lines.append(line(row)) }
        return lines
    }

    /// `text` safe to print on a terminal: see `DisplayText.escapingControlCharacters(_:)`.
    static func escapingControlCharacters(_ text: String) -> String {
        DisplayText.escapingControlCharacters(text)
    }

    /// `2024-05-01 12:34:56` (UTC) for milliseconds since 1970.
    static func time(_ milliseconds: Int64?) -> String {
        guard let milliseconds else { return "-" }
        return UTCTime.text(milliseconds)
    }

    /// `1.2s`, `3m04s`, `-` for a missing end.
    static func duration(from start: Int64, to end: Int64?) -> String {
        guard let end, end >= start else { return "-" }
        let milliseconds = end - start
        if milliseconds < 60_000 { return String(Double(milliseconds / 100) / 10) + "s" }
        let seconds = milliseconds / 1_000
        let remainder = seconds % 60
        return "\(seconds / 60)m" + (remainder < 10 ? "0" : "") + "\(remainder)s"
    }

    /// A byte count for display: `512 B`, `1.5 KiB`, `12.3 MiB`, `1.2 GiB` (binary units, one decimal).
    static func bytes(_ count: UInt64) -> String {
        if count < 1024 { return "\(count) B" }
        var value = Double(count) / 1024
        var unit = 0
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        // Round first so that 1023.96 KiB shows as 1.0 MiB rather than 1024.0 KiB.
        var tenths = (value * 10).rounded()
        if tenths >= 10_240 && unit < units.count - 1 {
            tenths = (value / 1024 * 10).rounded()
            unit += 1
        }
        return "\(Int64(tenths) / 10).\(Int64(tenths) % 10) \(units[unit])"
    }

    /// A metric value for display: up to 6 significant digits.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        if magnitude >= 1e-4 && magnitude < 1e6 {
            let scale = pow10(max(0, 5 - Int(log10floor(magnitude))))
            return String((value * scale).rounded() / scale)
        }
        return String(value)
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    private static func log10floor(_ value: Double) -> Double {
        var exponent = 0.0
        var v = value
        while v >= 10 {
            v /= 10
            exponent += 1
        }
        while v < 1 {
            v *= 10
            exponent -= 1
        }
        return exponent
    }
}
