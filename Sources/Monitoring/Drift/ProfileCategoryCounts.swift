/// Per-category counts of two ``FrequentItems`` summaries over the union of their values, ordered as the
/// raw-column drift path orders categories; exact when neither summary ever overflowed.
struct ProfileCategoryCounts {
    /// The counts, in category order; when inexact, one last category holds the rest of each total.
    var counts: CategoryCounts
    /// The summaries' total weights (present values).
    var referenceTotal: Int
    var currentTotal: Int
    /// Whether every count is the true count.
    var isExact: Bool
    /// The number of distinct values of the union (exact only when ``isExact``).
    var distinct: Int

    /// - Parameters:
    ///   - reference: The reference column's frequent items.
    ///   - current: The current column's frequent items.
    ///   - numericOrder: Order the values as numbers (`false` < `true`), as the raw path orders numeric and
    ///     boolean categories; otherwise by UTF-8 bytes, as it orders strings.
    init(_ reference: FrequentItems, _ current: FrequentItems, numericOrder: Bool) {
        isExact = reference.maximumError == 0 && current.maximumError == 0
        referenceTotal = reference.totalWeight
        currentTotal = current.totalWeight
        var keys = Array(Set(reference.counters.keys).union(current.counters.keys))
        if numericOrder {
            func number(_ text: String) -> Double? {
                switch text {
                case "false": 0
                case "true": 1
                default: Double(text)
                }
            }
            keys.sort { left, right in
                switch (number(left), number(right)) {
                case (let a?, let b?): a != b ? a < b : left.utf8.lexicographicallyPrecedes(right.utf8)
                case (.some, nil): true
                case (nil, .some): false
                case (nil, nil): left.utf8.lexicographicallyPrecedes(right.utf8)
                }
            }
        } else {
            keys.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        var left = keys.map { reference.counters[$0] ?? 0 }
        var right = keys.map { current.counters[$0] ?? 0 }
        distinct = keys.count
        if !isExact {
            let restLeft = max(referenceTotal - left.reduce(0, +), 0)
            let restRight = max(currentTotal - right.reduce(0, +), 0)
            if restLeft > 0 || restRight > 0 {
                left.append(restLeft)
                right.append(restRight)
            }
        }
        counts = CategoryCounts(reference: left, current: right)
    }
}
