/// Appends little-endian binary sections (weights, tree tables) and hands out their offsets.
///
/// Every section starts 8-byte aligned, so a reader may map it directly.
struct WeightWriter {
    private(set) var bytes: [UInt8] = []

    /// A reference to `count` elements written at `offset`.
    struct Reference: Codable, Hashable, Sendable {
        var offset: Int
        var count: Int
    }

    private mutating func align() {
        while bytes.count % 8 != 0 { bytes.append(0) }
    }

    mutating func append(_ values: [Float]) -> Reference {
        align()
        let offset = bytes.count
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for v in values { appendInteger(v.bitPattern) }
        return Reference(offset: offset, count: values.count)
    }

    mutating func append(_ values: [Double]) -> Reference {
        align()
        let offset = bytes.count
        bytes.reserveCapacity(bytes.count + values.count * 8)
        for v in values { appendInteger(v.bitPattern) }
        return Reference(offset: offset, count: values.count)
    }

    mutating func append(_ values: [Int64]) -> Reference {
        align()
        let offset = bytes.count
        bytes.reserveCapacity(bytes.count + values.count * 8)
        for v in values { appendInteger(v) }
        return Reference(offset: offset, count: values.count)
    }

    mutating func append(_ values: [Bool]) -> Reference {
        align()
        let offset = bytes.count
        bytes.append(contentsOf: values.map { $0 ? 1 : 0 })
        return Reference(offset: offset, count: values.count)
    }

    /// Starts a raw record section and returns its offset; follow with `appendInteger`/`appendByte`.
    mutating func beginRecords() -> Int {
        align()
        return bytes.count
    }

    mutating func appendByte(_ b: UInt8) { bytes.append(b) }

    mutating func appendInteger<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
