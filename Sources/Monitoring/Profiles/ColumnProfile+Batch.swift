public import MLOpsCore

/// Whole-column updates: chunked loops over unsafe buffers, no allocation or dynamic call per value.
extension ColumnProfile {
    /// Rows per chunk of the column kernels: the chunk's finite values stay in L1/L2 between passes.
    static let chunkRows = 4096

    /// Adds every row of `column` (its name is not checked; ``DatasetProfile`` matches columns by name).
    public mutating func update(with column: Column) {
        switch column.storage {
        case .double(let values):
            values.withUnsafeBufferPointer { update(doubles: $0, maskedMissing: column.missingCount) }
        case .float(let values):
            values.withUnsafeBufferPointer { update(floats: $0, maskedMissing: column.missingCount) }
        case .int(let values):
            values.withUnsafeBufferPointer { update(integers: $0, missing: MissingRows(column.missing)) }
        case .string(let values):
            values.withUnsafeBufferPointer { update(strings: $0, missing: MissingRows(column.missing)) }
        case .bool(let values):
            values.withUnsafeBufferPointer { update(booleans: $0, missing: MissingRows(column.missing)) }
        }
    }

    /// Adds a column of doubles; NaN counts as missing.
    ///
    /// - Parameters:
    ///   - values: The values.
    ///   - maskedMissing: How many of the NaNs are missing slots (not NaN values) of a `Column`: they count
    ///     as missing in the profile but not in ``statistics``.
    public mutating func update(doubles values: UnsafeBufferPointer<Double>, maskedMissing: Int = 0) {
        ensureQuantiles()
        let trackItems = tracksFrequentItems(.double)
        var nanCount = 0
        withUnsafeTemporaryAllocation(of: Double.self, capacity: Self.chunkRows) { scratch in
            var start = 0
            while start < values.count {
                let end = Swift.min(values.count, start + Self.chunkRows)
                nanCount += addNumericChunk(UnsafeBufferPointer(rebasing: values[start..<end]), scratch: scratch)
                start = end
            }
        }
        count += values.count
        missingCount += nanCount
        typeCounts.fractional += values.count - nanCount
        let nanValues = Swift.max(0, nanCount - maskedMissing)
        statistics.merge(
            RunningStatistics(
                count: 0, missingCount: nanValues, infiniteCount: 0, mean: 0, m2: 0, minimum: nil, maximum: nil))
        if trackItems {
            ensureFrequentItems()
            for value in values where !value.isNaN { frequentItems?.update(CSVWriter.format(value)) }
        }
    }

    /// Adds a column of floats, widened to doubles; NaN counts as missing.
    ///
    /// - Parameters:
    ///   - values: The values.
    ///   - maskedMissing: How many of the NaNs are missing slots of a `Column`.
    public mutating func update(floats values: UnsafeBufferPointer<Float>, maskedMissing: Int = 0) {
        ensureQuantiles()
        var nanCount = 0
        var wide = [Double](repeating: 0, count: Swift.min(values.count, Self.chunkRows))
        withUnsafeTemporaryAllocation(of: Double.self, capacity: Self.chunkRows) { scratch in
            var start = 0
            while start < values.count {
                let end = Swift.min(values.count, start + Self.chunkRows)
                wide.withUnsafeMutableBufferPointer { buffer in
                    for index in start..<end { buffer[index - start] = Double(values[index]) }
                }
                nanCount += wide.withUnsafeBufferPointer { buffer in
                    addNumericChunk(UnsafeBufferPointer(rebasing: buffer[0..<(end - start)]), scratch: scratch)
                }
                start = end
            }
        }
        count += values.count
        missingCount += nanCount
        typeCounts.fractional += values.count - nanCount
        statistics.merge(
            RunningStatistics(
                count: 0, missingCount: Swift.max(0, nanCount - maskedMissing), infiniteCount: 0, mean: 0, m2: 0,
                minimum: nil, maximum: nil))
        if tracksFrequentItems(.float) {
            ensureFrequentItems()
            for value in values where !value.isNaN { frequentItems?.update(CSVWriter.format(Double(value))) }
        }
    }

    /// Adds a column of integers; rows flagged in `missing` are skipped and counted as missing.
    mutating func update(integers values: UnsafeBufferPointer<Int64>, missing: MissingRows) {
        ensureQuantiles()
        let trackItems = tracksFrequentItems(.int)
        if trackItems { ensureFrequentItems() }
        var counter = CategoryCounter()
        var wide = [Double](repeating: 0, count: Swift.min(values.count, Self.chunkRows))
        var missingRows = 0
        withUnsafeTemporaryAllocation(of: Double.self, capacity: Self.chunkRows) { scratch in
            var start = 0
            while start < values.count {
                let end = Swift.min(values.count, start + Self.chunkRows)
                var present = 0
                wide.withUnsafeMutableBufferPointer { buffer in
                    for index in start..<end where !missing.isMissing(index) {
                        buffer[present] = Double(values[index])
                        present += 1
                    }
                }
                missingRows += (end - start) - present
                _ = wide.withUnsafeBufferPointer { buffer in
                    addNumericChunk(UnsafeBufferPointer(rebasing: buffer[0..<present]), scratch: scratch)
                }
                if trackItems {
                    counter.reset()
                    _ = counter.countIntegers(values, range: start..<end, missing: missing)
                    let counts = counter.counts.indices.map { (key: counter.keys[$0], count: counter.counts[$0]) }
                    frequentItems?.update(counts: counts, total: present) { String($0) }
                }
                start = end
            }
        }
        count += values.count
        missingCount += missingRows
        typeCounts.integral += values.count - missingRows
    }

