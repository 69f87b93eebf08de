/// A latency histogram with log-spaced buckets, and the percentiles read from it.
///
/// Bucket `k` holds latencies in (`upperBounds[k-1]`, `upperBounds[k]`]; the bounds grow by a factor
/// of 2^¼ (19 %) from 1 µs to about 268 s, and a last bucket holds everything slower. A percentile
/// is the upper bound of the bucket that holds it (so it over-states by at most 19 %), which is how
/// Prometheus' `histogram_quantile` reads the same buckets too.
public struct LatencyHistogram: Sendable, Hashable {
    /// The buckets' upper bounds in nanoseconds, ascending; the count of the bucket past the last
    /// bound (`counts.last`) holds slower requests.
    public var upperBoundsNanoseconds: [Int] { Self.bounds }
    /// Requests per bucket: `upperBoundsNanoseconds.count + 1` counts.
    public var counts: [Int]
    /// The sum of all latencies, in nanoseconds.
    public var sumNanoseconds: Int

    /// Creates a histogram from bucket counts (`upperBoundsNanoseconds.count + 1` of them; missing
    /// counts are zero, extra ones are dropped).
    public init(counts: [Int] = [], sumNanoseconds: Int = 0) {
        var padded = Array(counts.prefix(Self.bucketCount))
        padded.append(contentsOf: repeatElement(0, count: Self.bucketCount - padded.count))
        self.counts = padded
        self.sumNanoseconds = sumNanoseconds
    }

    /// The number of latencies recorded.
    public var count: Int { counts.reduce(0, &+) }

    /// The latency below which a fraction `q` (0…1) of the requests fall, as the upper bound of the
    /// bucket that holds it; `nil` when nothing was recorded. Requests slower than the last bound
    /// report that bound.
    public func quantile(_ q: Double) -> Duration? {
        let total = count
        guard total > 0 else { return nil }
        let clamped = Swift.min(1, Swift.max(0, q.isNaN ? 1 : q))
        let rank = Swift.max(1, Int((clamped * Double(total)).rounded(.up)))
        var seen = 0
        for (index, bucketCount) in counts.enumerated() {
            seen += bucketCount
            if seen >= rank { return .nanoseconds(Self.bounds[Swift.min(index, Self.bounds.count - 1)]) }
        }
        return .nanoseconds(Self.bounds[Self.bounds.count - 1])
    }

    /// The median latency.
    public var p50: Duration? { quantile(0.5) }
    /// The 90th percentile.
    public var p90: Duration? { quantile(0.9) }
    /// The 99th percentile.
    public var p99: Duration? { quantile(0.99) }
    /// The 99.9th percentile.
    public var p999: Duration? { quantile(0.999) }

    /// The mean latency; `nil` when nothing was recorded.
    public var mean: Duration? {
        let total = count
        return total > 0 ? .nanoseconds(sumNanoseconds / total) : nil
    }

    /// Adds `other`'s counts and sum to this histogram's.
    public mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] &+= other.counts[index] }
        sumNanoseconds &+= other.sumNanoseconds
    }

    // MARK: - Buckets

    /// Bounds per doubling.
    static let stepsPerDoubling = 4
    /// The bounds in nanoseconds: 1 µs · 2^(k/4) for k in 0..<113 (1 µs … 2^28 µs).
    static let bounds: [Int] = (0...(28 * stepsPerDoubling)).map { step in
        Int((1000 * pow2(Double(step) / Double(stepsPerDoubling))).rounded())
    }
    /// The number of buckets, the overflow bucket included.
    static let bucketCount = bounds.count + 1

    /// The bucket of a latency of `nanoseconds`: the first whose bound is at least it.
    @inline(__always)
    static func bucket(nanoseconds: Int) -> Int {
        var low = 0
        var high = bounds.count  // the overflow bucket
        while low < high {
            let middle = (low + high) >> 1
            if bounds[middle] >= nanoseconds { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// 2^x for the bounds, without libm: the integer part by shifting, the fraction by a short
    /// series (only used to build the table once).
    private static func pow2(_ x: Double) -> Double {
        let whole = x.rounded(.down)
        let fraction = x - whole
        // e^(f·ln 2) by its Taylor series; |f·ln 2| < 0.7, 20 terms are exact to double precision.
        let y = fraction * 0.693_147_180_559_945_3
        var term = 1.0
        var sum = 1.0
        for n in 1...20 {
            term *= y / Double(n)
            sum += term
        }
        return sum * Double(1 << Int(whole))
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating at `Int.max`).
    var wholeNanoseconds: Int {
        let (seconds, attoseconds) = components
        let (fromSeconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int.min : Int.max }
        return Int(clamping: fromSeconds) &+ Int(attoseconds / 1_000_000_000)
    }
}
