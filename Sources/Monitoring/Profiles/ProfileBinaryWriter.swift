/// Appends little-endian fixed-width values and length-prefixed strings to a byte array.
struct ProfileBinaryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u16(_ value: UInt16) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func u32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func u64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A non-negative count as 64 bits.
    mutating func count(_ value: Int) { u64(UInt64(clamping: value)) }

    mutating func f64(_ value: Double) { u64(value.bitPattern) }

    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        u32(UInt32(clamping: utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func doubles(_ values: [Double]) {
        u32(UInt32(clamping: values.count))
        bytes.reserveCapacity(bytes.count + 8 * values.count)
        for value in values { f64(value) }
    }
}
