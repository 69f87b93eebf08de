import MLOpsCore

/// A run of metric points of one key, stored under one key-value entry.
///
/// Points are appended in logging order. Layout (format 1): `u8 1`, a varint
/// count, then per point the value's 8 bytes (little-endian bit pattern, so
/// NaN payloads survive), the step as a zigzag varint delta from the previous
/// point's step, and the timestamp as a zigzag varint delta from the previous
/// timestamp (both starting from 0). Typical points take 10 bytes.
struct MetricChunkBuilder {
    private(set) var writer: ByteWriter
    private(set) var count = 0
    private var previousStep: Int64 = 0
    private var previousTimestamp: Int64 = 0
    /// The latest point appended (highest step, then latest timestamp).
    private(set) var latest: (value: Double, step: Int64, timestamp: Int64)?

    static let format: UInt8 = 1
    /// The count is written as a fixed 4-byte varint slot so it can be patched in place.
    private static let headerSize = 5

    init(capacity: Int) {
        writer = ByteWriter(capacity: Self.headerSize + capacity * 10)
        writer.byte(Self.format)
        for _ in 0..<4 { writer.byte(0x80) }
    }

    @inline(__always)
    mutating func append(value: Double, step: Int64, timestamp: Int64) {
        writer.double(value)
        writer.zigzag(step &- previousStep)
        writer.zigzag(timestamp &- previousTimestamp)
        previousStep = step
        previousTimestamp = timestamp
        count += 1
        if let current = latest, step < current.step || (step == current.step && timestamp < current.timestamp) {
            return
        }
        latest = (value, step, timestamp)
    }

    /// The encoded chunk (at most 2²⁸ − 1 points).
    func finished() -> [UInt8] {
        var bytes = writer.bytes
        var n = UInt32(count)
        for i in 1...4 {
            bytes[i] = UInt8(truncatingIfNeeded: n & 0x7F) | (i < 4 ? 0x80 : 0)
            n >>= 7
        }
        return bytes
    }

    /// Appends every point of an encoded chunk to `output` as metrics named `key`.
    static func decode(_ bytes: [UInt8], key: String, into output: inout [Metric]) throws {
        var reader = ByteReader(bytes, what: "metric chunk")
        let format = try reader.byte()
        guard format == Self.format else {
            throw MLOpsError(
                .unsupported, "metric chunk format \(format) is newer than this version understands (\(Self.format))")
        }
        let count = try reader.count()
        output.reserveCapacity(output.count + count)
        var step: Int64 = 0
        var timestamp: Int64 = 0
        for _ in 0..<count {
            let value = try reader.double()
            step &+= try reader.zigzag()
            timestamp &+= try reader.zigzag()
            output.append(Metric(key: key, value: value, step: step, timestamp: timestamp))
        }
    }
}
