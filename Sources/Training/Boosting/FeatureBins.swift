import InferenceCore
import MLOpsCore

/// The bins of every feature: ascending upper edges learned from the training rows.
///
/// A value `x` of feature `f` falls in the first bin `b` with `x <= upperEdges[f][b]`; the last
/// edge is `+inf`, so every non-NaN value has a bin. NaN falls in the extra bin
/// `upperEdges[f].count` (``nanBin(_:)``). So a split "bin ≤ t" is exactly the comparison
/// `x <= upperEdges[f][t]` on the raw value, which is what the exported trees use.
struct FeatureBins: Sendable, Hashable {
    /// Per feature, the upper edges of its value bins (at most `maxBins`, the last `+inf`).
    var upperEdges: [[Double]]

    /// Rows sampled (evenly spaced, no randomness) to find the bin edges on large data.
    static let sampleLimit = 200_000

    var featureCount: Int { upperEdges.count }

    /// The bin NaN falls in.
    func nanBin(_ feature: Int) -> Int { upperEdges[feature].count }

    /// The number of bins of `feature`, the NaN bin included.
    func binCount(_ feature: Int) -> Int { upperEdges[feature].count + 1 }

    /// Quantile bin edges of the rows `rows` of `features` (see ``edges(sorted:maxBins:)``).
    static func fit(_ features: FeatureMatrix, rows: [Int], maxBins: Int, pool: WorkerPool) -> FeatureBins {
        let sample: [Int]
        if rows.count > sampleLimit {
            sample = (0..<sampleLimit).map { rows[$0 * rows.count / sampleLimit] }
        } else {
            sample = rows
        }
        let columns = features.columnCount
        let values = features.values
        let results = SharedResults<[Double]>(count: columns, initial: [])
        pool.parallelFor(columns) { feature in
            var column = [Double]()
            column.reserveCapacity(sample.count)
            values.withUnsafeBufferPointer { buffer in
                for row in sample {
                    let value = buffer[row * columns + feature]
                    if !value.isNaN { column.append(value) }
                }
            }
            results.set(feature, edges(sorted: column.sorted(), maxBins: maxBins))
        }
        return FeatureBins(upperEdges: results.values)
    }

    /// The fewest sampled rows a bin holds (LightGBM's `min_data_in_bin`), except where a value
    /// alone is that frequent.
    static let minRowsPerBin = 3

    /// The half-width of the zero bin (LightGBM's `kZeroThreshold`, `1e-35f` widened to double):
    /// values in `(-zeroThreshold, zeroThreshold]` count as zero.
    static let zeroThreshold = Double(Float(1e-35))

    /// The upper edges for sorted non-NaN values, found like LightGBM's binning
    /// (`FindBinWithZeroAsOneBin`): negative values, zeros and positive values never share a bin —
    /// when values lie on both sides of zero there are edges at `-zeroThreshold` and
    /// `zeroThreshold`, so "x ≤ 0" is always a candidate split and zero has a bin of its own. The
    /// negative values get a share of the `maxBins - 1` other bins proportional to their count
    /// (at least one), the positive values the rest; each side is binned by
    /// ``greedyEdges(_:_:maxBins:total:)``. Values on one side of zero only are binned as one run.
    static func edges(sorted: [Double], maxBins: Int) -> [Double] {
        var distinct: [Double] = []
        var counts: [Int] = []
        for value in sorted {
            if let last = distinct.last, last == value {
                counts[counts.count - 1] += 1
            } else {
                distinct.append(value)
                counts.append(1)
            }
        }
        guard distinct.count > 1 else { return [.infinity] }
        // distinct[..<negativeEnd] <= -zeroThreshold < distinct[negativeEnd..<positiveStart]
        // <= zeroThreshold < distinct[positiveStart...]
        let negativeEnd = distinct.firstIndex { $0 > -zeroThreshold } ?? distinct.count
        let positiveStart = distinct[negativeEnd...].firstIndex { $0 > zeroThreshold } ?? distinct.count
        let hasNegative = negativeEnd > 0
        let hasZero = positiveStart > negativeEnd
        let hasPositive = positiveStart < distinct.count
        // All values on one side of zero, or all zero: no zero bin.
        if [hasNegative, hasZero, hasPositive].filter({ $0 }).count == 1 || maxBins < 3 {
            return greedyEdges(distinct[...], counts[...], maxBins: maxBins, total: sorted.count)
        }
        let negativeRows = counts[..<negativeEnd].reduce(0, +)
        let positiveRows = counts[positiveStart...].reduce(0, +)
        var edges: [Double] = []
        if hasNegative {
            let share = Double(negativeRows) / Double(negativeRows + positiveRows) * Double(maxBins - 1)
            edges = greedyEdges(
                distinct[..<negativeEnd], counts[..<negativeEnd], maxBins: max(1, Int(share)), total: negativeRows)
            edges[edges.count - 1] = -zeroThreshold
        }
        if hasPositive {
            edges.append(zeroThreshold)
            edges += greedyEdges(
                distinct[positiveStart...], counts[positiveStart...], maxBins: max(1, maxBins - edges.count),
                total: positiveRows)
        } else {
            edges.append(.infinity)
        }
        return edges
    }

