/// Number and boolean parsing straight from field bytes, without building a `String` on the common paths.
///
/// Accepted grammar (no spaces, no hex, no digit separators):
/// - bool: `true` / `false`, any letter case;
/// - int: `[+-]?[0-9]+` that fits in `Int64`;
/// - double: `[+-]?(digits[.digits?] | .digits)([eE][+-]?digits)?`, or, any letter case and optionally signed,
///   `nan`, `inf`, `infinity`.
///
/// Range: by default (``Policy``) `nan` / `inf` literals, finite numbers that overflow to infinity or underflow
/// from non-zero to zero, and numbers with more than ``maxSignificantDigits`` significant digits are rejected
/// (the parse functions return `nil`; ``rejection(_:as:policy:)`` says why).
///
/// Doubles are correctly rounded. Decimals with at most 19 significant digits take one of two exact paths:
/// Clinger's fast path (mantissa ≤ 2^53 and power of ten within ±22: one correctly rounded IEEE operation), or
/// exact 128-bit integer arithmetic (power of ten within ±19: the product, or a quotient with a sticky remainder,
/// rounded once to nearest-even). Everything else goes to the standard library's parser.
package enum CSVNumberParsing {
    /// Which numbers outside the finite range of their type a parse accepts.
    package struct Policy: Hashable {
        /// Accept `nan`, `inf` and `infinity` literals.
        package var allowNonFinite: Bool
        /// Accept numbers that overflow to infinity, underflow to zero, or have too many digits, rounded.
        package var allowOutOfRange: Bool

        /// Creates a policy.
        package init(allowNonFinite: Bool, allowOutOfRange: Bool) {
            self.allowNonFinite = allowNonFinite
            self.allowOutOfRange = allowOutOfRange
        }

        /// Everything in the grammar is accepted.
        package static let permissive = Policy(allowNonFinite: true, allowOutOfRange: true)
    }

    /// Why a field in the number grammar was not accepted as a number of its column's type.
    enum Rejection {
        /// A `nan` / `inf` / `infinity` literal.
        case nonFinite
        /// A finite number too large for the type: it would round to infinity.
        case overflow
        /// A non-zero number too small for the type: it would round to zero.
        case underflow
        /// More than ``maxSignificantDigits`` significant digits.
        case tooManyDigits
    }

    /// The most significant digits a number may have (from its first to its last non-zero digit): 767 is the
    /// most any `Double`'s exact decimal value has, so a longer number was not written from a `Double`.
    static let maxSignificantDigits = 767

    /// The pieces of a decimal number, before rounding.
    struct Decimal {
        enum Kind { case finite, nan, infinity }
        var kind: Kind
        var negative: Bool
        /// The first (up to 19) significant digits.
        var mantissa: UInt64
        /// The power of ten applied to ``mantissa``.
        var exponent: Int
        /// Whether significant digits were dropped from ``mantissa``.
        var truncated: Bool
        /// Whether the text had no fraction point and no exponent (it may still be too large for `Int64`).
        var isInteger: Bool
        /// How many significant digits ``mantissa`` holds.
        var digits: Int
        /// Significant digits written, from the first to the last non-zero one (at most 19 when not truncated).
        var significantDigits: Int
    }

    /// What kind of value a field's text is, for type inference.
    enum ValueClass {
        case bool
        /// An integer that fits in `Int64` (also a valid double).
        case int
        case double
        case text
    }

    private static let digitLimit = 19
    /// Exact powers of ten as doubles.
    private static let doublePowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
    /// Exact powers of ten as 64-bit integers, 10^0 through 10^19.
    private static let integerPowers: [UInt64] = [
        1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
        10_000_000_000_000_000_000,
    ]
    /// Exact powers of ten as floats.
    private static let floatPowers: [Float] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// `true`/`false` in any letter case, else `nil`.
    static func parseBool(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch bytes.count {
        case 4:
            if bytes[0] | 0x20 == 0x74, bytes[1] | 0x20 == 0x72, bytes[2] | 0x20 == 0x75, bytes[3] | 0x20 == 0x65 {
                return true
            }
        case 5:
            if bytes[0] | 0x20 == 0x66, bytes[1] | 0x20 == 0x61, bytes[2] | 0x20 == 0x6C, bytes[3] | 0x20 == 0x73,
                bytes[4] | 0x20 == 0x65
            {
                return false
            }
        default:
            break
        }
        return nil
    }

    /// A decimal integer that fits in `Int64`, else `nil`.
    package static func parseInt64(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let count = bytes.count
        var index = 0
        var negative = false
        if count > 0, bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            index = 1
        }
        guard index < count else { return nil }
        var magnitude: UInt64 = 0
        while index < count {
            let digit = bytes[index] &- 0x30
            guard digit < 10 else { return nil }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1 && !overflow2 else { return nil }
            magnitude = sum
            index += 1
        }
        if negative {
            guard magnitude <= UInt64(1) << 63 else { return nil }
            return magnitude == UInt64(1) << 63 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// Splits a number in the double grammar into its parts, or `nil` when the bytes are not a number.
    @inline(__always)
    static func scanDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Decimal? {
        let count = bytes.count
        var index = 0
        var negative = false
        if count > 0, bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            index = 1
        }
        guard index < count else { return nil }
        let first = bytes[index]
        if !isDigit(first) && first != UInt8(ascii: ".") {
            return scanSpecial(bytes, from: index, negative: negative)
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var truncated = false
        var sawDigit = false
        var isInteger = true
        // Digits after the first 19 significant ones, and the position among them of the last non-zero one.
        var extraDigits = 0
        var lastNonzeroExtra = 0
        while index < count, isDigit(bytes[index]) {
            let digit = UInt64(bytes[index] &- 0x30)
            sawDigit = true
            if digits < digitLimit {
                if mantissa != 0 || digit != 0 {
                    mantissa = mantissa &* 10 &+ digit
                    digits += 1
                }
            } else {
                exponent += 1
                truncated = true
                extraDigits += 1
                if digit != 0 { lastNonzeroExtra = extraDigits }
            }
            index += 1
        }
        if index < count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            while index < count, isDigit(bytes[index]) {
                let digit = UInt64(bytes[index] &- 0x30)
                sawDigit = true
                if digits < digitLimit {
                    if mantissa != 0 || digit != 0 {
                        mantissa = mantissa &* 10 &+ digit
                        digits += 1
                    }
                    exponent -= 1
                } else {
                    truncated = true
                    extraDigits += 1
                    if digit != 0 { lastNonzeroExtra = extraDigits }
                }
                index += 1
            }
        }
        guard sawDigit else { return nil }
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index += 1
            var negativeExponent = false
            if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                negativeExponent = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < count else { return nil }
            var written = 0
            while index < count, isDigit(bytes[index]) {
                if written < 100_000 { written = written * 10 + Int(bytes[index] &- 0x30) }
                index += 1
            }
            exponent += negativeExponent ? -written : written
        }
        guard index == count else { return nil }
        return Decimal(
            kind: .finite, negative: negative, mantissa: mantissa, exponent: exponent, truncated: truncated,
            isInteger: isInteger, digits: digits, significantDigits: digits + lastNonzeroExtra
        )
    }

    /// `nan`, `inf` or `infinity` (any letter case) from `index` to the end.
    private static func scanSpecial(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int, negative: Bool) -> Decimal? {
        let length = bytes.count - index
        func matches(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == length else { return false }
            let letters = word.utf8Start
            for offset in 0..<length where bytes[index + offset] | 0x20 != letters[offset] {
                return false
            }
            return true
        }
        if matches("nan") {
            return Decimal(
                kind: .nan, negative: negative, mantissa: 0, exponent: 0, truncated: false, isInteger: false, digits: 0,
                significantDigits: 0
            )
        }
        if matches("inf") || matches("infinity") {
            return Decimal(
                kind: .infinity, negative: negative, mantissa: 0, exponent: 0, truncated: false, isInteger: false,
                digits: 0, significantDigits: 0
            )
        }
        return nil
    }

    /// Whether the bytes are a number in the double grammar.
    static func isDouble(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        scanDecimal(bytes) != nil
    }

    /// The narrowest kind of value the bytes are, in one pass over them.
    @inline(__always)
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> ValueClass {
        let count = bytes.count
        if count == 4 || count == 5, parseBool(bytes) != nil { return .bool }
        guard let decimal = scanDecimal(bytes) else { return .text }
        guard decimal.isInteger else { return .double }
        // Up to 18 significant digits always fit; longer integers are checked exactly.
        if !decimal.truncated && decimal.digits <= 18 { return .int }
        return parseInt64(bytes) == nil ? .double : .int
    }

    /// The correctly rounded `Double` for the bytes, or `nil` when they are not a number or `policy` rejects it.
    @inline(__always)
    package static func parseDouble(_ bytes: UnsafeBufferPointer<UInt8>, policy: Policy) -> Double? {
        guard let decimal = scanDecimal(bytes) else { return nil }
        switch decimal.kind {
        case .nan:
            return policy.allowNonFinite ? .nan : nil
        case .infinity:
            guard policy.allowNonFinite else { return nil }
            return decimal.negative ? -.infinity : .infinity
        case .finite:
            if decimal.mantissa == 0 { return decimal.negative ? -0.0 : 0.0 }
            if !decimal.truncated {
                if decimal.mantissa <= UInt64(1) << 53 && decimal.exponent >= -22 && decimal.exponent <= 22 {
                    var value = Double(decimal.mantissa)
                    if decimal.exponent < 0 {
                        value /= doublePowers[-decimal.exponent]
                    } else {
                        value *= doublePowers[decimal.exponent]
                    }
                    return decimal.negative ? -value : value
                }
                if decimal.exponent >= -19 && decimal.exponent <= 19 {
                    let value = exactDouble(mantissa: decimal.mantissa, exponent: decimal.exponent)
                    return decimal.negative ? -value : value
                }
            }
            // The exact paths above cannot leave the finite range; this one can.
            guard policy.allowOutOfRange || decimal.significantDigits <= maxSignificantDigits else { return nil }
            guard let value = Double(String(decoding: bytes, as: UTF8.self)) else { return nil }
            guard policy.allowOutOfRange || (value.isFinite && value != 0) else { return nil }
            return value
        }
    }

    /// `mantissa × 10^exponent` correctly rounded, for `mantissa` in `1..<10^19` and `exponent` in `-19...19`.
    ///
    /// A positive exponent gives an exact 128-bit product. A negative one divides the mantissa, shifted to the top
    /// of 128 bits, by `10^-exponent`: the quotient has at least 64 significant bits and the remainder says whether
    /// anything was cut off, which is all that rounding to 53 bits needs.
    @inline(__always)
    private static func exactDouble(mantissa: UInt64, exponent: Int) -> Double {
        if exponent >= 0 {
            let product = mantissa.multipliedFullWidth(by: integerPowers[exponent])
            let wide = UInt128(product.high) << 64 | UInt128(product.low)
            return round(wide, binaryExponent: 0, sticky: false)
        }
        let divisor = integerPowers[-exponent]
        let shift = mantissa.leadingZeroBitCount
        let high = mantissa << shift
        let (quotientHigh, remainderHigh) = high.quotientAndRemainder(dividingBy: divisor)
        let (quotientLow, remainder) = divisor.dividingFullWidth((high: remainderHigh, low: 0))
        let quotient = UInt128(quotientHigh) << 64 | UInt128(quotientLow)
        return round(quotient, binaryExponent: -(64 + shift), sticky: remainder != 0)
    }

    /// `value × 2^binaryExponent` rounded to nearest-even; `sticky` means the true value is a little above `value`.
    @inline(__always)
    private static func round(_ value: UInt128, binaryExponent: Int, sticky: Bool) -> Double {
        let bits = 128 - value.leadingZeroBitCount
        var significand: UInt64
        var exponent: Int
        if bits <= 53 {
            significand = UInt64(truncatingIfNeeded: value) << (53 - bits)
            exponent = binaryExponent - (53 - bits)
        } else {
            let shift = bits - 53
            significand = UInt64(truncatingIfNeeded: value >> shift)
            exponent = binaryExponent + shift
            let remainder = value & ((UInt128(1) << shift) - 1)
            let half = UInt128(1) << (shift - 1)
            if remainder > half || (remainder == half && (sticky || significand & 1 == 1)) {
                significand += 1
                if significand == UInt64(1) << 53 {
                    significand >>= 1
                    exponent += 1
                }
            }
        }
        // significand is in [2^52, 2^53): value = significand × 2^exponent.
        let biased = exponent + 52 + 1023
        guard biased > 0 && biased < 2047 else {
            return Double(sign: .plus, exponent: exponent, significand: Double(significand))
        }
        return Double(bitPattern: UInt64(biased) << 52 | (significand & ((UInt64(1) << 52) - 1)))
    }

    /// The correctly rounded `Float` for the bytes, or `nil` when they are not a number or `policy` rejects it.
    package static func parseFloat(_ bytes: UnsafeBufferPointer<UInt8>, policy: Policy) -> Float? {
        guard let decimal = scanDecimal(bytes) else { return nil }
        switch decimal.kind {
        case .nan:
            return policy.allowNonFinite ? .nan : nil
        case .infinity:
            guard policy.allowNonFinite else { return nil }
            return decimal.negative ? -.infinity : .infinity
        case .finite:
            if decimal.mantissa == 0 { return decimal.negative ? -0.0 : 0.0 }
            if !decimal.truncated, decimal.mantissa <= UInt64(1) << 24, decimal.exponent >= -10,
                decimal.exponent <= 10
            {
                var value = Float(decimal.mantissa)
                if decimal.exponent < 0 {
                    value /= floatPowers[-decimal.exponent]
                } else {
                    value *= floatPowers[decimal.exponent]
                }
                return decimal.negative ? -value : value
            }
            // Through the exact double paths: the correctly rounded double rounds to the correctly
            // rounded float unless it lies exactly halfway between two floats (the decimal may not).
            if !decimal.truncated && decimal.exponent >= -19 && decimal.exponent <= 19 {
                let wide =
                    decimal.mantissa <= UInt64(1) << 53 && decimal.exponent >= -22 && decimal.exponent <= 22
                    ? (decimal.exponent < 0
                        ? Double(decimal.mantissa) / doublePowers[-decimal.exponent]
                        : Double(decimal.mantissa) * doublePowers[decimal.exponent])
                    : exactDouble(mantissa: decimal.mantissa, exponent: decimal.exponent)
                let halfway: UInt64 = 1 << 28
                if wide.bitPattern & (halfway << 1 - 1) != halfway {
                    let value = Float(wide)
                    return decimal.negative ? -value : value
                }
            }
            guard policy.allowOutOfRange || decimal.significantDigits <= maxSignificantDigits else { return nil }
            guard let value = Float(String(decoding: bytes, as: UTF8.self)) else { return nil }
            guard policy.allowOutOfRange || (value.isFinite && value != 0) else { return nil }
            return value
        }
    }

    /// Why `policy` rejects the bytes as a number of `type` (`double` or `float`), or `nil` when it does not, or
    /// when they are not a number at all. For error messages: not on the fast path.
    static func rejection(_ bytes: UnsafeBufferPointer<UInt8>, as type: ColumnType, policy: Policy) -> Rejection? {
        guard type == .double || type == .float, let decimal = scanDecimal(bytes) else { return nil }
        switch decimal.kind {
        case .nan, .infinity:
            return policy.allowNonFinite ? nil : .nonFinite
        case .finite:
            guard !policy.allowOutOfRange, decimal.mantissa != 0 else { return nil }
            if decimal.significantDigits > maxSignificantDigits { return .tooManyDigits }
            let magnitude: Double? =
                type == .float
                ? parseFloat(bytes, policy: .permissive).map { Double($0.magnitude) }
                : parseDouble(bytes, policy: .permissive).map(\.magnitude)
            guard let magnitude else { return nil }
            if magnitude.isInfinite { return .overflow }
            if magnitude == 0 { return .underflow }
            return nil
        }
    }
}
