/// CRC-32C (Castagnoli), the checksum of TFRecord files, with TFRecord's mask.
///
/// Reflected polynomial `0x82F63B78`, initial value and final XOR `0xFFFFFFFF`;
/// `CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283`. The table-driven
/// implementation processes eight bytes per step (slicing-by-8), about 1–2 GB/s.
///
/// ```swift
/// var crc = CRC32C.checksum(header)                  // one call…
/// crc = CRC32C.update(CRC32C.checksum(part1), part2) // …or in parts
/// let stored = CRC32C.masked(crc)                    // as TFRecord stores it
/// ```
enum CRC32C {
    /// The checksum of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    /// The checksum of `bytes`.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(0, bytes)
    }

    /// Continues a checksum: `update(checksum(a), b) == checksum(a + b)`.
    /// Start from `0` for the first part.
    static func update(_ crc: UInt32, _ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(crc, $0) }
    }

    /// Continues a checksum over raw bytes, as the `[UInt8]` overload does.
    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        return table.withUnsafeBufferPointer { t in
            var c = ~crc
            var p = base
            var remaining = bytes.count
            while remaining >= 8 {
                let low = c ^ UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))
                let high = UInt32(littleEndian: (p + 4).loadUnaligned(as: UInt32.self))
                c =
                    t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                p += 8
                remaining -= 8
            }
            while remaining > 0 {
                c = t[Int((c ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (c >> 8)
                p += 1
                remaining -= 1
            }
            return ~c
        }
    }

    /// TFRecord's masked form of a checksum: `((crc >> 15) | (crc << 17)) &+ 0xA282EAD8`.
    static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ maskDelta
    }

    /// Undoes ``masked(_:)``.
    static func unmasked(_ value: UInt32) -> UInt32 {
        let rotated = value &- maskDelta
        return (rotated >> 17) | (rotated << 15)
    }

    private static let maskDelta: UInt32 = 0xA282_EAD8

    /// Eight 256-entry tables: table k maps a byte to its CRC contribution k bytes further on.
    private static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var c = UInt32(byte)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            table[byte] = c
        }
        for byte in 0..<256 {
            var c = table[byte]
            for slice in 1..<8 {
                c = table[Int(c & 0xFF)] ^ (c >> 8)
                table[slice * 256 + byte] = c
            }
        }
        return table
    }()
}
