import Synchronization

/// A fixed number of relaxed atomic counters in one allocation: what the serving metrics record
/// into, so that recording a request is a few uncontended atomic adds and never a lock.
final class AtomicCounters: Sendable {
    /// The counters; written only through atomic operations, freed in `deinit`.
    private nonisolated(unsafe) let base: UnsafeMutablePointer<Atomic<Int>>
    /// The number of counters.
    let count: Int

    /// Creates `count` counters, all zero.
    init(_ count: Int) {
        self.count = count
        base = .allocate(capacity: Swift.max(1, count))
        for index in 0..<count { (base + index).initialize(to: Atomic(0)) }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Adds `value` to counter `index` (wrapping; relaxed ordering).
    @inline(__always)
    func add(_ index: Int, _ value: Int = 1) {
        base[index].wrappingAdd(value, ordering: .relaxed)
    }

    /// Sets counter `index` to `value`.
    @inline(__always)
    func store(_ index: Int, _ value: Int) {
        base[index].store(value, ordering: .relaxed)
    }

    /// Raises counter `index` to `value` if it is lower.
    func raise(_ index: Int, to value: Int) {
        var current = base[index].load(ordering: .relaxed)
        while current < value {
            let (exchanged, original) = base[index].compareExchange(
                expected: current, desired: value, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// The value of counter `index`.
    @inline(__always)
    func load(_ index: Int) -> Int {
        base[index].load(ordering: .relaxed)
    }

    /// The values of counters `range`.
    func load(_ range: Range<Int>) -> [Int] {
        range.map { base[$0].load(ordering: .relaxed) }
    }
}
