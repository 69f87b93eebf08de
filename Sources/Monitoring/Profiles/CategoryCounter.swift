import MLOpsCore

/// Exact counts of the distinct values in one chunk of a categorical column: an open-addressing hash
/// table of entry indices, reused from chunk to chunk so that a column is counted without allocating per
/// value. The counts then feed ``FrequentItems`` (at most its capacity converted to strings) and each
/// distinct value's hash feeds ``HyperLogLog`` once.
struct CategoryCounter {
    /// Slot → entry index + 1 (0 = empty).
    private var slots: [Int32] = []
    private var mask = 0
    /// Per entry: the value's 64-bit hash, its first row in the chunk (strings) or its value (integers), count.
    private(set) var hashes: [UInt64] = []
    private(set) var keys: [Int64] = []
    private(set) var counts: [Int] = []

    init() {
        resize(to: 256)
    }

    /// Forgets the entries, keeping the table's memory.
    mutating func reset() {
        hashes.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        slots.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            base.update(repeating: 0, count: buffer.count)
        }
    }

    private mutating func resize(to size: Int) {
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        for entry in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(truncatingIfNeeded: entry + 1)
        }
    }

    private mutating func growIfNeeded() {
        if (hashes.count + 1) * 2 > slots.count { resize(to: slots.count * 2) }
    }

    /// Counts the strings of rows `range` of `values` (rows whose `missing` flag is set are skipped);
    /// returns the number of missing rows.
    mutating func countStrings(_ values: UnsafeBufferPointer<String>, range: Range<Int>, missing: MissingRows) -> Int {
        var missingCount = 0
        for row in range {
            if missing.isMissing(row) {
                missingCount += 1
                continue
            }
            let hash = SketchHash.hash(values[row])
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = Int(slots[slot])
                if entry == 0 {
                    growIfNeeded()
                    insert(hash: hash, key: Int64(row))
                    break
                }
                if hashes[entry - 1] == hash, values[Int(keys[entry - 1])] == values[row] {
                    counts[entry - 1] += 1
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        return missingCount
    }

    /// Counts the integers of rows `range` of `values`, skipping missing rows; returns the missing count.
    mutating func countIntegers(_ values: UnsafeBufferPointer<Int64>, range: Range<Int>, missing: MissingRows) -> Int {
        var missingCount = 0
        for row in range {
            if missing.isMissing(row) {
                missingCount += 1
                continue
            }
            let value = values[row]
            let hash = SketchHash.mix(UInt64(bitPattern: value) ^ SketchHash.secret0, SketchHash.secret1)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = Int(slots[slot])
                if entry == 0 {
                    growIfNeeded()
                    insert(hash: hash, key: value)
                    break
                }
                if keys[entry - 1] == value {
                    counts[entry - 1] += 1
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        return missingCount
    }

    private mutating func insert(hash: UInt64, key: Int64) {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        hashes.append(hash)
        keys.append(key)
        counts.append(1)
        slots[slot] = Int32(truncatingIfNeeded: hashes.count)
    }
}

/// Fast missing-row lookups for a column: no mask at all, or the mask's flags.
struct MissingRows {
    private let flags: [Bool]

    init(_ mask: MissingMask) {
        if mask.hasMissing {
            var flags = [Bool](repeating: false, count: mask.count)
            for index in mask.missingIndices { flags[index] = true }
            self.flags = flags
        } else {
            self.flags = []
        }
    }

    /// Whether any row is missing.
    var hasMissing: Bool { !flags.isEmpty }

    @inline(__always)
    func isMissing(_ row: Int) -> Bool { !flags.isEmpty && flags[row] }
}
