/// Least-significant-digit radix sort of doubles, the kernel behind ``KLLSketch``'s level-0
/// compaction: 8 passes of 8 bits over order-preserving integer keys, skipping passes in which
/// every key has the same digit. Linear time, no comparisons; NaN must not occur.
enum RadixSort {
    /// Sorts `values` ascending in place, using `scratch` (at least as long) as working space.
    static func sort(_ values: UnsafeMutableBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<UInt64>) {
        let count = values.count
        guard count > 1 else { return }
        if count <= 32 {
            insertionSort(values)
            return
        }
        precondition(scratch.count >= count, "RadixSort scratch too small")
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
        let histograms = UnsafeMutablePointer<UInt32>.allocate(capacity: 8 * 256)
        defer { histograms.deallocate() }
        histograms.initialize(repeating: 0, count: 8 * 256)
        guard let source = keys.baseAddress, let target = scratch.baseAddress else { return }
        for index in 0..<count {
            let k = key(source[index])
            source[index] = k
            histograms[Int(k & 0xff)] &+= 1
            histograms[256 + Int((k >> 8) & 0xff)] &+= 1
            histograms[512 + Int((k >> 16) & 0xff)] &+= 1
            histograms[768 + Int((k >> 24) & 0xff)] &+= 1
            histograms[1024 + Int((k >> 32) & 0xff)] &+= 1
            histograms[1280 + Int((k >> 40) & 0xff)] &+= 1
            histograms[1536 + Int((k >> 48) & 0xff)] &+= 1
            histograms[1792 + Int(k >> 56)] &+= 1
        }
        var from = source
        var to = target
        let total = UInt32(truncatingIfNeeded: count)
        for pass in 0..<8 {
            let histogram = histograms + pass * 256
            let shift = UInt64(pass * 8)
            // Skip a pass whose digit is the same for every key.
            if histogram[Int((from[0] >> shift) & 0xff)] == total { continue }
            var sum: UInt32 = 0
            for digit in 0..<256 {
                let c = histogram[digit]
                histogram[digit] = sum
                sum &+= c
            }
            for index in 0..<count {
                let k = from[index]
                let digit = Int((k >> shift) & 0xff)
                let position = Int(histogram[digit])
                histogram[digit] = UInt32(truncatingIfNeeded: position + 1)
                to[position] = k
            }
            swap(&from, &to)
        }
        if from != source {
            for index in 0..<count { source[index] = unkey(from[index]) }
        } else {
            for index in 0..<count { source[index] = unkey(source[index]) }
        }
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
