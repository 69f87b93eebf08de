/// JSON text written straight into a byte buffer: the writing half of ``JSONScanner``, for the
/// documents a module writes by hand on a hot path (the Open Inference Protocol's responses).
///
/// It writes tokens only; the caller puts the commas, colons and brackets (``raw(_:)``). Strings
/// are escaped as ``JSONText/quoted(_:)`` escapes them; numbers in their shortest round-trip
/// form. A non-finite floating-point value has no JSON form: ``float(_:)`` and ``double(_:)``
/// write `null` for it, and the reader must know to read `null` back as NaN.
package struct JSONWriter {
    /// The text written so far.
    package var bytes: [UInt8]

    /// Creates a writer, reserving `capacity` bytes.
    package init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends ASCII punctuation or a literal as it is.
    @inline(__always)
    package mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends one ASCII byte.
    @inline(__always)
    package mutating func byte(_ byte: UInt8) {
        bytes.append(byte)
    }

    /// Appends `text` as a quoted, escaped JSON string.
    package mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Fast path: nothing to escape.
            var clean = true
            for byte in utf8
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0xE2 {
                clean = false
                break
            }
            if clean {
                bytes.append(contentsOf: utf8)
            } else {
                appendEscaped(utf8)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0xE2 where index + 2 < utf8.count && utf8[index + 1] == 0x80 && (utf8[index + 2] | 1) == 0xA9:
                // U+2028 and U+2029: line breaks to JavaScript.
                raw(utf8[index + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                index += 2
            default:
                if byte < 0x20 {
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    raw("\\u00")
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0xF)])
                } else {
                    bytes.append(byte)
                }
            }
            index += 1
        }
    }

    /// Appends an integer.
    @inline(__always)
    package mutating func int(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        unsigned(value.magnitude)
    }

    /// Appends a non-negative integer.
    package mutating func unsigned(_ value: UInt64) {
        let start = bytes.count
        var rest = value
        repeat {
            bytes.append(UInt8(truncatingIfNeeded: rest % 10) &+ 0x30)
            rest /= 10
        } while rest > 0
        bytes[start...].reverse()
    }

    /// Appends a `Float` in its shortest round-trip form, or `null` if it is not finite.
    @inline(__always)
    package mutating func float(_ value: Float) {
        guard value.isFinite else { return raw("null") }
        bytes.append(contentsOf: value.description.utf8)
    }

    /// Appends a `Double` in its shortest round-trip form, or `null` if it is not finite.
    @inline(__always)
    package mutating func double(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        bytes.append(contentsOf: value.description.utf8)
    }

    /// Appends `true` or `false`.
    @inline(__always)
    package mutating func bool(_ value: Bool) {
        value ? raw("true") : raw("false")
    }
}
