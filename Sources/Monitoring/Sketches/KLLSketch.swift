import MLOpsCore

/// A Karnin–Lang–Liberty quantile sketch of doubles: approximate quantiles, ranks and histograms of a
/// stream in bounded memory, mergeable across shards.
///
/// The sketch keeps a few hundred to a few thousand values in levels of growing weight; when a
/// level fills up it is sorted and every other value (odd or even positions, chosen by a seeded coin)
/// moves up a level with twice the weight. With the default `k` = 200 the normalised rank error of a
/// single ``rank(of:)`` or ``quantile(_:)`` query is at most ``normalizedRankError`` ≈ 1.33 % of the count
/// with 99 % confidence, and of ``cdf(_:)`` / ``pmf(_:)`` bins ≈ 1.65 % — Apache DataSketches' published
/// formulas `2.296 / k^0.9723` and `2.446 / k^0.9433`. Level capacities here are never smaller than
/// DataSketches' and compaction is their lazy rule (level 0 holds at least ``levelZeroCapacity`` values
/// so that its sort is a fast radix sort), so no level compacts more often than in theirs and the bounds
/// carry over; up to ``levelZeroCapacity`` values the sketch is exact.
///
/// NaN and infinities are ignored by ``update(_:)-(Double)``: count them yourself (``ColumnProfile`` does).
/// The coin is seeded, so the same values in the same order with the same seed give the same sketch.
public struct KLLSketch: Sendable, Hashable {
    /// The default accuracy parameter, as in Apache DataSketches.
    public static let defaultK = 200
    /// The smallest capacity of level 0 (the level that receives new values).
    public static let levelZeroCapacity = 2048
    /// The smallest capacity of any level (DataSketches' `m`).
    static let minimumLevelCapacity = 8

    /// The accuracy parameter: the capacity of the top level.
    public let k: Int
    /// The number of finite values the sketch has seen.
    public private(set) var count: Int = 0
    /// The smallest value seen, or `nil` before the first.
    public private(set) var minimum: Double?
    /// The largest value seen, or `nil` before the first.
    public private(set) var maximum: Double?
    /// Retained values per level; level `h` values weigh `2^h`. Level 0 is unsorted, the others sorted.
    var levels: [[Double]]
    /// The state of the compaction coin.
    var randomState: UInt64

    /// An empty sketch.
    ///
    /// - Parameters:
    ///   - k: The accuracy parameter, 8 through 65,535; larger is more accurate and larger.
    ///   - seed: Seeds the compaction coin.
    /// - Throws: `MLOpsError.invalidArgument` when `k` is out of range.
    public init(k: Int = KLLSketch.defaultK, seed: UInt64 = 0) throws {
        guard (8...65_535).contains(k) else {
            throw MLOpsError(
                .invalidArgument, "KLL sketch k must be between 8 and 65535, not \(k)", value: String(k))
        }
        self.k = k
        self.levels = [[]]
        self.randomState = seed
    }

    /// A sketch restored from its parts (used by the binary reader, which validated them).
    init(k: Int, count: Int, minimum: Double?, maximum: Double?, levels: [[Double]], randomState: UInt64) {
        self.k = k
        self.count = count
        self.minimum = minimum
        self.maximum = maximum
        self.levels = levels.isEmpty ? [[]] : levels
        self.randomState = randomState
    }

    /// `true` before the first value.
    public var isEmpty: Bool { count == 0 }

    /// The number of values the sketch keeps (its memory is about 8 bytes per retained value).
    public var retainedCount: Int { levels.reduce(0) { $0 + $1.count } }

    /// Apache DataSketches' normalised rank error for `k` with 99 % confidence: `2.296 / k^0.9723` for a
    /// single rank or quantile, `2.446 / k^0.9433` for the bins of ``cdf(_:)`` and ``pmf(_:)`` (`pmf` true).
    ///
    /// - Parameters:
    ///   - k: The accuracy parameter.
    ///   - pmf: Whether the error of a bin (difference of two ranks) is wanted.
    public static func normalizedRankError(k: Int, pmf: Bool) -> Double {
        let kk = Double(max(k, 1))
        return pmf
            ? 2.446 / Platform.exp(0.9433 * Platform.log(kk)) : 2.296 / Platform.exp(0.9723 * Platform.log(kk))
    }

