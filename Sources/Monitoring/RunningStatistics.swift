/// Streaming summary statistics of one numeric feature: count, missing,
/// mean, variance, minimum and maximum, in one pass and constant memory.
///
/// Uses Welford's update for numerical stability and Chan et al.'s formula
/// to ``merge(_:)`` partial results, so statistics computed on shards (or on
/// both cores) combine exactly as if computed in one pass. NaN counts as
/// missing; infinities are counted in ``infiniteCount`` and kept out of the
/// moments so one bad value cannot turn the mean into NaN.
///
/// ```swift
/// var stats = RunningStatistics()
/// for x in batch { stats.add(x) }
/// print(stats.mean, stats.standardDeviation)
/// ```
public struct RunningStatistics: Sendable, Hashable, Codable {
    /// Finite values seen.
    public private(set) var count: Int = 0
    /// NaN (missing) values seen.
    public private(set) var missingCount: Int = 0
    /// Infinite values seen (not part of the moments).
    public private(set) var infiniteCount: Int = 0
    /// The mean of the finite values (0 when there are none).
    public private(set) var mean: Double = 0
    /// The sum of squared deviations from the mean (Welford's M2).
    private(set) var m2: Double = 0
    /// The smallest finite value, or `nil` if none.
    public private(set) var minimum: Double?
    /// The largest finite value, or `nil` if none.
    public private(set) var maximum: Double?

    /// Empty statistics.
    public init() {}

    /// Statistics from their parts: a batch summarised by a caller (the profiles' column kernels) or
    /// restored by a reader that validated them.
    init(
        count: Int, missingCount: Int, infiniteCount: Int, mean: Double, m2: Double, minimum: Double?,
        maximum: Double?
    ) {
        self.count = count
        self.missingCount = missingCount
        self.infiniteCount = infiniteCount
        self.mean = count > 0 ? mean : 0
        self.m2 = count > 1 ? m2 : 0
        self.minimum = count > 0 ? minimum : nil
        self.maximum = count > 0 ? maximum : nil
    }

    /// Statistics of `values`.
    public init(_ values: some Sequence<Double>) {
        for value in values { add(value) }
    }

    /// Adds one observation.
    public mutating func add(_ value: Double) {
        if value.isNaN {
            missingCount += 1
            return
        }
        if value.isInfinite {
            infiniteCount += 1
            return
        }
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        m2 += delta * (value - mean)
        minimum = Swift.min(minimum ?? value, value)
        maximum = Swift.max(maximum ?? value, value)
    }

    /// Combines statistics of another part of the same stream.
    public mutating func merge(_ other: RunningStatistics) {
        missingCount += other.missingCount
        infiniteCount += other.infiniteCount
        guard other.count > 0 else { return }
        guard count > 0 else {
            count = other.count
            mean = other.mean
            m2 = other.m2
            minimum = other.minimum
            maximum = other.maximum
            return
        }
        let total = Double(count + other.count)
        let delta = other.mean - mean
        mean += delta * Double(other.count) / total
        m2 += other.m2 + delta * delta * Double(count) * Double(other.count) / total
        count += other.count
        minimum = Swift.min(minimum ?? .infinity, other.minimum ?? .infinity)
        maximum = Swift.max(maximum ?? -.infinity, other.maximum ?? -.infinity)
    }

    /// The sample variance (n − 1 denominator); 0 with fewer than two values.
    public var variance: Double { count > 1 ? m2 / Double(count - 1) : 0 }

    /// The sample standard deviation.
    public var standardDeviation: Double { variance.squareRoot() }

    /// The share of observations that were missing (0 when nothing was seen).
    public var missingFraction: Double {
        let total = count + missingCount + infiniteCount
        return total == 0 ? 0 : Double(missingCount) / Double(total)
    }
}
