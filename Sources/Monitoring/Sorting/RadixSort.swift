/// A least-significant-digit radix sort for `Double` and `Float` keys, several times faster than
/// `Array.sort()` on floating-point data.
///
/// Each key's bits are mapped to an unsigned integer whose order is the numeric order (flip all bits of
/// negatives, the sign bit of positives), sorted in 11-bit digits (six passes for `Double`, three for
/// `Float`) with one counting pass for all digits, and mapped back. A pass whose digit is the same for
/// every key is skipped. The sort is stable and allocation-free apart from the caller's scratch buffer.
///
/// NaNs are ordered after +∞ (positive-signed) or before −∞ (negative-signed); callers that need a
/// numeric order remove them first. `-0.0` sorts before `+0.0`.
package enum RadixSort {
    /// Digit width in bits.
    @usableFromInline static let digitBits = 11
    /// Buckets per digit.
    @usableFromInline static let radix = 1 << digitBits

    /// Sorts `values` ascending, using `scratch` (at least as long as `values`) as the second buffer.
    package static func sort(_ values: UnsafeMutableBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>) {
        let count = values.count
        guard count > 1, let base = values.baseAddress, let other = scratch.baseAddress, scratch.count >= count
        else { return }
        base.withMemoryRebound(to: UInt64.self, capacity: count) { keys in
            other.withMemoryRebound(to: UInt64.self, capacity: count) { spare in
                sortKeys(keys, spare, count: count, width: 64, encode: encode64, decode: decode64)
            }
        }
    }

    /// Sorts `values` ascending, using `scratch` (at least as long as `values`) as the second buffer.
    package static func sort(_ values: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) {
        let count = values.count
        guard count > 1, let base = values.baseAddress, let other = scratch.baseAddress, scratch.count >= count
        else { return }
        base.withMemoryRebound(to: UInt32.self, capacity: count) { keys in
            other.withMemoryRebound(to: UInt32.self, capacity: count) { spare in
                sortKeys(keys, spare, count: count, width: 32, encode: encode32, decode: decode32)
            }
        }
    }

    /// Sorts `values` ascending.
    package static func sort(_ values: inout [Double]) {
        var scratch = [Double](repeating: 0, count: values.count)
        values.withUnsafeMutableBufferPointer { buffer in
            scratch.withUnsafeMutableBufferPointer { sort(buffer, scratch: $0) }
        }
    }

    /// Sorts `values` ascending.
    package static func sort(_ values: inout [Float]) {
        var scratch = [Float](repeating: 0, count: values.count)
        values.withUnsafeMutableBufferPointer { buffer in
            scratch.withUnsafeMutableBufferPointer { sort(buffer, scratch: $0) }
        }
    }

    @inline(__always) static func encode64(_ bits: UInt64) -> UInt64 {
        bits ^ ((0 &- (bits >> 63)) | (1 << 63))
    }

    @inline(__always) static func decode64(_ key: UInt64) -> UInt64 {
        key ^ (((key >> 63) &- 1) | (1 << 63))
    }

    @inline(__always) static func encode32(_ bits: UInt32) -> UInt32 {
        bits ^ ((0 &- (bits >> 31)) | (1 << 31))
    }

    @inline(__always) static func decode32(_ key: UInt32) -> UInt32 {
        key ^ (((key >> 31) &- 1) | (1 << 31))
    }

    @inline(__always)
    static func sortKeys<Key: FixedWidthInteger & UnsignedInteger>(
        _ keys: UnsafeMutablePointer<Key>, _ spare: UnsafeMutablePointer<Key>, count: Int, width: Int,
        encode: (Key) -> Key, decode: (Key) -> Key
    ) {
        let passes = (width + digitBits - 1) / digitBits
        let mask = Key(radix - 1)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: passes * radix) { histogram in
            histogram.initialize(repeating: 0)
            let counts = histogram.baseAddress.unsafelyUnwrapped
            // One pass: encode in place and count every digit.
            for index in 0..<count {
                let key = encode(keys[index])
                keys[index] = key
                var shifted = key
                for pass in 0..<passes {
                    counts[pass &* radix &+ Int(truncatingIfNeeded: shifted & mask)] &+= 1
                    shifted >>= digitBits
                }
            }
            var source = keys
            var target = spare
            for pass in 0..<passes {
                let bucket = counts + pass * radix
                let first = Int(truncatingIfNeeded: (source[0] >> (pass * digitBits)) & mask)
                if bucket[first] == count { continue }  // every key shares this digit
                var offset = 0
                for digit in 0..<radix {
                    let size = bucket[digit]
                    bucket[digit] = offset
                    offset &+= size
                }
                let shift = pass * digitBits
                for index in 0..<count {
                    let key = source[index]
                    let digit = Int(truncatingIfNeeded: (key >> shift) & mask)
                    target[bucket[digit]] = key
                    bucket[digit] &+= 1
                }
                swap(&source, &target)
            }
            // Decode into the caller's buffer.
            if source == keys {
                for index in 0..<count { keys[index] = decode(keys[index]) }
            } else {
                for index in 0..<count { keys[index] = decode(source[index]) }
            }
        }
    }
}