    /// The bound on the error of ``rank(of:)`` and ``quantile(_:)``, as a fraction of ``count``
    /// (about 0.0133 for k = 200), with 99 % confidence; 0 while the sketch is exact.
    public var normalizedRankError: Double {
        levels.count == 1 ? 0 : Self.normalizedRankError(k: k, pmf: false)
    }

    /// The bound on the error of each bin of ``cdf(_:)`` and ``pmf(_:)``, as a fraction of ``count``
    /// (about 0.0165 for k = 200), with 99 % confidence; 0 while the sketch is exact.
    public var pmfNormalizedRankError: Double {
        levels.count == 1 ? 0 : Self.normalizedRankError(k: k, pmf: true)
    }

    // MARK: - Updating

    /// Adds one value; NaN and infinities are ignored.
    public mutating func update(_ value: Double) {
        guard value.isFinite else { return }
        minimum = Swift.min(minimum ?? value, value)
        maximum = Swift.max(maximum ?? value, value)
        count += 1
        levels[0].append(value)
        if retainedCount >= totalCapacity { compress() }
    }

    /// Adds every finite value of `values`; NaN and infinities are ignored.
    public mutating func update(_ values: UnsafeBufferPointer<Double>) {
        var start = 0
        while start < values.count {
            // Runs of finite values go in as batches.
            var end = start
            var low = Double.infinity
            var high = -Double.infinity
            while end < values.count, values[end].isFinite {
                low = Swift.min(low, values[end])
                high = Swift.max(high, values[end])
                end += 1
            }
            if end > start {
                appendFinite(UnsafeBufferPointer(rebasing: values[start..<end]), minimum: low, maximum: high)
            }
            start = end + 1
        }
    }

    /// Adds every finite value of `values`, widened to `Double`; NaN and infinities are ignored.
    public mutating func update(_ values: UnsafeBufferPointer<Float>) {
        let chunk = 4096
        withUnsafeTemporaryAllocation(of: Double.self, capacity: chunk) { buffer in
            var start = 0
            while start < values.count {
                let n = Swift.min(chunk, values.count - start)
                for index in 0..<n { buffer[index] = Double(values[start + index]) }
                update(UnsafeBufferPointer(rebasing: buffer[0..<n]))
                start += n
            }
        }
    }

    /// Adds every value of `values`, converted to `Double` (rounded beyond 2^53).
    public mutating func update(_ values: UnsafeBufferPointer<Int64>) {
        let chunk = 4096
        withUnsafeTemporaryAllocation(of: Double.self, capacity: chunk) { buffer in
            var start = 0
            while start < values.count {
                let n = Swift.min(chunk, values.count - start)
                for index in 0..<n { buffer[index] = Double(values[start + index]) }
                update(UnsafeBufferPointer(rebasing: buffer[0..<n]))
                start += n
            }
        }
    }

    /// Adds values known to be finite, with their minimum and maximum.
    mutating func appendFinite(_ values: UnsafeBufferPointer<Double>, minimum low: Double, maximum high: Double) {
        guard !values.isEmpty else { return }
        minimum = Swift.min(minimum ?? low, low)
        maximum = Swift.max(maximum ?? high, high)
        count += values.count
        var start = 0
        while start < values.count {
            let capacity = totalCapacity
            let room = Swift.max(capacity - retainedCount, 1)
            let end = Swift.min(values.count, start + room)
            levels[0].append(contentsOf: UnsafeBufferPointer(rebasing: values[start..<end]))
            start = end
            if retainedCount >= capacity { compress() }
        }
    }

    // MARK: - Compaction

    /// The capacity of level `level` with the current number of levels.
    func capacity(ofLevel level: Int) -> Int {
        let depth = levels.count - 1 - level
        var capacity = Double(k)
        for _ in 0..<Swift.min(depth, 64) { capacity *= 2.0 / 3.0 }
        let width = Swift.max(Self.minimumLevelCapacity, Int(capacity.rounded(.up)))
        return level == 0 ? Swift.max(width, Self.levelZeroCapacity) : width
    }

