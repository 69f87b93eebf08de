/// The level-0 sort of ``KLLSketch``'s compaction: a least-significant-digit radix sort of doubles,
/// passes of 8 bits over the high 32 bits of order-preserving integer keys (skipping passes in which
/// every key has the same digit), finished by an insertion sort of the rare ties, or all 64 bits when
/// ties are many. Linear time for ordinary data; NaN must not occur. (Separate from the drift tests'
/// radix sort so that it can be tuned to the sketch's buffer sizes.)
enum KLLLevelSort {
    /// Sorts `values` ascending in place, using `scratch` (at least as long) as working space.
    static func sort(_ values: UnsafeMutableBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<UInt64>) {
        let count = values.count
        guard count > 1 else { return }
        if count <= 32 {
            insertionSort(values)
            return
        }
        precondition(scratch.count >= count, "KLLLevelSort scratch too small")
        values.withMemoryRebound(to: UInt64.self) { keys in
            sortKeys(keys, scratch: scratch)
        }
    }

    @inline(__always)
    private static func key(_ bits: UInt64) -> UInt64 {
        // Negative values: flip all bits; positive: flip the sign bit. -0.0 sorts before +0.0.
        let mask = UInt64(bitPattern: Int64(bitPattern: bits) >> 63) | 0x8000_0000_0000_0000
        return bits ^ mask
    }

    @inline(__always)
    private static func unkey(_ key: UInt64) -> UInt64 {
        let mask = (key >> 63) &- 1 | 0x8000_0000_0000_0000
        return key ^ mask
    }

    private static func sortKeys(
        _ keys: UnsafeMutableBufferPointer<UInt64>, scratch: UnsafeMutableBufferPointer<UInt64>
    ) {
        let count = keys.count
        guard let source = keys.baseAddress, let target = scratch.baseAddress else { return }
        let histograms = UnsafeMutablePointer<UInt32>.allocate(capacity: 8 * 256)
        defer { histograms.deallocate() }
        histograms.initialize(repeating: 0, count: 8 * 256)
        // First the high 32 bits only (sign, exponent and 20 mantissa bits): values that differ there are
        // then in order, and an insertion sort with a bounded number of moves finishes the rare ties.
        for index in 0..<count {
            let k = key(source[index])
            source[index] = k
            histograms[1024 + Int((k >> 32) & 0xff)] &+= 1
            histograms[1280 + Int((k >> 40) & 0xff)] &+= 1
            histograms[1536 + Int((k >> 48) & 0xff)] &+= 1
            histograms[1792 + Int(k >> 56)] &+= 1
        }
        var current = source
        var spare = target
        if !scatterPasses(4..<8, current, spare, count, histograms) { swap(&current, &spare) }
        if !insertionSortKeys(current, count, moveBudget: 4 * count) {
            // Many ties in the high bits: sort all 64 bits (LSD from the lowest digit).
            for index in 0..<count {
                let k = current[index]
                histograms[Int(k & 0xff)] &+= 1
                histograms[256 + Int((k >> 8) & 0xff)] &+= 1
                histograms[512 + Int((k >> 16) & 0xff)] &+= 1
                histograms[768 + Int((k >> 24) & 0xff)] &+= 1
            }
            if !scatterPasses(0..<8, current, spare, count, histograms) { swap(&current, &spare) }
        }
        for index in 0..<count { source[index] = unkey(current[index]) }
    }

    /// LSD passes over `digits` (8 bits each) from `from` to `to` and back; `histograms` holds 256 counts
    /// per digit (a permutation of the keys has the same counts, so they stay valid).
    /// Returns whether the result is in `from` (an even number of non-trivial passes).
    private static func scatterPasses(
        _ digits: Range<Int>, _ from: UnsafeMutablePointer<UInt64>, _ to: UnsafeMutablePointer<UInt64>,
        _ count: Int, _ histograms: UnsafeMutablePointer<UInt32>
    ) -> Bool {
        var from = from
        var to = to
        var swaps = 0
        let total = UInt32(truncatingIfNeeded: count)
        let offsets = UnsafeMutablePointer<UInt32>.allocate(capacity: 256)
        defer { offsets.deallocate() }
        for pass in digits {
            let histogram = histograms + pass * 256
            let shift = UInt64(pass * 8)
            // Skip a pass whose digit is the same for every key.
            if histogram[Int((from[0] >> shift) & 0xff)] == total { continue }
            var sum: UInt32 = 0
            for digit in 0..<256 {
                offsets[digit] = sum
                sum &+= histogram[digit]
            }
            for index in 0..<count {
                let k = from[index]
                let digit = Int((k >> shift) & 0xff)
                let position = Int(offsets[digit])
                offsets[digit] = UInt32(truncatingIfNeeded: position + 1)
                to[position] = k
            }
            swap(&from, &to)
            swaps += 1
        }
        return swaps % 2 == 0
    }

    /// Insertion sort that gives up (returning `false`, keys still a permutation) after `moveBudget` moves.
    private static func insertionSortKeys(_ keys: UnsafeMutablePointer<UInt64>, _ count: Int, moveBudget: Int) -> Bool {
        var moves = 0
        for index in 1..<count {
            let k = keys[index]
            var position = index
            while position > 0 && keys[position - 1] > k {
                keys[position] = keys[position - 1]
                position -= 1
            }
            keys[position] = k
            moves += index - position
            if moves > moveBudget { return false }
        }
        return true
    }

    private static func insertionSort(_ values: UnsafeMutableBufferPointer<Double>) {
        for index in 1..<values.count {
            let value = values[index]
            var position = index
            while position > 0 && values[position - 1] > value {
                values[position] = values[position - 1]
                position -= 1
            }
            values[position] = value
        }
    }
}
