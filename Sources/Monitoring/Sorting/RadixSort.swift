/// A least-significant-digit radix sort for `Double` and `Float` keys, several times faster than
/// `Array.sort()` on floating-point data. The one sort of the module: the drift tests sort whole columns
/// with it and ``KLLSketch`` its level-0 buffers (about 2,000 values) before each compaction.
///
/// Each key's bits are mapped to an unsigned integer whose order is the numeric order (flip all bits of
/// negatives, the sign bit of positives) and sorted with one counting pass for all digits; a pass whose
/// digit is the same for every key is skipped. The digit width is the one parameter that depends on the
/// size (``Digits``): 11-bit digits (2,048 buckets) from ``Digits/wideThreshold`` keys on, where fewer
/// passes win; 8-bit digits (256 buckets) below, where clearing and prefix-summing 2,048 buckets per pass
/// would cost as much as the keys themselves. Up to 32 keys take an insertion sort.
///
/// `Float` keys take all their passes. `Double` keys first take the passes of their top half (the top 33
/// bits with 11-bit digits, 32 with 8-bit ones) and are then finished by an insertion sort, which is linear
/// when few keys share those bits (spread-out data); if it would move more than 4·count keys, the
/// remaining passes run instead, so the worst case stays linear. Allocation-free apart from the caller's
/// scratch buffer and a small digit histogram.
///
/// NaNs are ordered after +∞ (positive-signed) or before −∞ (negative-signed); callers that need a
/// numeric order remove them first. `-0.0` sorts before `+0.0`.
package enum RadixSort {
    /// The digit width of the passes.
    package enum Digits: Sendable {
        /// 8-bit digits below ``wideThreshold`` keys, 11-bit digits from there on (the default).
        case automatic
        /// 8-bit digits (256 buckets): best for a few thousand keys.
        case narrow
        /// 11-bit digits (2,048 buckets): best for tens of thousands of keys and more.
        case wide

        /// The key count from which ``automatic`` uses 11-bit digits (measured on Zen 4: 8-bit digits are
        /// faster at 500 doubles, 11-bit ones at 2,048 and above, whatever the distribution).
        package static let wideThreshold = 1_024

        func isWide(count: Int) -> Bool {
            switch self {
            case .automatic: count >= Self.wideThreshold
            case .narrow: false
            case .wide: true
            }
        }
    }

    /// Inputs up to this size take an insertion sort.
    static let insertionLimit = 32
    /// The largest input the radix passes take (their digit counts are 32-bit); larger inputs (over
    /// 32 GiB of doubles) take the slow comparison sort of the keys instead.
    static let maximumRadixCount = Int(UInt32.max)

    /// Sorts `values` ascending, using `scratch` (at least as long as `values`) as the second buffer.
    ///
    /// - Parameters:
    ///   - values: The values to sort in place.
    ///   - scratch: Working space of at least `values.count` elements; its contents are overwritten.
    ///   - digits: The digit width; ``Digits/automatic`` picks it by size.
    package static func sort(
        _ values: UnsafeMutableBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>,
        digits: Digits = .automatic
    ) {
        sort(values, scratch: scratch, digits: digits, as: UInt64.self)
    }

    /// Sorts `values` ascending, using `scratch` (at least as long as `values`) as the second buffer.
    ///
    /// - Parameters:
    ///   - values: The values to sort in place.
    ///   - scratch: Working space of at least `values.count` elements; its contents are overwritten.
    ///   - digits: The digit width; ``Digits/automatic`` picks it by size.
    package static func sort(
        _ values: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>,
        digits: Digits = .automatic
    ) {
        sort(values, scratch: scratch, digits: digits, as: UInt32.self)
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

    /// Sorts floating-point `values` through their bit patterns read as `Key`s (same width).
    @inline(__always)
    private static func sort<Value, Key: RadixKey>(
        _ values: UnsafeMutableBufferPointer<Value>, scratch: UnsafeMutableBufferPointer<Value>, digits: Digits,
        as _: Key.Type
    ) {
        let count = values.count
        guard count > 1, let base = values.baseAddress, let other = scratch.baseAddress, scratch.count >= count
        else { return }
        base.withMemoryRebound(to: Key.self, capacity: count) { keys in
            other.withMemoryRebound(to: Key.self, capacity: count) { spare in
                if count <= insertionLimit || count > maximumRadixCount {
                    sortSmall(keys, count: count)
                } else if digits.isWide(count: count) {
                    sortKeys(keys, spare, count: count, width: WideDigits.self)
                } else {
                    sortKeys(keys, spare, count: count, width: NarrowDigits.self)
                }
            }
        }
    }

    /// Insertion sort of the keys (up to ``insertionLimit`` of them), or the standard library's sort of
    /// the keys beyond ``maximumRadixCount``.
    @inline(__always)
    static func sortSmall<Key: RadixKey>(_ keys: UnsafeMutablePointer<Key>, count: Int) {
        for index in 0..<count { keys[index] = Key.encoded(keys[index]) }
        if count <= insertionLimit {
            _ = insertionSort(keys, count: count, budget: Int.max)
        } else {
            var buffer = UnsafeMutableBufferPointer(start: keys, count: count)
            buffer.sort()
        }
        for index in 0..<count { keys[index] = Key.decoded(keys[index]) }
    }

    /// The radix sort proper; the digit width is a type so that each specialisation works with
    /// constant shifts and masks.
    @inline(__always)
    static func sortKeys<Key: RadixKey, Width: DigitWidth>(
        _ keys: UnsafeMutablePointer<Key>, _ spare: UnsafeMutablePointer<Key>, count: Int, width _: Width.Type
    ) {
        let digitBits = Width.bits
        let width = Key.bitWidth
        let radix = 1 << digitBits
        let passes = (width + digitBits - 1) / digitBits
        // One row of bucket offsets, then per-pass digit counts (which stay valid for a rerun). The 16
        // padding slots keep an offset and the count it is summed from at different addresses modulo
        // 4 KiB: otherwise every load of the prefix sum waits on the store before it (4K aliasing).
        // (Heap, not withUnsafeTemporaryAllocation: on Linux its stack-safety check can cost more than
        // sorting a KLL buffer.)
        let histogram = UnsafeMutablePointer<UInt32>.allocate(capacity: (passes + 1) * radix + 16)
        defer { histogram.deallocate() }
        do {
            let offsets = histogram
            let counts = histogram + radix + 16
            var sorted = false
            let topOnly = width == 64
            let skipped = topOnly ? passes / 2 : 0
            if topOnly {
                // Sort by the top half of the digits only, then finish with an insertion sort that may
                // move at most 4·count keys: for spread-out data keys rarely share their top 32–33 bits.
                countDigits(
                    keys, count: count, passes: skipped..<passes, width: Width.self, counts: counts, encode: true)
                let inKeys = scatter(
                    keys, spare, count: count, passes: skipped..<passes, width: Width.self, counts: counts,
                    offsets: offsets)
                if !inKeys { copy(spare, to: keys, count: count) }
                sorted = insertionSort(keys, count: count, budget: 4 &* count)
            }
            if !sorted {
                // The top digits' counts hold for any permutation of the keys: count the others only.
                countDigits(
                    keys, count: count, passes: 0..<(topOnly ? skipped : passes), width: Width.self,
                    counts: counts, encode: !topOnly)
                let inKeys = scatter(
                    keys, spare, count: count, passes: 0..<passes, width: Width.self, counts: counts,
                    offsets: offsets)
                if !inKeys { copy(spare, to: keys, count: count) }
            }
            for index in 0..<count { keys[index] = Key.decoded(keys[index]) }
        }
    }

    /// Counts the digits of `passes`, first mapping each key to its sortable form when `encode` is set.
    @inline(__always)
    static func countDigits<Key: RadixKey, Width: DigitWidth>(
        _ keys: UnsafeMutablePointer<Key>, count: Int, passes: Range<Int>, width _: Width.Type,
        counts: UnsafeMutablePointer<UInt32>, encode: Bool
    ) {
        let digitBits = Width.bits
        let radix = 1 << digitBits
        (counts + passes.lowerBound * radix).initialize(repeating: 0, count: passes.count * radix)
        let mask = Key(radix - 1)
        let lowest = passes.lowerBound
        for index in 0..<count {
            let key = encode ? Key.encoded(keys[index]) : keys[index]
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
    static func scatter<Key: FixedWidthInteger & UnsignedInteger, Width: DigitWidth>(
        _ keys: UnsafeMutablePointer<Key>, _ spare: UnsafeMutablePointer<Key>, count: Int, passes: Range<Int>,
        width _: Width.Type, counts: UnsafeMutablePointer<UInt32>, offsets: UnsafeMutablePointer<UInt32>
    ) -> Bool {
        let digitBits = Width.bits
        let radix = 1 << digitBits
        let mask = Key(radix - 1)
        var source = keys
        var target = spare
        for pass in passes {
            let sizes = counts + pass * radix
            let shift = pass * digitBits
            let first = Int(truncatingIfNeeded: (source[0] >> shift) & mask)
            if Int(sizes[first]) == count { continue }  // every key shares this digit
            var offset: UInt32 = 0
            for digit in 0..<radix {
                offsets[digit] = offset
                offset &+= sizes[digit]
            }
            for index in 0..<count {
                let key = source[index]
                let digit = Int(truncatingIfNeeded: (key >> shift) & mask)
                target[Int(offsets[digit])] = key
                offsets[digit] &+= 1
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

/// A radix digit width, as a type so that ``RadixSort``'s passes are specialised with constant shifts.
protocol DigitWidth {
    /// Bits per digit.
    static var bits: Int { get }
}

/// 8-bit digits (256 buckets).
enum NarrowDigits: DigitWidth {
    static var bits: Int { 8 }
}

/// 11-bit digits (2,048 buckets).
enum WideDigits: DigitWidth {
    static var bits: Int { 11 }
}

/// An unsigned key whose order, after ``encoded(_:)``, is the numeric order of the floating-point value
/// with the same bits.
protocol RadixKey: FixedWidthInteger, UnsignedInteger {
    /// Flips all bits of a negative value, the sign bit of a positive one.
    static func encoded(_ bits: Self) -> Self
    /// The inverse of ``encoded(_:)``.
    static func decoded(_ key: Self) -> Self
}

extension UInt64: RadixKey {
    @inline(__always) static func encoded(_ bits: UInt64) -> UInt64 {
        bits ^ ((0 &- (bits >> 63)) | (1 << 63))
    }

    @inline(__always) static func decoded(_ key: UInt64) -> UInt64 {
        key ^ (((key >> 63) &- 1) | (1 << 63))
    }
}

extension UInt32: RadixKey {
    @inline(__always) static func encoded(_ bits: UInt32) -> UInt32 {
        bits ^ ((0 &- (bits >> 31)) | (1 << 31))
    }

    @inline(__always) static func decoded(_ key: UInt32) -> UInt32 {
        key ^ (((key >> 31) &- 1) | (1 << 31))
    }
}
