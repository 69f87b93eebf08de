/// The 64-bit hash the sketches use: a wyhash-style mix (multiply-fold of 64-bit words with
/// fixed odd constants), fast and non-cryptographic, stable across processes and platforms so
/// that serialised sketches merge with sketches built elsewhere.
enum SketchHash {
    static let secret0: UInt64 = 0xa076_1d64_78bd_642f
    static let secret1: UInt64 = 0xe703_7ed1_a0b4_28db
    static let secret2: UInt64 = 0x8ebc_6af0_9c88_c6e3

    /// The high and low halves of the 128-bit product, folded with xor.
    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// The hash of a finite or infinite double; `-0.0` hashes as `+0.0`.
    @inline(__always)
    static func hash(_ value: Double) -> UInt64 {
        let bits = value == 0 ? 0 : value.bitPattern
        return mix(mix(bits ^ secret0, secret1), bits ^ secret2)
    }

    /// The hash of `count` bytes at `base`.
    @inline(__always)
    static func hash(bytes base: UnsafeRawPointer, count: Int) -> UInt64 {
        var seed = mix(secret0 ^ UInt64(truncatingIfNeeded: count), secret1)
        var a: UInt64 = 0
        var b: UInt64 = 0
        if count <= 16 {
            if count >= 4 {
                let shift = (count >> 3) << 2
                a = UInt64(read4(base, 0)) << 32 | UInt64(read4(base, shift))
                b = UInt64(read4(base, count - 4)) << 32 | UInt64(read4(base, count - 4 - shift))
            } else if count > 0 {
                let first = UInt64(base.load(fromByteOffset: 0, as: UInt8.self))
                let middle = UInt64(base.load(fromByteOffset: count >> 1, as: UInt8.self))
                let last = UInt64(base.load(fromByteOffset: count - 1, as: UInt8.self))
                a = first << 16 | middle << 8 | last
            }
        } else {
            var offset = 0
            var remaining = count
            while remaining > 16 {
                seed = mix(read8(base, offset) ^ secret1, read8(base, offset + 8) ^ seed)
                offset += 16
                remaining -= 16
            }
            a = read8(base, count - 16)
            b = read8(base, count - 8)
        }
        a ^= secret1
        b ^= seed
        let product = a.multipliedFullWidth(by: b)
        return mix(product.low ^ secret0 ^ UInt64(truncatingIfNeeded: count), product.high ^ secret1)
    }

    /// The hash of a string's UTF-8 bytes; no allocation for native strings.
    @inline(__always)
    static func hash(_ text: String) -> UInt64 {
        if let hash = text.utf8.withContiguousStorageIfAvailable({ hash($0) }) {
            return hash
        }
        var copy = text
        return copy.withUTF8 { hash($0) }
    }

    /// The hash of the bytes in `bytes`.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return emptyHash }
        return hash(bytes: UnsafeRawPointer(base), count: bytes.count)
    }

    /// The hash of zero bytes.
    static let emptyHash: UInt64 = {
        let product = secret1.multipliedFullWidth(by: mix(secret0, secret1))
        return mix(product.low ^ secret0, product.high ^ secret1)
    }()

    @inline(__always)
    private static func read4(_ base: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    private static func read8(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
