/// The distribution a ``KLLSketch`` summarises, as a step function: its distinct retained values in
/// ascending order with the total weight at or below each. Drift from profiles evaluates its CDF and bin
/// counts; when the sketch is exact (it has never compacted) these are the sample's own.
struct SketchDistribution {
    /// Distinct retained values, ascending.
    var values: [Double]
    /// Total weight of the retained values ≤ `values[i]`; the last element is the sketch's count.
    var cumulative: [Int]
    /// The sketch's count of finite values.
    var count: Int
    /// The smallest and largest value the sketch saw (exact, kept apart from the retained values).
    var minimum: Double
    var maximum: Double
    /// Whether the sketch holds every value it saw with weight 1.
    var isExact: Bool
    /// The sketch's bound on a rank (one CDF value), as a fraction of the count; 0 when exact.
    var rankError: Double
    /// The sketch's bound on one bin of a PMF, as a fraction of the count; 0 when exact.
    var binError: Double

    /// The distribution of `sketch`, or `nil` when it is empty.
    init?(_ sketch: KLLSketch) {
        guard sketch.count > 0, let low = sketch.minimum, let high = sketch.maximum else { return nil }
        let view = sketch.sortedView()
        var values: [Double] = []
        var cumulative: [Int] = []
        values.reserveCapacity(view.values.count)
        cumulative.reserveCapacity(view.values.count)
        for (value, weight) in zip(view.values, view.cumulative) {
            if let last = values.last, last == value {
                cumulative[cumulative.count - 1] = weight
            } else {
                values.append(value)
                cumulative.append(weight)
            }
        }
        guard let total = cumulative.last, total > 0 else { return nil }
        self.values = values
        self.cumulative = cumulative
        self.count = total
        self.minimum = low
        self.maximum = high
        self.isExact = sketch.levels.count == 1
        self.rankError = sketch.normalizedRankError
        self.binError = sketch.pmfNormalizedRankError
    }

    /// The weight of the retained values ≤ `x`.
    func weight(atMost x: Double) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] <= x { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? 0 : cumulative[low - 1]
    }

    /// The weight of the retained values < `x`.
    func weight(below x: Double) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < x { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? 0 : cumulative[low - 1]
    }

    /// Calls `body(x, weight ≤ x here, weight ≤ x in other)` at every distinct retained value of either
    /// distribution, in ascending order.
    func walkUnion(with other: SketchDistribution, _ body: (Double, Int, Int) -> Void) {
        var i = 0
        var j = 0
        var left = 0
        var right = 0
        while i < values.count || j < other.values.count {
            let x: Double
            if j == other.values.count || (i < values.count && values[i] <= other.values[j]) {
                x = values[i]
            } else {
                x = other.values[j]
            }
            if i < values.count && values[i] == x {
                left = cumulative[i]
                i += 1
            }
            if j < other.values.count && other.values[j] == x {
                right = other.cumulative[j]
                j += 1
            }
            body(x, left, right)
        }
    }

    /// The two-sample KS statistic of the two step CDFs (their supremum distance, reached at a retained
    /// value), with its integer numerator |w₁·n₂ − w₂·n₁| when that fits in an `Int`.
    func ksStatistic(against other: SketchDistribution) -> (statistic: Double, numerator: Int?) {
        let n1 = count
        let n2 = other.count
        var largest = 0.0
        var numerator = 0
        var overflow = false
        walkUnion(with: other) { _, left, right in
            let difference = abs(Double(left) / Double(n1) - Double(right) / Double(n2))
            largest = Swift.max(largest, difference)
            let (a, o1) = left.multipliedReportingOverflow(by: n2)
            let (b, o2) = right.multipliedReportingOverflow(by: n1)
            if o1 || o2 {
                overflow = true
            } else {
                numerator = Swift.max(numerator, a > b ? a - b : b - a)
            }
        }
        if overflow { return (largest, nil) }
        let (product, productOverflow) = n1.multipliedReportingOverflow(by: n2)
        return productOverflow ? (largest, nil) : (Double(numerator) / Double(product), numerator)
    }

    /// ∫|F − G| over the two step CDFs (`scipy.stats.wasserstein_distance` of the summarised samples).
    func wasserstein(against other: SketchDistribution) -> Double {
        let n1 = Double(count)
        let n2 = Double(other.count)
        var total = 0.0
        var previous: (x: Double, difference: Double)?
        walkUnion(with: other) { x, left, right in
            if let previous { total += previous.difference * (x - previous.x) }
            previous = (x, abs(Double(left) / n1 - Double(right) / n2))
        }
        return total
    }

    /// Weights per bin of `edges` as `np.histogram` counts them: [eᵢ, eᵢ₊₁), the last bin closed.
    func histogram(edges: [Double]) -> [Int] {
        guard edges.count > 1 else { return [] }
        var cumulativeAtEdges = edges.dropLast().map { weight(below: $0) }
        cumulativeAtEdges.append(weight(atMost: edges[edges.count - 1]))
        return (0..<(edges.count - 1)).map { cumulativeAtEdges[$0 + 1] - cumulativeAtEdges[$0] }
    }

    /// Weights per distinct retained value of either distribution, in ascending value order (the
    /// one-bin-per-value binning of few-valued columns).
    func valueCounts(with other: SketchDistribution) -> CategoryCounts {
        var reference: [Int] = []
        var current: [Int] = []
        var lastLeft = 0
        var lastRight = 0
        walkUnion(with: other) { _, left, right in
            reference.append(left - lastLeft)
            current.append(right - lastRight)
            lastLeft = left
            lastRight = right
        }
        return CategoryCounts(reference: reference, current: current)
    }

    /// Distinct retained values of both, counted up to `limit + 1`.
    func unionDistinct(with other: SketchDistribution, limit: Int) -> Int {
        var count = 0
        var i = 0
        var j = 0
        while (i < values.count || j < other.values.count) && count <= limit {
            if j == other.values.count || (i < values.count && values[i] < other.values[j]) {
                i += 1
            } else if i == values.count || other.values[j] < values[i] {
                j += 1
            } else {
                i += 1
                j += 1
            }
            count += 1
        }
        return count
    }
}