    /// LightGBM's `GreedyFindBin` on one run of sorted distinct values and their counts: with at
    /// most `maxBins` distinct values, an edge after each run of at least ``minRowsPerBin`` rows;
    /// else bins of about equal counts, a very frequent value getting a bin of its own. Each edge
    /// lies halfway between the last value of a bin and the first of the next; the last is `+inf`.
    static func greedyEdges(_ distinct: ArraySlice<Double>, _ counts: ArraySlice<Int>, maxBins: Int, total: Int)
        -> [Double]
    {
        guard distinct.count > 1 else { return [.infinity] }
        let distinct = Array(distinct)
        let counts = Array(counts)
        var edges: [Double] = []
        if distinct.count <= maxBins {
            var inBin = 0
            for index in 0..<(distinct.count - 1) {
                inBin += counts[index]
                if inBin >= minRowsPerBin {
                    edges.append(midpoint(distinct[index], distinct[index + 1]))
                    inBin = 0
                }
            }
        } else {
            let binLimit = max(1, min(maxBins, total / minRowsPerBin))
            var meanBinSize = Double(total) / Double(binLimit)
            let isBig = counts.map { Double($0) >= meanBinSize }
            var restBins = binLimit
            var restRows = total
            for index in counts.indices where isBig[index] {
                restBins -= 1
                restRows -= counts[index]
            }
            meanBinSize = restBins > 0 ? Double(restRows) / Double(restBins) : Double.infinity
            var inBin = 0
            var binCount = 0
            for index in 0..<(distinct.count - 1) {
                if binCount >= binLimit - 1 { break }
                if !isBig[index] { restRows -= counts[index] }
                inBin += counts[index]
                if isBig[index] || Double(inBin) >= meanBinSize
                    || (isBig[index + 1] && Double(inBin) >= max(1, meanBinSize * 0.5))
                {
                    edges.append(midpoint(distinct[index], distinct[index + 1]))
                    binCount += 1
                    inBin = 0
                    if !isBig[index] {
                        restBins -= 1
                        meanBinSize = restBins > 0 ? Double(restRows) / Double(restBins) : Double.infinity
                    }
                }
            }
        }
        edges.append(.infinity)
        return edges
    }

    /// A value `m` with `a <= m < b` (for `a < b`), halfway when that is representable.
    static func midpoint(_ a: Double, _ b: Double) -> Double {
        let middle = a / 2 + b / 2
        return middle >= a && middle < b ? middle : a
    }

    /// The bin of `value` for `feature`.
    @inline(__always)
    static func bin(_ value: Double, edges: UnsafeBufferPointer<Double>) -> UInt8 {
        if value.isNaN { return UInt8(truncatingIfNeeded: edges.count) }
        // Branch-free lower bound: the first edge >= value (the last edge is +inf).
        var first = 0
        var length = edges.count
        while length > 1 {
            let half = length >> 1
            // A vector compare gives an all-ones or zero mask without a branch.
            let edge = edges[first + half - 1]
            let mask = SIMD2<Double>(repeating: edge) .< SIMD2<Double>(repeating: value)
            first &+= half & Int(unsafeBitCast(mask, to: SIMD2<Int64>.self)[0])
            length -= half
        }
        return UInt8(truncatingIfNeeded: first)
    }

    /// The rows `rows` of `features`, binned, column-major: the bin of row `i` (of `rows`) and
    /// feature `f` is at `f * rows.count + i`.
    func binned(_ features: FeatureMatrix, rows: [Int], pool: WorkerPool) -> [UInt8] {
        let count = rows.count
        let columns = features.columnCount
        var out = [UInt8](repeating: 0, count: count * columns)
        guard count > 0, columns > 0 else { return out }
        let flatEdges = upperEdges.flatMap { $0 }
        var edgeStarts = [0]
        for edges in upperEdges { edgeStarts.append(edgeStarts[edgeStarts.count - 1] + edges.count) }
        let starts = edgeStarts
        let blockSize = 4096
        let blocks = (count + blockSize - 1) / blockSize
        out.withUnsafeMutableBufferPointer { output in
            let target = UnsafeSendable(output.baseAddress!)
            features.values.withUnsafeBufferPointer { valueBuffer in
                let source = UnsafeSendable(valueBuffer.baseAddress!)
                flatEdges.withUnsafeBufferPointer { edgeBuffer in
                    let edgeBase = UnsafeSendable(edgeBuffer.baseAddress!)
                    rows.withUnsafeBufferPointer { rowBuffer in
                        let rowBase = UnsafeSendable(rowBuffer.baseAddress!)
                        pool.parallelFor(blocks) { block in
                            let end = min(count, (block + 1) * blockSize)
                            for feature in 0..<columns {
                                let edges = UnsafeBufferPointer(
                                    start: edgeBase.pointer + starts[feature],
                                    count: starts[feature + 1] - starts[feature])
                                let column = target.pointer + feature * count
                                for index in (block * blockSize)..<end {
                                    column[index] = Self.bin(
                                        source.pointer[rowBase.pointer[index] * columns + feature], edges: edges)
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