    /// Adds a column of integers (none missing).
    public mutating func update(integers values: UnsafeBufferPointer<Int64>) {
        update(integers: values, missing: MissingRows(MissingMask(count: 0)))
    }

    /// Adds a column of strings; rows flagged in `missing` are skipped and counted as missing.
    mutating func update(strings values: UnsafeBufferPointer<String>, missing: MissingRows) {
        let trackItems = tracksFrequentItems(.string)
        if trackItems { ensureFrequentItems() }
        var counter = CategoryCounter()
        let chunk = 16_384
        var missingRows = 0
        let precision = cardinality.precision
        var start = 0
        while start < values.count {
            let end = Swift.min(values.count, start + chunk)
            counter.reset()
            let skipped = counter.countStrings(values, range: start..<end, missing: missing)
            missingRows += skipped
            cardinality.registers.withUnsafeMutableBufferPointer { registers in
                guard let base = registers.baseAddress else { return }
                for hash in counter.hashes { HyperLogLog.insert(hash: hash, into: base, precision: precision) }
            }
            if trackItems {
                let counts = counter.counts.indices.map { (key: counter.keys[$0], count: counter.counts[$0]) }
                frequentItems?.update(counts: counts, total: end - start - skipped) { values[Int($0)] }
            }
            start = end
        }
        count += values.count
        missingCount += missingRows
        typeCounts.string += values.count - missingRows
    }

    /// Adds a column of strings (none missing).
    public mutating func update(strings values: UnsafeBufferPointer<String>) {
        update(strings: values, missing: MissingRows(MissingMask(count: 0)))
    }

    /// Adds a column of booleans; rows flagged in `missing` are skipped and counted as missing.
    mutating func update(booleans values: UnsafeBufferPointer<Bool>, missing: MissingRows) {
        var trues = 0
        var falses = 0
        for index in 0..<values.count where !missing.isMissing(index) {
            if values[index] { trues += 1 } else { falses += 1 }
        }
        if trues > 0 { cardinality.update("true") }
        if falses > 0 { cardinality.update("false") }
        if tracksFrequentItems(.bool) {
            ensureFrequentItems()
            frequentItems?.update(
                counts: [(key: "true", count: trues), (key: "false", count: falses)].filter { $0.count > 0 },
                total: trues + falses
            ) { $0 }
        }
        count += values.count
        missingCount += values.count - trues - falses
        typeCounts.boolean += trues + falses
    }

    /// Adds a column of booleans (none missing).
    public mutating func update(booleans values: UnsafeBufferPointer<Bool>) {
        update(booleans: values, missing: MissingRows(MissingMask(count: 0)))
    }

    /// Moments, cardinality and quantiles of one chunk of doubles; returns the number of NaNs.
    ///
    /// Pass 1 copies the finite values to `scratch` with their minimum and maximum and counts NaN and
    /// infinities; pass 2 sums, pass 3 sums squared deviations from the chunk mean (both with four
    /// accumulators), then the chunk merges into ``statistics`` with Chan's formula and its finite values
    /// go to the HyperLogLog and the KLL sketch.
    private mutating func addNumericChunk(
        _ values: UnsafeBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>
    ) -> Int {
        guard let out = scratch.baseAddress else { return 0 }
        var finite = 0
        var nanCount = 0
        var infinite = 0
        var low = Double.infinity
        var high = -Double.infinity
        for value in values {
            if value.isFinite {
                out[finite] = value
                finite += 1
                low = Swift.min(low, value)
                high = Swift.max(high, value)
            } else if value.isNaN {
                nanCount += 1
            } else {
                infinite += 1
            }
        }
        statistics.merge(
            RunningStatistics(
                count: 0, missingCount: 0, infiniteCount: infinite, mean: 0, m2: 0, minimum: nil, maximum: nil))
        guard finite > 0 else { return nanCount }
        var s0 = 0.0
        var s1 = 0.0
        var s2 = 0.0
        var s3 = 0.0
        var index = 0
        while index + 4 <= finite {
            s0 += out[index]
            s1 += out[index + 1]
            s2 += out[index + 2]
            s3 += out[index + 3]
            index += 4
        }
        while index < finite {
            s0 += out[index]
            index += 1
        }
        let mean = ((s0 + s1) + (s2 + s3)) / Double(finite)
        var d0 = 0.0
        var d1 = 0.0
        var d2 = 0.0
        var d3 = 0.0
        index = 0
        while index + 4 <= finite {
            let a = out[index] - mean
            let b = out[index + 1] - mean
            let c = out[index + 2] - mean
            let d = out[index + 3] - mean
            d0 += a * a
            d1 += b * b
            d2 += c * c
            d3 += d * d
            index += 4
        }
        while index < finite {
            let a = out[index] - mean
            d0 += a * a
            index += 1
        }
        statistics.merge(
            RunningStatistics(
                count: finite, missingCount: 0, infiniteCount: 0, mean: mean, m2: (d0 + d1) + (d2 + d3),
                minimum: low, maximum: high))
        let precision = cardinality.precision
        cardinality.registers.withUnsafeMutableBufferPointer { registers in
            guard let base = registers.baseAddress else { return }
            for position in 0..<finite {
                HyperLogLog.insert(hash: SketchHash.hash(out[position]), into: base, precision: precision)
            }
        }
        quantiles?.appendFinite(
            UnsafeBufferPointer(start: out, count: finite), minimum: low, maximum: high)
        return nanCount
    }
}
