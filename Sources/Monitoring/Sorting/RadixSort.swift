/// A least-significant-digit radix sort for `Double` and `Float` keys, several times faster than
/// `Array.sort()` on floating-point data.
///
/// Each key's bits are mapped to an unsigned integer whose order is the numeric order (flip all bits of
/// negatives, the sign bit of positives) and sorted in 11-bit digits with one counting pass for all
/// digits; a pass whose digit is the same for every key is skipped. `Float` keys take three passes.
/// `Double` keys first take the three passes of their top 33 bits and are then finished by an insertion
/// sort, which is linear when few keys share those bits (spread-out data); if it would move more than
/// 4·count keys, the full six passes run instead, so the worst case stays linear. Allocation-free apart
/// from the caller's scratch buffer.
///
/// NaNs are ordered after +∞ (positive-signed) or before −∞ (negative-signed); callers that need a
/// numeric order remove them first. `-0.0` sorts before `+0.0`.
package enum RadixSort {
    /// Digit width in bits.
    @usableFromInline static let digitBits = 11
    /// Buckets per digit.
    @usableFromInline static let radix = 1 << digitBits

    /// Sorts `values` ascending, using `scratch` (at least as long as `values`) as the second buffer.
    package static func sort(_ values: UnsafeMutableBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>)
    {
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
        withUnsafeTemporaryAllocation(of: Int.self, capacity: passes * radix) { histogram in
            let counts = histogram.baseAddress.unsafelyUnwrapped
            var sorted = false
            if passes > 3 {
                // Sort by the top three digits only, then finish with an insertion sort that may move
                // at most 4·count keys: for spread-out data keys rarely share their top 33 bits.
                let skipped = passes - 3
                countDigits(keys, count: count, passes: skipped..<passes, counts: counts, encode: encode)
                let inKeys = scatter(keys, spare, count: count, passes: skipped..<passes, counts: counts)
                if !inKeys { copy(spare, to: keys, count: count) }
                sorted = insertionSort(keys, count: count, budget: 4 &* count)
            }
            if !sorted {
                countDigits(
                    keys, count: count, passes: 0..<passes, counts: counts, encode: passes > 3 ? { $0 } : encode)
                let inKeys = scatter(keys, spare, count: count, passes: 0..<passes, counts: counts)
                if !inKeys { copy(spare, to: keys, count: count) }
            }
            for index in 0..<count { keys[index] = decode(keys[index]) }
        }
    }

    @inline(__always)
    static func countDigits<Key: FixedWidthInteger & UnsignedInteger>(
        _ keys: UnsafeMutablePointer<Key>, count: Int, passes: Range<Int>, counts: UnsafeMutablePointer<Int>,
        encode: (Key) -> Key
    ) {
        counts.initialize(repeating: 0, count: passes.upperBound * radix)
        let mask = Key(radix - 1)
        let lowest = passes.lowerBound
        for index in 0..<count {
            let key = encode(keys[index])
            keys[index] = key
            var shifted = key >> (lowest * digitBits)
            for pass in passes {
                counts[pass &* radix &+ Int(truncatingIfNeeded: shifted & mask)] &+= 1
                shifted >>= digitBits
            }
        }
    }

    /// LSD passes over `passes` (skipping a pass whose digit every key shares); returns whether the
    /// result ended in `keys` (else in `spare`).
    @inline(__always)
    static func scatter<Key: FixedWidthInteger & UnsignedInteger>(
        _ keys: UnsafeMutablePointer<Key>, _ spare: UnsafeMutablePointer<Key>, count: Int, passes: Range<Int>,
        counts: UnsafeMutablePointer<Int>
    ) -> Bool {
        let mask = Key(radix - 1)
        var source = keys
        var target = spare
        for pass in passes {
            let bucket = counts + pass * radix
            let shift = pass * digitBits
            let first = Int(truncatingIfNeeded: (source[0] >> shift) & mask)
            if bucket[first] == count { continue }  // every key shares this digit
            var offset = 0
            for digit in 0..<radix {
                let size = bucket[digit]
                bucket[digit] = offset
                offset &+= size
            }
            for index in 0..<count {
                let key = source[index]
                let digit = Int(truncatingIfNeeded: (key >> shift) & mask)
                target[bucket[digit]] = key
                bucket[digit] &+= 1
            }
            swap(&source, &target)
        }
        return source == keys
    }

    @inline(__always)
    static func copy<Key>(_ source: UnsafeMutablePointer<Key>, to target: UnsafeMutablePointer<Key>, count: Int) {
        target.update(from: source, count: count)
    }

    /// Insertion sort that gives up (returning false, keys still a permutation) after `budget` moves.
    @inline(__always)
    static func insertionSort<Key: FixedWidthInteger & UnsignedInteger>(
        _ keys: UnsafeMutablePointer<Key>, count: Int, budget: Int
    ) -> Bool {
        var moves = 0
        var index = 1
        while index < count {
            let key = keys[index]
            if keys[index &- 1] > key {
                var position = index
                repeat {
                    keys[position] = keys[position &- 1]
                    position &-= 1
                    moves &+= 1
                } while position > 0 && keys[position &- 1] > key
                keys[position] = key
                if moves > budget { return false }
            }
            index &+= 1
        }
        return true
    }
}
