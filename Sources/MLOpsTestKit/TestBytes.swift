import MLOpsCore

/// Deterministic byte content for storage tests: the same seed and count
/// always give the same bytes, so a reader can check an object without
/// having kept a copy (crash tests derive each object's bytes from its key).
public enum TestBytes {
    /// `count` pseudo-random bytes fixed by `seed`; fast enough for tens of MiB.
    public static func pattern(seed: UInt64, count: Int) -> [UInt8] {
        let count = Swift.max(0, count)
        var generator = SeededRandom(seed: seed)
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else {
                initialized = 0
                return
            }
            let raw = UnsafeMutableRawPointer(base)
            var offset = 0
            while offset + 8 <= count {
                raw.storeBytes(of: generator.next().littleEndian, toByteOffset: offset, as: UInt64.self)
                offset += 8
            }
            var word = generator.next()
            while offset < count {
                base[offset] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                offset += 1
            }
            initialized = count
        }
    }

    /// A stable 64-bit hash of `text` (FNV-1a), for deriving seeds and sizes from keys.
    public static func seed(for text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Encodes `value` as 8 big-endian bytes (counters in KV tests).
    public static func encode(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }

    /// Decodes 8 big-endian bytes written by ``encode(_:)``; `nil` for any other length.
    public static func decode(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        return bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
