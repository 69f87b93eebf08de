import Synchronization

/// Makes ``SortableID``s that strictly increase in the order they are made.
///
/// Each ID takes the current wall-clock millisecond. When the clock has not
/// moved past the previous ID's millisecond — same millisecond, or the clock
/// stepped backwards — the generator keeps the previous timestamp and adds one
/// to the previous random part, so the new ID is the smallest one greater than
/// the last. (If those 80 bits ever run out, the timestamp moves one
/// millisecond ahead.) The state sits behind a `Mutex`, so one generator can
/// be shared by any number of threads and tasks.
///
/// ``SortableID/init()`` uses ``shared``. Create your own generator to get
/// reproducible IDs in tests:
///
/// ```swift
/// let ids = SortableIDGenerator(random: SeededRandom(seed: 1), clock: { 1_700_000_000_000 })
/// let first = ids.next()
/// ```
public final class SortableIDGenerator: Sendable {
    /// The process-wide generator behind ``SortableID/init()``: system clock,
    /// randomness from `SystemRandomNumberGenerator`.
    public static let shared = SortableIDGenerator()

    private struct State {
        var lastTimestamp: UInt64 = 0
        var lastRandomness: UInt128 = 0
        var hasIssued = false
        // nil: draw from SystemRandomNumberGenerator.
        var seeded: SeededRandom?

        mutating func freshRandomness() -> UInt128 {
            let high: UInt64
            let low: UInt64
            if var random = seeded {
                high = random.next()
                low = random.next()
                seeded = random
            } else {
                var system = SystemRandomNumberGenerator()
                high = system.next()
                low = system.next()
            }
            return UInt128(high & 0xFFFF) << 64 | UInt128(low)
        }
    }

    private let state: Mutex<State>
    private let clock: @Sendable () -> UInt64

    /// Creates a generator on the system wall clock with system randomness.
    ///
    /// IDs from two generators are not ordered with respect to each other
    /// within a millisecond; share one generator where order matters.
    public convenience init() {
        self.init(state: State(), clock: { SortableIDGenerator.currentMilliseconds() })
    }

    /// Creates a deterministic generator for tests.
    ///
    /// - Parameters:
    ///   - random: The source of the random parts.
    ///   - clock: Returns "now" in milliseconds since 1970; values above
    ///     ``SortableID/maxTimestamp`` are clamped to it.
    public convenience init(random: SeededRandom, clock: @escaping @Sendable () -> UInt64) {
        self.init(state: State(seeded: random), clock: clock)
    }

    private init(state: State, clock: @escaping @Sendable () -> UInt64) {
        self.state = Mutex(state)
        self.clock = clock
    }

    /// Returns a new ID, greater than every ID this generator returned before.
    public func next() -> SortableID {
        let now = min(clock(), SortableID.maxTimestamp)
        return state.withLock { state in
            var timestamp = now
            var randomness: UInt128
            if !state.hasIssued || timestamp > state.lastTimestamp {
                randomness = state.freshRandomness()
            } else {
                timestamp = state.lastTimestamp
                randomness = state.lastRandomness &+ 1
                if randomness > SortableID.maxRandomness {
                    // 2^80 IDs in one millisecond: borrow the next millisecond. At the
                    // very end of time (year 10889) wrap instead of failing.
                    timestamp = timestamp < SortableID.maxTimestamp ? timestamp + 1 : 0
                    randomness = state.freshRandomness()
                }
            }
            state.lastTimestamp = timestamp
            state.lastRandomness = randomness
            state.hasIssued = true
            return SortableID(uncheckedTimestamp: timestamp, randomness: randomness)
        }
    }

    /// Sets the state as if the last ID issued had these parts (for tests of the edges).
    func prime(lastTimestamp: UInt64, lastRandomness: UInt128) {
        state.withLock { state in
            state.lastTimestamp = lastTimestamp
            state.lastRandomness = lastRandomness
            state.hasIssued = true
        }
    }

    /// The wall clock in milliseconds since 1970-01-01 UTC (0 for times before it).
    static func currentMilliseconds() -> UInt64 {
        Platform.wallClockMilliseconds()
    }
}
