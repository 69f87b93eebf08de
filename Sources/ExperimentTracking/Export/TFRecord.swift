/// TFRecord framing, the container of TensorBoard event files.
///
/// Each record is, little-endian:
/// `u64 length | u32 masked CRC32C of those 8 bytes | payload | u32 masked CRC32C of the payload`
/// (see ``CRC32C/masked(_:)``). A file is records back to back, with no header.
enum TFRecord {
    /// The bytes a record adds around its payload (8 + 4 + 4).
    static let overhead = 16

    /// Appends one framed record holding `payload` to `output`.
    static func append(_ payload: [UInt8], to output: inout [UInt8]) {
        var header = [UInt8](repeating: 0, count: 12)
        let length = UInt64(payload.count)
        for i in 0..<8 { header[i] = UInt8(truncatingIfNeeded: length >> UInt64(8 * i)) }
        let lengthCRC = CRC32C.masked(
            header.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<8])) })
        for i in 0..<4 { header[8 + i] = UInt8(truncatingIfNeeded: lengthCRC >> UInt32(8 * i)) }
        output.append(contentsOf: header)
        output.append(contentsOf: payload)
        let dataCRC = CRC32C.masked(CRC32C.checksum(payload))
        for i in 0..<4 { output.append(UInt8(truncatingIfNeeded: dataCRC >> UInt32(8 * i))) }
    }

    /// One framed record holding `payload`.
    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        append(payload, to: &output)
        return output
    }
}
