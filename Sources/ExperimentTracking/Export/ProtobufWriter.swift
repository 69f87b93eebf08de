/// Appends protobuf wire-format fields to a byte buffer: just what the
/// TensorBoard `Event` and hparams messages need (varint, 64- and 32-bit fixed,
/// length-delimited).
struct ProtobufWriter {
    /// The encoded message so far.
    var bytes: [UInt8] = []

    /// Appends `value` as a base-128 varint (int64 negatives take 10 bytes, not zigzag).
    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Appends a field key: `field << 3 | wireType`.
    mutating func key(_ field: UInt32, _ wireType: UInt32) {
        varint(UInt64(field << 3 | wireType))
    }

    /// An `int64` field (wire type 0).
    mutating func int64(_ field: UInt32, _ value: Int64) {
        key(field, 0)
        varint(UInt64(bitPattern: value))
    }

    /// A `uint64`, `uint32`, `bool` or enum field (wire type 0).
    mutating func uint64(_ field: UInt32, _ value: UInt64) {
        key(field, 0)
        varint(value)
    }

    /// A `double` field (wire type 1, little-endian).
    mutating func double(_ field: UInt32, _ value: Double) {
        key(field, 1)
        fixed64(value.bitPattern)
    }

    /// A `float` field (wire type 5, little-endian).
    mutating func float(_ field: UInt32, _ value: Float) {
        key(field, 5)
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
    }

    /// A `string` or `bytes` field (wire type 2).
    mutating func bytesField(_ field: UInt32, _ value: some Collection<UInt8>) {
        key(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A `string` field (wire type 2, UTF-8).
    mutating func string(_ field: UInt32, _ value: String) {
        bytesField(field, value.utf8)
    }

    /// An embedded message field (wire type 2).
    mutating func message(_ field: UInt32, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        bytesField(field, inner.bytes)
    }

    private mutating func fixed64(_ bits: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }
}
