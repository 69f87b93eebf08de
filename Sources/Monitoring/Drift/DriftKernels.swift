import MLOpsCore

/// Counts per category over the union of both samples' categories, in ascending category order.
package struct CategoryCounts: Sendable {
    /// Reference count per category.
    package var reference: [Int]
    /// Current count per category.
    package var current: [Int]
}

/// The drift statistics on prepared data: sorted finite values for the numerical methods, category
/// counts for the others. Each follows the SciPy/Evidently formula it names.
package enum DriftKernels {
    // MARK: - Sorted numerical samples

    /// The two-sample KS statistic of sorted samples: (|i·n2 − j·n1| at its maximum, D).
    ///
    /// Both buffers must be non-empty, finite, and each followed in memory by a +∞ sentinel (the merge
    /// walk is branch-free and reads one element past each).
    package static func ksStatistic(
        _ u: UnsafeBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>
    ) -> (numerator: Int, statistic: Double) {
        let n1 = u.count
        let n2 = v.count
        guard n1 > 0, n2 > 0, let a = u.baseAddress, let b = v.baseAddress else { return (0, 0) }
        var i = 0
        var j = 0
        var largest = 0
        var smallest = 0
        var previous = min(a[0], b[0])
        // Before consuming x: if x starts a new value, (i, j) counts every element ≤ the previous value,
        // the points where scipy evaluates both ECDFs.
        for _ in 0..<(n1 &+ n2) {
            let left = a[i]
            let right = b[j]
            let takeLeft = left <= right
            let x = takeLeft ? left : right
            let difference = x != previous ? i &* n2 &- j &* n1 : 0
            largest = max(largest, difference)
            smallest = min(smallest, difference)
            previous = x
            let step = takeLeft ? 1 : 0
            i &+= step
            j &+= 1 &- step
        }
        let numerator = max(largest, -smallest)
        return (numerator, Double(numerator) / (Double(n1) * Double(n2)))
    }

    /// `scipy.stats.wasserstein_distance` of sorted samples: ∫|U − V|.
    ///
    /// Equal sizes: the mean absolute difference of the sorted samples (the same integral). Otherwise a
    /// branch-free merge walk; then both buffers must be followed in memory by a +∞ sentinel.
    package static func wasserstein(_ u: UnsafeBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>) -> Double {
        let n1 = u.count
        let n2 = v.count
        guard n1 > 0, n2 > 0, let a = u.baseAddress, let b = v.baseAddress else { return 0 }
        if n1 == n2 {
            var sums = SIMD8<Double>()
            var index = 0
            while index &+ 8 <= n1 {
                let left = UnsafeRawPointer(a + index).loadUnaligned(as: SIMD8<Double>.self)
                let right = UnsafeRawPointer(b + index).loadUnaligned(as: SIMD8<Double>.self)
                let difference = left - right
                sums += difference.replacing(with: -difference, where: difference .< 0)
                index &+= 8
            }
            var total = sums.sum()
            while index < n1 {
                total += abs(a[index] - b[index])
                index &+= 1
            }
            return total / Double(n1)
        }
        var i = 0
        var j = 0
        var total = 0.0
        var previous = min(a[0], b[0])
        // The CDFs are i/n1 and j/n2 on [previous, x); |i/n1 − j/n2| = |i·n2 − j·n1| / (n1·n2).
        for _ in 0..<(n1 &+ n2) {
            let left = a[i]
            let right = b[j]
            let takeLeft = left <= right
            let x = takeLeft ? left : right
            let difference = i &* n2 &- j &* n1
            total += Double(difference < 0 ? 0 &- difference : difference) * (x - previous)
            previous = x
            let step = takeLeft ? 1 : 0
            i &+= step
            j &+= 1 &- step
        }
        return total / (Double(n1) * Double(n2))
    }

    /// Population standard deviation (`np.std`, ddof 0), two passes.
    package static func populationStandardDeviation(_ values: UnsafeBufferPointer<Double>) -> Double {
        guard let base = values.baseAddress, !values.isEmpty else { return 0 }
        let count = values.count
        var sums = SIMD8<Double>()
        var index = 0
        while index &+ 8 <= count {
            sums += UnsafeRawPointer(base + index).loadUnaligned(as: SIMD8<Double>.self)
            index &+= 8
        }
        var total = sums.sum()
        for rest in index..<count { total += base[rest] }
        let mean = total / Double(count)
        var squares = SIMD8<Double>()
        let center = SIMD8<Double>(repeating: mean)
        index = 0
        while index &+ 8 <= count {
            let deviation = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD8<Double>.self) - center
            squares += deviation * deviation
            index &+= 8
        }
        var squareTotal = squares.sum()
        for rest in index..<count {
            let deviation = base[rest] - mean
            squareTotal += deviation * deviation
        }
        return (squareTotal / Double(count)).squareRoot()
    }

    /// Distinct values of a sorted sample, stopping once `limit` is exceeded.
    package static func distinctCount(_ values: UnsafeBufferPointer<Double>, limit: Int) -> Int {
        guard !values.isEmpty else { return 0 }
        var count = 1
        var last = values[0]
        for value in values where value != last {
            count += 1
            if count > limit { return count }
            last = value
        }
        return count
    }

    /// Distinct values of the union of two sorted samples, stopping once `limit` is exceeded.
    package static func unionDistinctCount(
        _ u: UnsafeBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>, limit: Int
    ) -> Int {
        var i = 0
        var j = 0
        var count = 0
        while i < u.count || j < v.count {
            let x: Double
            if j == v.count || (i < u.count && u[i] <= v[j]) { x = u[i] } else { x = v[j] }
            while i < u.count && u[i] == x { i += 1 }
            while j < v.count && v[j] == x { j += 1 }
            count += 1
            if count > limit { return count }
        }
        return count
    }

    /// Counts per distinct value over the union of two sorted samples, in ascending value order.
    package static func valueCounts(_ u: UnsafeBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>)
        -> CategoryCounts
    {
        var reference: [Int] = []
        var current: [Int] = []
        var i = 0
        var j = 0
        while i < u.count || j < v.count {
            let x: Double
            if j == v.count || (i < u.count && u[i] <= v[j]) { x = u[i] } else { x = v[j] }
            let i0 = i
            let j0 = j
            while i < u.count && u[i] == x { i += 1 }
            while j < v.count && v[j] == x { j += 1 }
            reference.append(i - i0)
            current.append(j - j0)
        }
        return CategoryCounts(reference: reference, current: current)
    }

    /// Evidently's numerical binning (`np.histogram_bin_edges(combined, "sturges")`, then
    /// `np.histogram` of each sample on those edges) for sorted samples.
    package static func sturgesCounts(
        _ u: UnsafeBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>, integerValues: Bool
    ) -> CategoryCounts {
        let edges = sturgesEdges(
            low: min(u[0], v[0]), high: max(u[u.count - 1], v[v.count - 1]), total: u.count + v.count,
            integerValues: integerValues)
        return CategoryCounts(reference: histogram(u, edges: edges), current: histogram(v, edges: edges))
    }

    /// The bin edges of `np.histogram_bin_edges(combined, "sturges")` for a combined sample of `total`
    /// values from `low` to `high` (bin width at least 1 for integer data, as Evidently asks numpy).
    package static func sturgesEdges(low: Double, high: Double, total: Int, integerValues: Bool) -> [Double] {
        var first = low
        var last = high
        if first == last {
            first -= 0.5
            last += 0.5
        }
        var width = (high - low) / (Platform.log2(Double(total)) + 1.0)
        var bins = 1
        if width != 0 {
            if integerValues && width < 1 { width = 1 }
            bins = Int(((last - first) / width).rounded(.up))
        }
        // np.linspace(first, last, bins + 1): i·step + first, the last edge exactly `last`.
        let step = (last - first) / Double(bins)
        var edges = [Double](repeating: 0, count: bins + 1)
        for index in 0..<bins { edges[index] = Double(index) * step + first }
        edges[bins] = last
        return edges
    }

    static func histogram(_ sorted: UnsafeBufferPointer<Double>, edges: [Double]) -> [Int] {
        // np.histogram with explicit edges: searchsorted 'left' on all edges but the last ('right').
        var cumulative = [Int](repeating: 0, count: edges.count)
        for index in 0..<(edges.count - 1) { cumulative[index] = lowerBound(sorted, edges[index]) }
        cumulative[edges.count - 1] = upperBound(sorted, edges[edges.count - 1])
        return (0..<(edges.count - 1)).map { cumulative[$0 + 1] - cumulative[$0] }
    }

    static func lowerBound(_ sorted: UnsafeBufferPointer<Double>, _ value: Double) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    static func upperBound(_ sorted: UnsafeBufferPointer<Double>, _ value: Double) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    // MARK: - Counts

    /// numpy's pairwise summation (`np.sum` of a contiguous float64 array).
    package static func pairwiseSum(_ values: UnsafeBufferPointer<Double>) -> Double {
        guard let base = values.baseAddress, !values.isEmpty else { return 0 }
        return base[0] + pairwise(base + 1, values.count - 1)
    }

    static func pairwise(_ a: UnsafePointer<Double>, _ n: Int) -> Double {
        if n < 8 {
            var result = 0.0
            for index in 0..<n { result += a[index] }
            return result
        }
        if n <= 128 {
            var r0 = a[0]
            var r1 = a[1]
            var r2 = a[2]
            var r3 = a[3]
            var r4 = a[4]
            var r5 = a[5]
            var r6 = a[6]
            var r7 = a[7]
            var index = 8
            while index < n - n % 8 {
                r0 += a[index]
                r1 += a[index + 1]
                r2 += a[index + 2]
                r3 += a[index + 3]
                r4 += a[index + 4]
                r5 += a[index + 5]
                r6 += a[index + 6]
                r7 += a[index + 7]
                index += 8
            }
            var result = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while index < n {
                result += a[index]
                index += 1
            }
            return result
        }
        var half = n / 2
        half -= half % 8
        return pairwise(a, half) + pairwise(a + half, n - half)
    }

    static func sum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { pairwiseSum($0) }
    }

    /// Evidently's `get_binned_data` percentages: count / sample size, and with `fillZeros` every 0
    /// replaced by min(non-zero)/10⁶ when that minimum is ≤ 0.0001, else by 0.0001.
    package static func percents(_ counts: [Int], total: Int, fillZeros: Bool) -> [Double] {
        var result = counts.map { Double($0) / Double(total) }
        if fillZeros {
            let smallest = result.lazy.filter { $0 != 0 }.min() ?? 0
            let replacement = smallest <= 0.0001 ? smallest / 1e6 : 0.0001
            for index in result.indices where result[index] == 0 { result[index] = replacement }
        }
        return result
    }

    /// Evidently's PSI: Σ (r − c)·ln(r / c) over zero-filled percentages.
    package static func psi(_ counts: CategoryCounts, referenceTotal: Int, currentTotal: Int) -> Double {
        let r = percents(counts.reference, total: referenceTotal, fillZeros: true)
        let c = percents(counts.current, total: currentTotal, fillZeros: true)
        let terms = zip(r, c).map { ($0 - $1) * Platform.log($0 / $1) }
        return sum(terms)
    }

    /// `scipy.spatial.distance.jensenshannon(p, q)` (natural log) of Evidently's percentages.
    package static func jensenShannon(_ counts: CategoryCounts, referenceTotal: Int, currentTotal: Int) -> Double {
        var p = percents(counts.reference, total: referenceTotal, fillZeros: false)
        var q = percents(counts.current, total: currentTotal, fillZeros: false)
        let pSum = sum(p)
        let qSum = sum(q)
        for index in p.indices { p[index] /= pSum }
        for index in q.indices { q[index] /= qSum }
        var left = [Double](repeating: 0, count: p.count)
        var right = [Double](repeating: 0, count: p.count)
        for index in p.indices {
            let m = (p[index] + q[index]) / 2.0
            left[index] = relativeEntropy(p[index], m)
            right[index] = relativeEntropy(q[index], m)
        }
        let js = (sum(left) + sum(right)) / 2.0
        return max(js, 0).squareRoot()
    }

    @inline(__always) static func relativeEntropy(_ x: Double, _ y: Double) -> Double {
        if x > 0 && y > 0 { return x * Platform.log(x / y) }
        if x == 0 && y >= 0 { return 0 }
        return .infinity
    }

    /// Evidently's chi-square test: `scipy.stats.chisquare(current, reference · n_cur / n_ref)`.
    /// One category gives statistic 0 and p-value 1 (SciPy returns NaN for zero degrees of freedom).
    package static func chiSquare(_ counts: CategoryCounts, referenceTotal: Int, currentTotal: Int) -> (
        statistic: Double, pValue: Double
    ) {
        let k = counts.reference.count
        guard k > 1 else { return (0, 1) }
        let scale = Double(currentTotal) / Double(referenceTotal)
        var terms = [Double](repeating: 0, count: k)
        for index in 0..<k {
            let expected = Double(counts.reference[index]) * scale
            let observed = Double(counts.current[index])
            let difference = observed - expected
            terms[index] = expected == 0 ? (difference == 0 ? .nan : .infinity) : difference * difference / expected
        }
        let statistic = sum(terms)
        return (statistic, DriftDistributions.chiSquareSurvival(statistic, degrees: k - 1))
    }

    /// Evidently's Z-test for proportions: the share of values other than the smallest category,
    /// reference against current, two-sided.
    package static func zTest(_ counts: CategoryCounts, referenceTotal: Int, currentTotal: Int) -> (
        statistic: Double, pValue: Double
    ) {
        guard let first = counts.reference.indices.first else { return (0, 1) }
        let referenceKinds = counts.reference.lazy.filter { $0 > 0 }.count
        let currentKinds = counts.current.lazy.filter { $0 > 0 }.count
        if referenceKinds == 1 && currentKinds == 1 {
            let same = zip(counts.reference, counts.current).contains { $0 > 0 && $1 > 0 }
            if same { return (0, 1) }
        }
        let n1 = Double(referenceTotal)
        let n2 = Double(currentTotal)
        let p1 = Double(referenceTotal - counts.reference[first]) / n1
        let p2 = Double(currentTotal - counts.current[first]) / n2
        let pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        let variance = pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2)
        guard variance > 0 else { return (0, 1) }
        let z = (p1 - p2) / variance.squareRoot()
        let p = 2 * (1 - DriftDistributions.normalCDF(abs(z)))
        return (z, p)
    }
}
