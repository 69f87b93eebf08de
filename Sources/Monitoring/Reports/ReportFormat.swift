import MLOpsCore

/// How the report writes numbers, times and text for people.
enum ReportFormat {
    /// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and double- or single-quoted attributes.
    static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` cut to `limit` characters, with an ellipsis when cut.
    static func truncated(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(1, limit - 1))) + "…"
    }

    /// A value for people: 4 significant digits, `NaN`, `∞`, `−∞`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e7 {
            // Round to 4 significant digits by scaling with a power of ten.
            let digits = Int((magnitude).log10Floor)
            let rounded: Double
            if digits >= 3 {
                let step = pow10(digits - 3)
                rounded = (value / step).rounded() * step
            } else {
                let scale = pow10(3 - digits)
                rounded = (value * scale).rounded() / scale
            }
            var text = String(rounded)
            if text.hasSuffix(".0") { text.removeLast(2) }
            return text
        }
        let exponent = Int(magnitude.log10Floor)
        let mantissa = value / pow10(exponent)
        var text = String((mantissa * 1000).rounded() / 1000)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text + "e" + String(exponent)
    }

    /// A share as a percentage, `37.5%`.
    static func percent(_ share: Double) -> String {
        share.isFinite ? number(share * 100) + "%" : number(share)
    }

    /// A time as `2026-12-07 21:00:00 UTC`.
    static func time(_ milliseconds: Int64) -> String { UTCTime.text(milliseconds) + " UTC" }

    /// A coordinate for SVG: two decimals, never NaN.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        var text = String(rounded)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        if exponent >= 0 {
            for _ in 0..<exponent { result *= 10 }
        } else {
            for _ in 0..<(-exponent) { result /= 10 }
        }
        return result
    }
}

extension Double {
    /// ⌊log10(self)⌋ for a positive finite value, by repeated scaling (no libm).
    fileprivate var log10Floor: Int {
        var value = self
        var exponent = 0
        while value >= 10 {
            value /= 10
            exponent += 1
        }
        while value < 1 {
            value *= 10
            exponent -= 1
        }
        return exponent
    }
}
