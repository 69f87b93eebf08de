import MLOpsCore

/// The most frequent values of a categorical stream (a Misra–Gries summary, merged as in Agarwal et al.'s
/// mergeable summaries and Apache DataSketches' frequent-items sketch), with guaranteed bounds.
///
/// The summary keeps at most ``capacity`` counters. When it overflows, the (capacity + 1)-th largest
/// counter is subtracted from every counter and added to ``maximumError``; counters at 0 are dropped.
/// So for every value the true count lies in `lowerBound...upperBound` of its ``Item``
/// (`upperBound = lowerBound + maximumError`), and ``maximumError`` ≤ ``totalWeight`` / (capacity + 1).
/// ``items(_:)`` with ``ErrorType/noFalsePositives`` (the default, as in whylogs) returns only values whose
/// lower bound exceeds ``maximumError``: each is certainly more frequent than that.
public struct FrequentItems: Sendable, Hashable {
    /// The default number of counters.
    public static let defaultCapacity = 128

    /// One reported value with its estimated count and bounds on its true count.
    public struct Item: Sendable, Hashable {
        /// The value (numbers and booleans in their text form).
        public var value: String
        /// The estimated count: ``upperBound``, as DataSketches reports it.
        public var estimate: Int
        /// A count the value certainly reached.
        public var lowerBound: Int
        /// A count the value certainly did not exceed.
        public var upperBound: Int
    }

    /// Which errors ``items(_:)`` may make.
    public enum ErrorType: Sendable, Hashable {
        /// Only values certainly above the threshold (lower bound > ``maximumError``); may miss some.
        case noFalsePositives
        /// Every value that may be above the threshold (upper bound > ``maximumError``); may include extras.
        case noFalseNegatives
    }

    /// The maximum number of counters kept, 1 through 1,048,576.
    public let capacity: Int
    /// The total weight (number of values) summarised.
    public private(set) var totalWeight: Int = 0
    /// The most any counter can undercount its value's true count.
    public private(set) var maximumError: Int = 0
    /// Counters by value.
    var counters: [String: Int] = [:]

    /// An empty summary.
    ///
    /// - Throws: `MLOpsError.invalidArgument` when `capacity` is not in 1...1,048,576.
    public init(capacity: Int = FrequentItems.defaultCapacity) throws {
        guard (1...1_048_576).contains(capacity) else {
            throw MLOpsError(
                .invalidArgument, "frequent-items capacity must be between 1 and 1048576, not \(capacity)",
                value: String(capacity))
        }
        self.capacity = capacity
    }

    /// A summary from validated parts (used by the binary reader).
    init(capacity: Int, totalWeight: Int, maximumError: Int, counters: [String: Int]) {
        self.capacity = capacity
        self.totalWeight = totalWeight
        self.maximumError = maximumError
        self.counters = counters
    }

    /// The number of counters in use.
    public var counterCount: Int { counters.count }

    /// Adds `weight` occurrences of `value`; a weight below 1 is ignored.
    public mutating func update(_ value: String, weight: Int = 1) {
        guard weight > 0 else { return }
        totalWeight &+= weight
        counters[value, default: 0] &+= weight
        // Purge lazily, when twice the capacity is reached, so updates stay amortised O(1).
        if counters.count > 2 * capacity { purge() }
    }

    /// Adds a batch's exact counts, first reduced to a summary of ``capacity`` counters (the mergeable
    /// Misra–Gries rule), so at most ``capacity`` values are converted to strings.
    mutating func update<Key>(counts: [(key: Key, count: Int)], total: Int, text: (Key) -> String) {
        guard total > 0 else { return }
        var threshold = 0
        if counts.count > capacity {
            var sorted = counts.map(\.count)
            sorted.sort(by: >)
            threshold = sorted[capacity]
        }
        totalWeight &+= total
        maximumError &+= threshold
        for entry in counts where entry.count > threshold {
            counters[text(entry.key), default: 0] &+= entry.count - threshold
        }
        if counters.count > capacity { purge() }
    }

    /// Subtracts the (capacity + 1)-th largest counter from all and drops the counters that reach 0.
    mutating func purge() {
        guard counters.count > capacity else { return }
        var sorted = Array(counters.values)
        sorted.sort(by: >)
        let threshold = sorted[capacity]
        maximumError &+= threshold
        var kept: [String: Int] = [:]
        kept.reserveCapacity(capacity)
        for (value, count) in counters where count > threshold { kept[value] = count - threshold }
        counters = kept
    }

    /// Adds the values summarised by `other`; the bounds stay valid for the combined stream.
    ///
    /// - Throws: `MLOpsError.invalidArgument` when the capacities differ.
    public mutating func merge(_ other: FrequentItems) throws {
        guard other.capacity == capacity else {
            throw MLOpsError(
                .invalidArgument,
                "cannot merge frequent items of capacity \(other.capacity) into capacity \(capacity); "
                    + "use the same capacity",
                value: String(other.capacity))
        }
        totalWeight &+= other.totalWeight
        maximumError &+= other.maximumError
        for (value, count) in other.counters { counters[value, default: 0] &+= count }
        purge()
    }

    /// The bounds of one value's count; values without a counter have lower bound 0.
    public func item(_ value: String) -> Item {
        let count = counters[value] ?? 0
        return Item(
            value: value, estimate: count == 0 ? 0 : count + maximumError, lowerBound: count,
            upperBound: count + maximumError)
    }

    /// The frequent values, most frequent first (ties by value), filtered by `errorType`.
    ///
    /// - Parameter errorType: Whether to avoid false positives (the default) or false negatives.
    public func items(_ errorType: ErrorType = .noFalsePositives) -> [Item] {
        var result: [Item] = []
        for (value, count) in counters {
            let upper = count + maximumError
            let keep = errorType == .noFalsePositives ? count > maximumError : upper > maximumError
            if keep { result.append(Item(value: value, estimate: upper, lowerBound: count, upperBound: upper)) }
        }
        result.sort { $0.estimate != $1.estimate ? $0.estimate > $1.estimate : $0.value < $1.value }
        return result
    }

    /// The counters, most frequent first, ties by value (a deterministic order for serialisation).
    var sortedCounters: [(value: String, count: Int)] {
        counters.map { ($0.key, $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }
}