    /// The sum of the level capacities: the sketch compacts when it retains this many values.
    var totalCapacity: Int {
        var total = 0
        for level in levels.indices { total += capacity(ofLevel: level) }
        return total
    }

    /// DataSketches' lazy compression: while the sketch retains at least ``totalCapacity`` values,
    /// compacts the lowest level at or over its own capacity (so lower levels keep their values as long
    /// as there is room, and new levels are added only when the top overflows).
    mutating func compress() {
        while retainedCount >= totalCapacity {
            var level = 0
            while level < levels.count, levels[level].count < capacity(ofLevel: level) { level += 1 }
            guard level < levels.count else { return }
            compact(level)
        }
    }

    /// The next coin flip: 0 or 1 (SplitMix64).
    private mutating func flip() -> Int {
        randomState &+= 0x9e37_79b9_7f4a_7c15
        var z = randomState
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return Int((z ^ (z >> 31)) >> 63)
    }

    /// Moves every other value of `level` (sorted) one level up; an odd value out stays.
    private mutating func compact(_ level: Int) {
        if level + 1 == levels.count { levels.append([]) }
        if level == 0 {
            let n = levels[0].count
            let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
            defer { scratch.deallocate() }
            levels[0].withUnsafeMutableBufferPointer { RadixSort.sort($0, scratch: scratch) }
        }
        let coin = flip()
        let source = levels[level]
        let paired = source.count & ~1
        let half = paired / 2
        var merged: [Double] = []
        merged.reserveCapacity(levels[level + 1].count + half)
        source.withUnsafeBufferPointer { from in
            levels[level + 1].withUnsafeBufferPointer { upper in
                var i = 0
                var j = 0
                while i < half, j < upper.count {
                    let candidate = from[2 * i + coin]
                    if candidate <= upper[j] {
                        merged.append(candidate)
                        i += 1
                    } else {
                        merged.append(upper[j])
                        j += 1
                    }
                }
                while i < half {
                    merged.append(from[2 * i + coin])
                    i += 1
                }
                while j < upper.count {
                    merged.append(upper[j])
                    j += 1
                }
            }
        }
        levels[level + 1] = merged
        levels[level].removeFirst(paired)
    }

    // MARK: - Merging

    /// Adds the values summarised by `other`, as if this sketch had seen them too.
    ///
    /// The merged sketch keeps the error bound of a sketch that saw both streams.
    /// - Throws: `MLOpsError.invalidArgument` when the two sketches have different `k`.
    public mutating func merge(_ other: KLLSketch) throws {
        guard other.k == k else {
            throw MLOpsError(
                .invalidArgument,
                "cannot merge a KLL sketch with k = \(other.k) into one with k = \(k); use the same k",
                value: String(other.k))
        }
        guard other.count > 0 else { return }
        while levels.count < other.levels.count { levels.append([]) }
        levels[0].append(contentsOf: other.levels[0])
        for level in 1..<other.levels.count where !other.levels[level].isEmpty {
            levels[level] = Self.mergeSorted(levels[level], other.levels[level])
        }
        count += other.count
        if let low = other.minimum { minimum = Swift.min(minimum ?? low, low) }
        if let high = other.maximum { maximum = Swift.max(maximum ?? high, high) }
        compress()
    }

    static func mergeSorted(_ a: [Double], _ b: [Double]) -> [Double] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var result: [Double] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count, j < b.count {
            if a[i] <= b[j] {
                result.append(a[i])
                i += 1
            } else {
                result.append(b[j])
                j += 1
            }
        }
        result.append(contentsOf: a[i...])
        result.append(contentsOf: b[j...])
        return result
    }

    // MARK: - Queries

    /// The retained values in ascending order with their cumulative weights.
    func sortedView() -> (values: [Double], cumulative: [Int]) {
        var values: [Double] = []
        var weights: [Int] = []
        for (level, items) in levels.enumerated() where !items.isEmpty {
            var sorted = items
            if level == 0 {
                let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: sorted.count)
                sorted.withUnsafeMutableBufferPointer { RadixSort.sort($0, scratch: scratch) }
                scratch.deallocate()
            }
            let weight = 1 << Swift.min(level, 62)
            var mergedValues: [Double] = []
            var mergedWeights: [Int] = []
            mergedValues.reserveCapacity(values.count + sorted.count)
            mergedWeights.reserveCapacity(values.count + sorted.count)
            var i = 0
            var j = 0
            while i < values.count || j < sorted.count {
                if j == sorted.count || (i < values.count && values[i] <= sorted[j]) {
                    mergedValues.append(values[i])
                    mergedWeights.append(weights[i])
                    i += 1
                } else {
                    mergedValues.append(sorted[j])
                    mergedWeights.append(weight)
                    j += 1
                }
            }
            values = mergedValues
            weights = mergedWeights
        }
        var running = 0
        for index in weights.indices {
            running &+= weights[index]
            weights[index] = running
        }
        return (values, weights)
    }

    /// The approximate `q`-quantile: the smallest retained value whose rank is at least `q`.
    ///
    /// `q` = 0 gives ``minimum`` and `q` = 1 ``maximum``; the rank of the answer is within
    /// ``normalizedRankError`` of `q`. Returns `nil` when the sketch is empty or `q` is not in 0...1.
    public func quantile(_ q: Double) -> Double? {
        quantiles([q])?.first ?? nil
    }

    /// The approximate quantiles at each of `fractions`, computed over one sorted view; `nil` when the sketch
    /// is empty, and a `nil` element for a fraction outside 0...1.
    public func quantiles(_ fractions: [Double]) -> [Double?]? {
        guard count > 0, let low = minimum, let high = maximum else { return nil }
        let view = sortedView()
        return fractions.map { q -> Double? in
            guard q >= 0, q <= 1 else { return nil }
            if q == 0 { return low }
            if q == 1 { return high }
            let target = q * Double(count)
            var lo = 0
            var hi = view.cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if Double(view.cumulative[mid]) >= target { hi = mid } else { lo = mid + 1 }
            }
            return view.values[lo]
        }
    }

    /// The approximate fraction of values less than or equal to `x`, within ``normalizedRankError``;
    /// 0 for an empty sketch or a NaN `x`.
    public func rank(of x: Double) -> Double {
        guard count > 0, !x.isNaN else { return 0 }
        var weight = 0
        for (level, items) in levels.enumerated() {
            if level == 0 {
                for value in items where value <= x { weight += 1 }
            } else {
                var lo = 0
                var hi = items.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if items[mid] <= x { lo = mid + 1 } else { hi = mid }
                }
                weight += lo << Swift.min(level, 62)
            }
        }
        return Double(weight) / Double(count)
    }

    /// The approximate cumulative distribution at `splitPoints`: element `i` is the fraction of values
    /// ≤ `splitPoints[i]`, and a last element 1 is appended; each within ``pmfNormalizedRankError``.
    ///
    /// Returns `nil` for an empty sketch.
    /// - Throws: `MLOpsError.invalidArgument` when the split points are not finite and strictly increasing.
    public func cdf(_ splitPoints: [Double]) throws -> [Double]? {
        for (index, point) in splitPoints.enumerated() {
            guard point.isFinite, index == 0 || splitPoints[index - 1] < point else {
                throw MLOpsError(
                    .invalidArgument,
                    "split point \(index) is \(point); split points must be finite and strictly increasing",
                    value: String(point))
            }
        }
        guard count > 0 else { return nil }
        let view = sortedView()
        var result: [Double] = []
        result.reserveCapacity(splitPoints.count + 1)
        var position = 0
        for point in splitPoints {
            while position < view.values.count, view.values[position] <= point { position += 1 }
            let weight = position == 0 ? 0 : view.cumulative[position - 1]
            result.append(Double(weight) / Double(count))
        }
        result.append(1)
        return result
    }

    /// The approximate fraction of values in each interval `(-∞, s₀], (s₀, s₁], …, (sₙ₋₁, +∞)` of
    /// `splitPoints`; each within ``pmfNormalizedRankError``. Returns `nil` for an empty sketch.
    ///
    /// - Throws: `MLOpsError.invalidArgument` when the split points are not finite and strictly increasing.
    public func pmf(_ splitPoints: [Double]) throws -> [Double]? {
        guard let cumulative = try cdf(splitPoints) else { return nil }
        var previous = 0.0
        return cumulative.map { value in
            defer { previous = value }
            return value - previous
        }
    }
}
